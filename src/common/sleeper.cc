#include "common/sleeper.h"

#include <thread>

namespace creditd {

void SystemSleeper::Sleep(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

SystemSleeper& SystemSleeper::Instance() {
  static SystemSleeper sleeper;
  return sleeper;
}

}  // namespace creditd
