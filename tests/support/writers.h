// Threads that keep committing to a server until destroyed, for tests that
// need a sync point or a check under write load: writer t's i-th statement
// is statement(t, i), each one autocommitted.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "db/dsn.h"

namespace randsync::testsupport {

class Writers {
 public:
  using Statement = std::function<std::string(unsigned thread, uint64_t i)>;
  Writers(const db::Dsn& dsn, unsigned threads, Statement statement) {
    for (unsigned t = 0; t < threads; ++t) {
      threads_.emplace_back([this, dsn, t, statement] {
        db::Connection c(dsn);
        for (uint64_t i = 0; !stop_; ++i) {
          c.Execute(statement(t, i));
          ++commits_;
        }
      });
    }
  }
  ~Writers() {
    stop_ = true;
    for (auto& t : threads_) t.join();
  }
  Writers(const Writers&) = delete;
  Writers& operator=(const Writers&) = delete;
  uint64_t commits() const { return commits_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> commits_{0};
  std::vector<std::thread> threads_;
};

}  // namespace randsync::testsupport
