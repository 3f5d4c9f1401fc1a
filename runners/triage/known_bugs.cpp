#include "runners/triage/known_bugs.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/errors.h"
#include "base/file_text.h"
#include "base/status.h"

namespace randsync::triage {

const char* ShippedKnownBugsText();  // known_bugs_shipped.cpp, generated from known-bugs.txt

namespace {

constexpr const char* kFields[] = {"status", "kind", "where", "server", "table", "gtid",
                                   "error",  "detail", "reason", "class"};

// The line's tokens up to " -- ": a token is a run of non-blanks, with
// double-quoted parts kept whole (quotes removed).
std::vector<std::string> Tokens(std::string_view text, const std::string& where) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size()) break;
    std::string token;
    bool quoted = false;
    for (; i < text.size() && (quoted || (text[i] != ' ' && text[i] != '\t')); ++i) {
      if (text[i] == '"') {
        quoted = !quoted;
        continue;
      }
      token += text[i];
    }
    if (quoted) throw InputError(where + ": a double quote is not closed");
    out.push_back(std::move(token));
  }
  return out;
}

KnownBug::Condition ParseCondition(const std::string& token, const std::string& where) {
  const auto op = token.find_first_of("=~");
  if (op == std::string::npos || op == 0) {
    throw InputError(fmt::format("{}: '{}' is not FIELD=VALUE or FIELD~REGEX", where, token));
  }
  KnownBug::Condition c;
  c.field = token.substr(0, op);
  c.regex = token[op] == '~';
  c.value = token.substr(op + 1);
  if (std::find(std::begin(kFields), std::end(kFields), c.field) == std::end(kFields)) {
    throw InputError(fmt::format("{}: unknown field '{}' (status, kind, where, server, table, gtid, error, detail, "
                                 "reason, class)",
                                 where, c.field));
  }
  if (c.regex) {
    try {
      c.pattern = std::regex(c.value);
    } catch (const std::regex_error& e) {
      throw InputError(fmt::format("{}: {}~{}: not a regular expression ({})", where, c.field, c.value, e.what()));
    }
  }
  return c;
}

std::string FieldValue(const std::string& field, const scenario::RunFailure& f, const Cause* cause) {
  if (field == "status") return ToString(f.status);
  if (field == "kind") return scenario::ToString(f.kind);
  if (field == "where") return f.where;
  if (field == "server") return f.server;
  if (field == "table") return f.table;
  if (field == "gtid") return f.gtid;
  if (field == "error") return f.error_number ? std::to_string(f.error_number) : "";
  if (field == "detail") return f.detail;
  if (field == "reason") return f.reason;
  if (field == "class") return cause != nullptr ? ToString(cause->klass) : "";
  return "";
}

bool Holds(const KnownBug::Condition& c, const scenario::RunFailure& f, const Cause* cause) {
  const std::string v = FieldValue(c.field, f, cause);
  if (c.regex) return std::regex_search(v, c.pattern);
  if (c.field == "status") return v == c.value || std::to_string(ExitCode(f.status)) == c.value;
  return v == c.value;
}

}  // namespace

void KnownBugs::Add(std::string_view text, const std::string& source) {
  std::istringstream in{std::string(text)};
  std::string line;
  for (unsigned number = 1; std::getline(in, line); ++number) {
    const std::string where = fmt::format("{}:{}", source, number);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    KnownBug bug;
    bug.source = where;
    std::string_view rest(line);
    if (const auto dashes = rest.find(" -- "); dashes != std::string_view::npos) {
      bug.note = std::string(rest.substr(dashes + 4));
      rest = rest.substr(0, dashes);
    }
    std::vector<std::string> tokens = Tokens(rest, where);
    if (tokens.empty()) throw InputError(where + ": an entry needs an ID before its conditions");
    bug.id = tokens.front();
    for (size_t i = 1; i < tokens.size(); ++i) bug.conditions.push_back(ParseCondition(tokens[i], where));
    if (bug.conditions.empty()) throw InputError(where + ": " + bug.id + " has no condition (it would match every failure)");
    bugs_.push_back(std::move(bug));
  }
}

void KnownBugs::AddFile(const std::filesystem::path& file) {
  Add(ReadTextFile(file, "the known-bugs file"), file.string());
}

const KnownBug* KnownBugs::Match(const scenario::RunFailure& failure, const Cause* cause) const {
  for (const KnownBug& b : bugs_) {
    if (std::all_of(b.conditions.begin(), b.conditions.end(),
                    [&](const KnownBug::Condition& c) { return Holds(c, failure, cause); })) {
      return &b;
    }
  }
  return nullptr;
}

nlohmann::json ToJson(const KnownBug& bug) {
  return {{"id", bug.id}, {"note", bug.note}, {"source", bug.source}};
}

KnownBugs KnownBugs::Shipped() {
  KnownBugs k;
  k.Add(ShippedKnownBugsText(), "known-bugs.txt");
  return k;
}

KnownBugs LoadKnownBugs(const std::vector<std::string>& files) {
  KnownBugs k;
  for (const std::string& f : files) k.AddFile(f);
  KnownBugs shipped = KnownBugs::Shipped();
  for (KnownBug& b : shipped.bugs_) k.bugs_.push_back(std::move(b));
  return k;
}

}  // namespace randsync::triage
