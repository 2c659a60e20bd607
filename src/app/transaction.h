// InTransaction: runs one use case step in one unit of work and commits it if it succeeded.
//
//   auto user = InTransaction(db, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<User> {
//     ...; return user;
//   });
//
// The work function returns a Status or a Result<T>; on failure the unit of work is rolled back
// (by destruction) and the failure is returned unchanged; on success Commit() decides the
// outcome. When the database reports "database_conflict" (a serialization failure or deadlock,
// from Begin, the work or Commit), the whole unit of work is run again, up to
// kTransactionAttemptsMax times with a short growing pause (through the database's
// retry_sleeper(), so tests need not wait); so the work function must be safe to
// re-run: it may read and write through the unit of work, and must reset any state it captured.
// Safe to call from any thread; the unit of work never leaves the calling thread.
#pragma once

#include <chrono>
#include <memory>
#include <type_traits>
#include <utility>

#include "app/ports/unit_of_work.h"
#include "common/status_macros.h"

namespace creditd::app {

inline constexpr int kTransactionAttemptsMax = 5;

namespace internal {
inline bool IsConflict(const Status& status) {
  return status.reason() == reason::kDatabaseConflict.name;
}
// The pause before attempt `attempt` (2, 3, ...): 2, 4, 8, 16 ms.
inline std::chrono::milliseconds PauseBeforeAttempt(int attempt) {
  // Exponential backoff lets the transaction that won the conflict finish first.
  return std::chrono::milliseconds(1 << (attempt - 1));
}
}  // namespace internal

template <typename Work>
auto InTransaction(Database& database, TransactionMode mode, Work&& work)
    -> std::invoke_result_t<Work, UnitOfWork&> {
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      database.retry_sleeper().Sleep(internal::PauseBeforeAttempt(attempt));
    }
    const bool last = attempt == kTransactionAttemptsMax;
    auto uow = database.Begin(mode);
    if (!uow.ok()) {
      if (internal::IsConflict(uow.status()) && !last) {
        continue;
      }
      return std::move(uow).status();
    }
    auto outcome = work(**uow);
    if (!creditd::internal::GetStatus(outcome).ok()) {
      if (internal::IsConflict(creditd::internal::GetStatus(outcome)) && !last) {
        continue;
      }
      return outcome;
    }
    Status committed = (*uow)->Commit();
    if (!committed.ok()) {
      if (internal::IsConflict(committed) && !last) {
        continue;
      }
      return committed;
    }
    return outcome;
  }
}

}  // namespace creditd::app
