// What `randsync check` prints while it works: a live line on a terminal;
// in a log, a line per phase and one every 10 s in a long phase.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "runners/cli/check_progress.h"

namespace randsync::cli {
namespace {

using Clock = CheckProgressPrinter::Clock;

// Captures what the printer writes, with a clock the test moves.
struct Fixture {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  Clock::time_point now{};

  std::string Output() {
    std::fflush(out);
    return std::string(text, size);
  }
  ~Fixture() {
    std::fclose(out);
    std::free(text);
  }
};

checker::CheckProgress Hash(uint64_t done, uint64_t rows) { return {"hash", done, 400, rows}; }

TEST(CheckProgress, ALogGetsPhasesAndALineEveryTenSeconds) {
  Fixture f;
  {
    CheckProgressPrinter print(false, false, f.out, [&] { return f.now; });
    print({"sync", 0, 1, 0});
    print({"plan", 1, 4, 0});
    f.now += std::chrono::seconds(1);
    print(Hash(16, 1000));
    f.now += std::chrono::seconds(9);
    print(Hash(32, 2000));  // 9 s into the phase: nothing yet
    f.now += std::chrono::seconds(2);
    print(Hash(48, 3000));  // 11 s: a line
    f.now += std::chrono::seconds(5);
    print(Hash(64, 4000));  // 5 s after that line: nothing
    f.now += std::chrono::seconds(6);
    print(Hash(80, 5000));  // 11 s after it: a line
  }
  EXPECT_EQ(f.Output(),
            "check: sync ...\n"
            "check: plan ...\n"
            "check: hash ...\n"
            "check: hash 48/400, 3000 rows\n"
            "check: hash 80/400, 5000 rows\n");
}

TEST(CheckProgress, ATerminalGetsOneLiveLinePerPhase) {
  Fixture f;
  {
    CheckProgressPrinter print(false, true, f.out, [&] { return f.now; });
    print({"plan", 1, 2, 0});
    print({"plan", 2, 2, 0});
    print(Hash(16, 1000));
  }
  EXPECT_EQ(f.Output(), "\rcheck: plan 1/2\rcheck: plan 2/2\n\rcheck: hash 16/400, 1000 rows\n");
}

TEST(CheckProgress, QuietPrintsNothing) {
  Fixture f;
  {
    CheckProgressPrinter print(true, false, f.out, [&] { return f.now; });
    print({"sync", 0, 1, 0});
    f.now += std::chrono::seconds(60);
    print(Hash(16, 1000));
  }
  EXPECT_EQ(f.Output(), "");
}

}  // namespace
}  // namespace randsync::cli
