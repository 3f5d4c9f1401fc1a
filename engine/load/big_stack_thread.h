// A joinable OS thread with a stack size of our choosing.
//
// std::thread takes the default stack (8 MB on Linux, less under some
// container limits and musl). Grammar expansion recurses three frames per
// rule level, and Perl blocks recurse on top of that. Measured (g++ 12 -O2,
// a chain of distinct rules each nested once): 3500 levels take under 1 MB,
// the deepest expansion the generator allows (4 x kMaxRuleNesting = 14000
// levels) about 2 MB plus the generator's 512 KiB reserve (it checks the
// stack it is given and reports "nested so deep that the stack runs out"
// rather than crash). AddressSanitizer frames are several times larger
// (tests/fuzz overflowed 8 MB with the old frames), so workers get 32 MB:
// address space only, until touched.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <functional>

namespace randsync::load {

inline constexpr size_t kWorkerStackBytes = size_t{32} << 20;

class BigStackThread {
 public:
  BigStackThread() = default;
  // Starts `fn` on a new thread with `stack_bytes` of stack. Throws
  // std::system_error if the thread cannot be created.
  BigStackThread(size_t stack_bytes, std::function<void()> fn);
  ~BigStackThread();  // joins if still joinable
  BigStackThread(BigStackThread&& other) noexcept;
  BigStackThread& operator=(BigStackThread&& other) noexcept;
  BigStackThread(const BigStackThread&) = delete;
  BigStackThread& operator=(const BigStackThread&) = delete;

  bool joinable() const { return started_; }
  void join();

 private:
  pthread_t thread_{};
  bool started_ = false;
};

}  // namespace randsync::load
