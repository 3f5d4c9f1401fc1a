// libFuzzer target: a generated sentence -> CleanUpSentence -> SplitStatements.
// Neither may fail on any input; the target also checks what they promise:
// the clean-up never makes the text longer, and the statements are trimmed,
// non-empty views into the cleaned-up text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/generator/statements.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "statements_fuzzer: %s\n", what);
  std::abort();
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  randsync::CleanUpSentence(s);
  if (s.size() > size) Fail("CleanUpSentence made the text longer");
  std::vector<std::string_view> out;
  randsync::SplitStatements(s, out);
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  for (std::string_view st : out) {
    if (st.empty()) Fail("empty statement");
    if (st.data() < begin || st.data() + st.size() > end) Fail("statement outside the text");
    if (IsSpace(st.front()) || IsSpace(st.back())) Fail("statement not trimmed");
  }
  // Raw input too: SplitStatements must not depend on the clean-up.
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  randsync::SplitStatements(raw, out);
  for (std::string_view st : out) {
    if (st.empty() || st.data() < raw.data() || st.data() + st.size() > raw.data() + raw.size()) {
      Fail("bad statement view on raw input");
    }
  }
  return 0;
}
