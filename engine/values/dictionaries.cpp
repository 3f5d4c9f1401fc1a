// Dictionaries: the word lists behind _english, _states and any dict/<name>.txt.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "engine/values/value_kind.h"
#include "engine/values/values.h"

namespace randsync {

namespace {

namespace fs = std::filesystem;

// The Debian package wamerican (scripts/install-deps.sh) provides it.
constexpr const char* kSystemWords = "/usr/share/dict/words";
// Long words make _text(N) fill N with fewer, odder words than RQG's
// english.txt (longest word 16); plain lower-case keeps values quote-safe.
constexpr size_t kMaxSystemWordLength = 12;

// One word per line. CR is stripped so lists edited on Windows still work;
// empty lines are skipped (RQG would return them as '' values).
std::vector<std::string> ReadWords(const fs::path& file) {
  std::vector<std::string> words;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) words.push_back(std::move(line));
  }
  return words;
}

bool IsPlainLowerWord(const std::string& w) {
  return !w.empty() && w.size() <= kMaxSystemWordLength &&
         std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

std::shared_ptr<const Dictionaries> Dictionaries::Load(const std::vector<std::string>& dirs) {
  auto dicts = std::make_shared<Dictionaries>();
  auto has = [&](std::string_view name) {
    return std::any_of(dicts->lists_.begin(), dicts->lists_.end(),
                       [&](const auto& l) { return l.first == name; });
  };

  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    // Sorted so that the load order (and so nothing at all) depends on the
    // file system's directory order.
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".txt" && entry.is_regular_file(ec)) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::string name = file.stem().string();
      if (has(name)) continue;  // an earlier directory wins
      dicts->lists_.emplace_back(std::move(name), ReadWords(file));
    }
  }

  if (!has("english")) {
    std::vector<std::string> words = ReadWords(kSystemWords);
    std::erase_if(words, [](const std::string& w) { return !IsPlainLowerWord(w); });
    if (!words.empty()) dicts->lists_.emplace_back("english", std::move(words));
  }
  if (!has("states")) dicts->lists_.emplace_back("states", values::UsStates());
  return dicts;
}

const std::vector<std::string>* Dictionaries::Find(std::string_view name) const {
  // Exact name first, then without its last _suffix, repeatedly:
  // english_short -> english when there is no english_short list.
  while (!name.empty()) {
    for (const auto& [list_name, words] : lists_) {
      if (list_name == name) return &words;
    }
    size_t underscore = name.rfind('_');
    if (underscore == std::string_view::npos) break;
    name = name.substr(0, underscore);
  }
  return nullptr;
}

}  // namespace randsync
