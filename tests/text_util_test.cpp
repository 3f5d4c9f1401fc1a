// The base library's text helpers (base/text_util.h) and progress lines
// (base/log.h): what status lines and buildbot logs are made of.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/log.h"
#include "base/text_util.h"

namespace randsync {
namespace {

TEST(Shorten, OneLineAtMostMaxBytesAndSaysItWasCut) {
  EXPECT_EQ(Shorten("SELECT 1", 100), "SELECT 1");
  EXPECT_EQ(Shorten("INSERT INTO t\n  VALUES\t(1)", 100), "INSERT INTO t   VALUES (1)");
  EXPECT_EQ(Shorten("abcdefghij", 4), "abcd...");
  EXPECT_EQ(Shorten("abcd", 4), "abcd") << "exactly max is not cut";
  EXPECT_EQ(Shorten("", 4), "");
}

TEST(Shorten, NeverCutsInsideAUtf8Character) {
  // "ab" then U+00E9 (2 bytes) then U+20AC (3 bytes).
  const std::string text = "ab\xC3\xA9\xE2\x82\xAC";
  EXPECT_EQ(Shorten(text, 3), "ab...") << "the cut would leave half of \xC3\xA9";
  EXPECT_EQ(Shorten(text, 5), "ab\xC3\xA9...") << "the cut would leave a part of the euro sign";
  EXPECT_EQ(Shorten(text, 7), text);
}

TEST(QuoteIdentifier, DoublesBackquotes) {
  EXPECT_EQ(QuoteIdentifier("t"), "`t`");
  EXPECT_EQ(QuoteIdentifier("a`b"), "`a``b`");
}

// Lines from many threads at once come out whole, each in the one shape.
TEST(Log, LinesFromManyThreadsAreNeverInterleaved) {
  char path[] = "/tmp/randsync-log-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const int saved = dup(STDERR_FILENO);
  std::fflush(stderr);
  dup2(fd, STDERR_FILENO);
  constexpr int kThreads = 4, kLines = 500;
  const std::string payload(300, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &payload] {
      for (int i = 0; i < kLines; ++i) Log("run", "thread " + std::to_string(t) + " " + payload);
    });
  }
  for (auto& th : threads) th.join();
  Log("", "no scope");
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::string line;
  int whole = 0;
  std::string last;
  while (std::getline(in, line)) {
    last = line;
    if (line.rfind("randsync: run: thread ", 0) == 0 && line.size() == 22 + 1 + 1 + payload.size()) ++whole;
  }
  unlink(path);
  EXPECT_EQ(whole, kThreads * kLines);
  EXPECT_EQ(last, "randsync: no scope");
}

}  // namespace
}  // namespace randsync
