// ConnectionPool: a fixed set of database connections, each lent to one thread at a time.
// Shared by the SQLite and PostgreSQL adapters. Thread-safe (GUARDED_BY below).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <vector>

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
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(mutex_);
    while (!closed_ && idle_.empty()) {
      if (!lock.WaitUntil(available_, deadline) && !closed_ && idle_.empty()) {
        return Status(reason::kDatabaseBusy, "the database is busy; retry shortly")
            .WithRetryAfter(1);
      }
    }
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
};

}  // namespace creditd::storage
