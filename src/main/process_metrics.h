// The process's own metrics for /metrics, with the names Prometheus client libraries use:
// resident memory, CPU time, open file descriptors and start time, read from /proc/self.
// Thread-safe (reads only).
#pragma once

#include "common/metrics.h"

namespace creditd::main {

// Writes process_resident_memory_bytes, process_cpu_seconds_total, process_open_fds and
// process_start_time_seconds; a value that cannot be read (no /proc) is left out.
void WriteProcessMetrics(metrics::TextWriter& out);

}  // namespace creditd::main
