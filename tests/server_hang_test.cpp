// The pieces of hang detection (runners/scenario/server_hang.h) without a
// server: a process's state read from /proc, a probe of a port nothing
// listens on (no answer, quickly), and a watch that calls a silent server
// hung only after its threshold.
#include "runners/scenario/server_hang.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace randsync::scenario {
namespace {

TEST(ProcessState, TellsAStoppedProcessFromARunningOne) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    for (;;) pause();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(ProcessState(child), "sleeping");
  kill(child, SIGSTOP);
  std::string state;
  for (int i = 0; i < 100 && state != "stopped by a signal (SIGSTOP)"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    state = ProcessState(child);
  }
  EXPECT_EQ(state, "stopped by a signal (SIGSTOP)");
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(ProcessState(child), "") << "a process that is gone has no state";
  EXPECT_EQ(ProcessState(0), "");
}

TEST(HangWatch, ASilentServerHangsOnlyAfterItsThreshold) {
  db::Dsn nobody;
  nobody.host = "127.0.0.1";
  nobody.port = 1;  // nothing listens: refused at once
  nobody.user = "root";
  EXPECT_NE(ProbeServer(nobody, std::chrono::seconds(1)), "");
  HangWatch watch(std::chrono::seconds(3));
  EXPECT_FALSE(watch.Check("master", nobody, 0)) << "silent for less than 3 s";
  std::optional<std::string> hung;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!hung && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    hung = watch.Check("master", nobody, 0);
  }
  ASSERT_TRUE(hung);
  EXPECT_EQ(hung->rfind("mariadbd (master) has not answered for ", 0), 0u) << *hung;
}

}  // namespace
}  // namespace randsync::scenario
