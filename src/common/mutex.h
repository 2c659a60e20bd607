// Mutex, MutexLock and the thread-safety annotations that let clang check the locking contract
// of every class that shares state between threads (STYLE.md B.6; the tsan preset and `make
// check` compile with -Wthread-safety -Werror).
//
// A member shared between threads is declared GUARDED_BY(mutex_); a private function that
// expects the lock held is declared REQUIRES(mutex_); one that takes the lock itself may say
// EXCLUDES(mutex_). Under g++ the annotations expand to nothing, so the contract costs nothing
// at run time; under clang a read or write of a guarded member without its mutex held fails the
// build.
//
// Waiting on a condition: write the loop yourself, so the condition is read where the analysis
// can see that the lock is held (a predicate lambda would be analysed as a separate function):
//
//   MutexLock lock(mutex_);
//   while (!stopping_ && queue_.empty()) {
//     lock.Wait(work_ready_);
//   }
//
// Thread-safety: Mutex is std::mutex; MutexLock belongs to the thread that made it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define CREDITD_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CREDITD_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) CREDITD_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY CREDITD_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) CREDITD_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) CREDITD_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) CREDITD_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) CREDITD_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) CREDITD_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) CREDITD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) CREDITD_THREAD_ANNOTATION(assert_capability(x))

namespace creditd {

// A non-recursive mutex the thread-safety analysis knows about.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  ~Mutex() = default;

  void Lock() ACQUIRE() { mutex_.lock(); }
  void Unlock() RELEASE() { mutex_.unlock(); }

 private:
  friend class MutexLock;
  std::mutex mutex_;
};

// Holds a Mutex for its scope (RAII). Unlock()/Lock() let a loop drop the lock around slow work;
// the destructor releases it only if held.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : lock_(mutex.mutex_) {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() RELEASE() = default;

  void Lock() ACQUIRE() { lock_.lock(); }
  void Unlock() RELEASE() { lock_.unlock(); }

  // Releases the mutex, waits for a notification of `cv` (or a spurious wake-up), and takes the
  // mutex again before returning. Always call it in a loop that re-checks the condition.
  void Wait(std::condition_variable& cv) { cv.wait(lock_); }

  // As Wait, but returns once `deadline` has passed. Returns false on timeout.
  template <typename Clock, typename Duration>
  bool WaitUntil(std::condition_variable& cv,
                 const std::chrono::time_point<Clock, Duration>& deadline) {
    return cv.wait_until(lock_, deadline) == std::cv_status::no_timeout;
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace creditd
