// Known failure patterns: a failure that matches one is labelled with its
// id and note (an MDEV number, a tool's bug), in report.json
// ("known_bug"), summary.txt and campaign summaries, so a campaign tells
// what it found anew from what is known.
//
// The file is plain text, one entry a line; blank lines and lines
// starting with # are skipped:
//
//   ID  FIELD=VALUE ... FIELD~REGEX ...  -- NOTE
//
// FIELD is one of status (a name or an exit number), kind, where, server,
// table, gtid, error (a number), detail, reason (the failure's typed
// fields, run_failure.h) and class (the cause's, cause.h). `=` matches
// the whole value, `~` an ECMAScript regular expression anywhere in it; a
// value with spaces goes in double quotes. Every condition of an entry
// must hold; the first entry that matches wins. randsync ships a few
// (known-bugs.txt in the source tree, built in); --known-bugs FILE adds
// more, read before the shipped ones.
#pragma once

#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/scenario/run_failure.h"
#include "runners/triage/cause.h"

namespace randsync::triage {

struct KnownBug {
  struct Condition {
    std::string field;
    bool regex = false;
    std::string value;
    std::regex pattern;  // when regex
  };
  std::string id;
  std::string note;
  std::string source;  // "file:line"
  std::vector<Condition> conditions;
};

class KnownBugs;
KnownBugs LoadKnownBugs(const std::vector<std::string>& files);

class KnownBugs {
 public:
  // The entries built into randsync.
  static KnownBugs Shipped();

  // Adds the entries of `text` (named `source` in errors), or of a file.
  // Throws InputError naming source:line and what is wrong.
  void Add(std::string_view text, const std::string& source);
  void AddFile(const std::filesystem::path& file);

  // The first entry every condition of which holds for `failure` (and
  // `cause`, when known), else nullptr.
  const KnownBug* Match(const scenario::RunFailure& failure, const Cause* cause) const;

  size_t size() const { return bugs_.size(); }

 private:
  friend KnownBugs LoadKnownBugs(const std::vector<std::string>& files);
  std::vector<KnownBug> bugs_;
};

// {"id", "note", "source"}: report.json's known_bug.
nlohmann::json ToJson(const KnownBug& bug);

// The shipped entries, then each of `files`' before them: what run,
// explain and campaign match against.
KnownBugs LoadKnownBugs(const std::vector<std::string>& files);

}  // namespace randsync::triage
