#include "http/log.h"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/clock.h"

namespace creditd::http {

namespace {
thread_local std::string current_request_id;  // NOLINT: per-thread by design.
}  // namespace

ScopedRequestId::ScopedRequestId(std::string_view request_id)
    : previous_(std::exchange(current_request_id, std::string(request_id))) {}

ScopedRequestId::~ScopedRequestId() {
  current_request_id = std::move(previous_);
}

const std::string& CurrentRequestId() {
  return current_request_id;
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  nlohmann::json line = {
      {"ts", FormatRfc3339Millis(msg.time)},
      {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                            spdlog::level::to_string_view(msg.level).size())},
  };
  if (!current_request_id.empty()) {
    line["request_id"] = current_request_id;
  }
  line["msg"] = std::string(msg.payload.data(), msg.payload.size());
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  dest.append(text.data(), text.data() + text.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

void InstallJsonLogging(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>("creditd",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(std::make_unique<JsonLogFormatter>());
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  // Access lines are complete JSON objects built by the server: printed as they are, through
  // their own sink (stdio locks each line, so lines of the two loggers never interleave).
  auto access =
      std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  access->set_pattern("%v");
  access->flush_on(spdlog::level::trace);
  spdlog::drop("access");
  spdlog::register_logger(access);
}

void WriteAccessLog(const std::string& json_line) {
  if (auto access = spdlog::get("access")) {
    access->info(json_line);
  }
}

}  // namespace creditd::http
