#include "engine/load/big_stack_thread.h"

#include <memory>
#include <system_error>
#include <utility>

namespace randsync::load {

namespace {

void* Trampoline(void* arg) {
  std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(arg));
  (*fn)();
  return nullptr;
}

}  // namespace

BigStackThread::BigStackThread(size_t stack_bytes, std::function<void()> fn) {
  pthread_attr_t attr;
  if (int rc = pthread_attr_init(&attr); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "pthread_attr_init");
  }
  int rc = pthread_attr_setstacksize(&attr, stack_bytes);
  auto heap_fn = std::make_unique<std::function<void()>>(std::move(fn));
  if (rc == 0) rc = pthread_create(&thread_, &attr, &Trampoline, heap_fn.get());
  pthread_attr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "pthread_create");
  heap_fn.release();  // the thread owns it now
  started_ = true;
}

BigStackThread::~BigStackThread() {
  if (started_) join();
}

BigStackThread::BigStackThread(BigStackThread&& other) noexcept
    : thread_(other.thread_), started_(std::exchange(other.started_, false)) {}

BigStackThread& BigStackThread::operator=(BigStackThread&& other) noexcept {
  if (this != &other) {
    if (started_) join();
    thread_ = other.thread_;
    started_ = std::exchange(other.started_, false);
  }
  return *this;
}

void BigStackThread::join() {
  if (!started_) return;
  pthread_join(thread_, nullptr);
  started_ = false;
}

}  // namespace randsync::load
