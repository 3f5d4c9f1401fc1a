// libFuzzer target: grammar text -> ParseGrammarText -> (sometimes) ApplyMask
// -> Program -> Generator -> a few queries.
//
// The whole input is the grammar text, so the RQG .yy files are a good seed
// corpus. Expected outcomes are GrammarError and InputError; anything else
// escaping, a sanitizer report, a timeout or running out of memory is a bug.
// Grammars with Perl code are parsed and compiled but not generated from (the
// embedded interpreter is slow and has its own state): the target checks
// Grammar::HasCode() and, as a cross-check, Program::code.
//
// #include is sandboxed: the grammar is named as if it lived in a directory
// ($TMPDIR/randsync-fuzz-<uid>) that LLVMFuzzerInitialize fills with a few
// small include files
// (x, self.yy, q.yy), and inputs whose #include names a path with a '/' or
// '\' are skipped, so the fuzzer never reads /proc/self/pagemap or a
// blocking device.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "base/errors.h"
#include "engine/generator/generator.h"
#include "engine/grammar/mask.h"
#include "engine/grammar/parser.h"
#include "engine/schema/schema.h"

namespace {

using namespace randsync;

std::shared_ptr<const ValueGenerator> Values() {
  static auto v = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  return v;
}

std::shared_ptr<const Schema> DefaultSchemaOnce() {
  static auto s = std::make_shared<Schema>(DefaultSchema());
  return s;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// True when some "#include" in the text names a path outside the sandbox.
bool IncludesOutsideSandbox(std::string_view text) {
  for (size_t p = text.find("#include"); p != std::string_view::npos;
       p = text.find("#include", p + 1)) {
    size_t eol = text.find('\n', p);
    std::string_view line = text.substr(p, eol == std::string_view::npos ? text.npos : eol - p);
    if (line.find_first_of("/\\") != std::string_view::npos) return true;
  }
  return false;
}

std::string& SandboxDir() {
  static std::string dir;
  return dir;
}

// Atomically, so that parallel fuzzers (-jobs) sharing the directory never
// read a half-written file.
void Write(const std::filesystem::path& p, std::string_view text) {
  std::filesystem::path tmp = p;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
  }
  std::filesystem::rename(tmp, p);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A directory with the files `#include "x"` and friends can find. One fixed
  // directory, rewritten at each start: libFuzzer leaves with _Exit after a
  // finding, so a fresh directory per run would be left behind every time.
  const char* tmpdir = std::getenv("TMPDIR");
  std::filesystem::path dir = std::filesystem::path(tmpdir && *tmpdir ? tmpdir : "/tmp") /
                              ("randsync-fuzz-" + std::to_string(::getuid()));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    std::abort();
  }
  Write(dir / "x", "x_rule: X | Y ;\nquery_add: x_rule ;\n");
  Write(dir / "self.yy", "#include \"self.yy\"\nquery: A ;\n");
  Write(dir / "q.yy", "query: SELECT _field FROM _table ;\nquery_init: CREATE TABLE t (a _int) ;\n");
  SandboxDir() = dir.string();
  Values();
  DefaultSchemaOnce();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (IncludesOutsideSandbox(text)) return 0;
  const uint64_t h = Fnv1a(text);
  try {
    grammar::ParseOptions po;
    po.include_dirs = {SandboxDir()};
    grammar::Grammar g = grammar::ParseGrammarText(text, SandboxDir() + "/fuzz.yy", po);
    if ((h & 3) == 0) {
      // --mask / --mask-level as a user would give them.
      g = grammar::ApplyMask(g, (h >> 2) | 1, 1 + static_cast<int>((h >> 40) % 8), "query");
    }
    auto program = std::make_shared<Program>(g, *Values());
    if (g.HasCode()) return 0;
    if (!program->code.empty()) {
      std::fprintf(stderr, "Grammar::HasCode() is false but the program has %zu Perl blocks\n",
                   program->code.size());
      std::abort();
    }
    if (program->FindRule("query") < 0 && program->FindRule("query_init") < 0 &&
        program->FindRule("thread1") < 0 && program->FindRule("thread1_init") < 0) {
      return 0;
    }
    GeneratorOptions o;
    o.seed = h >> 8;
    o.thread_id = 1;
    o.schema = DefaultSchemaOnce();
    o.values = Values();
    Generator gen(program, o);
    for (int i = 0; i < 4; ++i) {
      for (std::string_view st : gen.Next()) {
        // SplitStatements promises trimmed, non-empty statements.
        if (st.empty() || st.front() == ' ' || st.back() == ' ') {
          std::fprintf(stderr, "untrimmed or empty statement\n");
          std::abort();
        }
      }
    }
  } catch (const GrammarError&) {
  } catch (const InputError&) {
  }
  return 0;
}
