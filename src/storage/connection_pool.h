// ConnectionPool: a fixed set of database connections, each lent to one thread at a time.
// Shared by the SQLite and PostgreSQL adapters. Thread-safe (GUARDED_BY below).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <vector>

#include "common/metrics.h"
#include "common/mutex.h"
#include "common/result.h"

namespace creditd::storage {

template <typename Connection>
class ConnectionPool {
 public:
  // Adds a connection before use.
  void Add(std::unique_ptr<Connection> connection) {
    const MutexLock lock(mutex_);
    idle_.push_back(std::move(connection));
  }

  // Lends an idle connection, waiting up to `timeout` for one. Returns
  // kUnavailable/"database_busy" when none frees up in time and kUnavailable/"shutting_down"
  // after Close().
  Result<std::unique_ptr<Connection>> Acquire(std::chrono::milliseconds timeout) {
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + timeout;
    MutexLock lock(mutex_);
    acquisitions_.Add();
    if (!closed_ && idle_.empty()) {
      waits_.Add();
    }
    while (!closed_ && idle_.empty()) {
      if (!lock.WaitUntil(available_, deadline) && !closed_ && idle_.empty()) {
        timeouts_.Add();
        return Status(reason::kDatabaseBusy, "the database is busy; retry shortly")
            .WithRetryAfter(1);
      }
    }
    wait_latency_.Observe(metrics::MicrosSince(started));
    if (closed_) {
      return Status(reason::kShuttingDown, "the server is shutting down").WithRetryAfter(1);
    }
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }

  // Takes a lent connection back; after Close() it is closed instead.
  void Release(std::unique_ptr<Connection> connection) {
    {
      const MutexLock lock(mutex_);
      if (!closed_) {
        idle_.push_back(std::move(connection));
      }
    }
    connection.reset();  // Outside the lock: closing may checkpoint (SQLite) or do network I/O.
    available_.notify_all();
  }

  // Writes the pool's metrics, labelled pool=`name`: connections lent, how many callers had to
  // wait and for how long, and how many gave up (database_busy).
  void WriteMetrics(metrics::TextWriter& out, std::string_view name) const {
    out.Family("creditd_db_pool_acquisitions_total", "counter",
               "Database connections lent from the pool (one per transaction).");
    out.Sample("creditd_db_pool_acquisitions_total", {{"pool", name}}, acquisitions_.value());
    out.Family("creditd_db_pool_waits_total", "counter",
               "Acquisitions that found no idle connection and had to wait.");
    out.Sample("creditd_db_pool_waits_total", {{"pool", name}}, waits_.value());
    out.Family("creditd_db_pool_timeouts_total", "counter",
               "Acquisitions that waited in vain and answered database_busy.");
    out.Sample("creditd_db_pool_timeouts_total", {{"pool", name}}, timeouts_.value());
    out.Family("creditd_db_pool_wait_duration_seconds", "histogram",
               "Time to get a connection (near zero unless the pool is exhausted).");
    out.HistogramSamples("creditd_db_pool_wait_duration_seconds", {{"pool", name}}, wait_latency_);
  }

  // Closes the idle connections; lent ones close when released. Idempotent.
  void Close() {
    std::vector<std::unique_ptr<Connection>> closing;
    {
      const MutexLock lock(mutex_);
      closed_ = true;
      closing.swap(idle_);
    }
    available_.notify_all();
  }

 private:
  Mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_ GUARDED_BY(mutex_);
  bool closed_ GUARDED_BY(mutex_) = false;
  metrics::Counter acquisitions_;
  metrics::Counter waits_;
  metrics::Counter timeouts_;
  metrics::Histogram wait_latency_ = metrics::Histogram::Latency();
};

}  // namespace creditd::storage
