// DemoImageRunner: the built-in offline "AI image" tool. It draws a deterministic 256x256 PNG
// from the prompt (the same prompt always gives the same picture), so the portal can show a
// real generated image without any AI service. Failing on request is decided by the caller
// (app/tool_run_service.cc). Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>

#include "app/ports/tool_runner.h"

namespace creditd::runners {

class DemoImageRunner final : public app::ToolRunner {
 public:
  // Returns a succeeded output: content type "image/png", body the PNG in base64.
  app::ToolOutput Run(const app::ToolCall& call) override;
};

// Renders the picture for `prompt` as PNG bytes.
std::string RenderPromptPng(std::string_view prompt);

}  // namespace creditd::runners
