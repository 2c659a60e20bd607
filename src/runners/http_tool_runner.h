// HttpToolRunner: calls a tool's upstream HTTP endpoint for an end-user run. It POSTs
// {"run_id", "user_id", "tool", "prompt", "params"} as JSON with the tool's configured headers
// and timeout; a 2xx answer is success and its body is the result (text and JSON kept as they
// are, anything else base64-encoded); any other status, a timeout or a network error is a
// failure whose reason is shown to the user. Bodies above 1 MiB are refused.
//
// Thread-safe: each call uses its own curl handle.
#pragma once

#include "app/ports/tool_runner.h"

namespace creditd::runners {

class HttpToolRunner final : public app::ToolRunner {
 public:
  HttpToolRunner();
  app::ToolOutput Run(const app::ToolCall& call) override;
};

}  // namespace creditd::runners
