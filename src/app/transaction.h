// InTransaction: runs one use case step in one unit of work and commits it if it succeeded.
//
//   auto user = InTransaction(db, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<User> {
//     ...; return user;
//   });
//
// The work function returns a Status or a Result<T>; on failure the unit of work is rolled back
// (by destruction) and the failure is returned unchanged; on success Commit() decides the
// outcome. Safe to call from any thread; the unit of work never leaves the calling thread.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "app/ports/unit_of_work.h"
#include "common/status_macros.h"

namespace creditd::app {

template <typename Work>
auto InTransaction(Database& database, TransactionMode mode, Work&& work)
    -> std::invoke_result_t<Work, UnitOfWork&> {
  auto uow = database.Begin(mode);
  if (!uow.ok()) {
    return std::move(uow).status();
  }
  auto outcome = std::forward<Work>(work)(**uow);
  if (!internal::GetStatus(outcome).ok()) {
    return outcome;
  }
  Status committed = (*uow)->Commit();
  if (!committed.ok()) {
    return committed;
  }
  return outcome;
}

}  // namespace creditd::app
