// ToolRunner: what actually performs an AI tool call for an end-user run. Two adapters: the
// built-in demo renderer (a deterministic PNG drawn from the prompt, offline) and the upstream
// HTTP caller (POSTs the run to the tool's configured URL).
//
// Run() blocks until the tool answers or its timeout passes; it never throws. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "domain/catalog.h"

namespace creditd::app {

struct ToolCall {
  domain::Tool tool;
  int64_t run_id = 0;
  int64_t user_id = 0;
  std::string prompt;
  std::string params;  // JSON object text.
};

struct ToolOutput {
  bool succeeded = false;
  std::string content_type;  // "image/png", "application/json", ...
  std::string body;          // Raw bytes of the result.
  std::string error;         // Why it failed, for the user.
};

class ToolRunner {
 public:
  virtual ~ToolRunner() = default;
  virtual ToolOutput Run(const ToolCall& call) = 0;
};

}  // namespace creditd::app
