#include "app/transaction.h"

#include <chrono>
#include <thread>

namespace creditd::app::internal {

void PauseBeforeRetry(int attempt) {
  // Exponential backoff lets the transaction that won the conflict finish first.
  std::this_thread::sleep_for(std::chrono::milliseconds(1 << (attempt - 1)));
}

}  // namespace creditd::app::internal
