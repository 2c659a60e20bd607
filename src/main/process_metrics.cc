#include "main/process_metrics.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace creditd::main {

namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Fields of /proc/<pid>/stat after the command name (which may hold spaces, so the parse starts
// after its closing parenthesis): field 3 (state) is index 0.
std::vector<std::string> StatFields(const std::string& stat) {
  std::vector<std::string> fields;
  const auto close = stat.rfind(')');
  if (close == std::string::npos) {
    return fields;
  }
  std::istringstream in(stat.substr(close + 1));
  std::string field;
  while (in >> field) {
    fields.push_back(field);
  }
  return fields;
}

}  // namespace

void WriteProcessMetrics(metrics::TextWriter& out) {
  const int64_t page_bytes = sysconf(_SC_PAGESIZE);
  const int64_t ticks_per_second = sysconf(_SC_CLK_TCK);
  std::istringstream statm(ReadFile("/proc/self/statm"));
  int64_t size_pages = 0;
  int64_t resident_pages = 0;
  if (statm >> size_pages >> resident_pages && page_bytes > 0) {
    out.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out.Sample("process_resident_memory_bytes", {}, resident_pages * page_bytes);
  }
  const auto fields = StatFields(ReadFile("/proc/self/stat"));
  // utime and stime are fields 14 and 15 (indexes 11 and 12); starttime is field 22 (index 19),
  // in ticks since boot.
  if (fields.size() > 19 && ticks_per_second > 0) {
    const int64_t cpu_ticks = std::stoll(fields[11]) + std::stoll(fields[12]);
    out.Family("process_cpu_seconds_total", "counter", "User and system CPU time in seconds.");
    out.SampleScaled("process_cpu_seconds_total", {}, cpu_ticks * 1'000'000 / ticks_per_second,
                     1'000'000);
    std::istringstream stat(ReadFile("/proc/stat"));
    std::string key;
    int64_t boot_time = -1;
    while (stat >> key) {
      if (key == "btime") {
        stat >> boot_time;
        break;
      }
    }
    if (boot_time >= 0) {
      out.Family("process_start_time_seconds", "gauge",
                 "Start time of the process since the Unix epoch in seconds.");
      const int64_t start_ticks = std::stoll(fields[19]);
      out.Sample("process_start_time_seconds", {}, boot_time + start_ticks / ticks_per_second);
    }
  }
  std::error_code ec;
  int64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  if (!ec) {
    out.Family("process_open_fds", "gauge", "Open file descriptors.");
    out.Sample("process_open_fds", {}, fds);
  }
}

}  // namespace creditd::main
