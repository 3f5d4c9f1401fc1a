// Why a run failed, as `randsync explain` and every failed `run` say it:
// a class that tells a QA engineer what to do next, a one-line summary and
// the evidence behind it, each piece readable without opening a file.
// report.json's "cause"; summary.txt's "cause:" line. Written and read
// back by the same code (ToJson/FromJson).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace randsync::triage {

enum class CauseClass {
  kMethodLimitation,  // the provisioning method cannot make this consistent: not a bug
  kUnsafeStatement,   // a statement the binlog format cannot replicate deterministically
  kWrongPosition,     // the slave started where the backup's data is not
  kBugCandidate,      // the server's or a tool's behaviour: worth a bug report
  kRandsyncFault,     // randsync's own mistake: worth a randsync bug report
  kEnvironment,       // the machine or the input: disk, binary, option, server settings
  kUnknown,           // the evidence does not decide
};
const char* ToString(CauseClass c);  // "method-limitation", "bug-candidate", ...
CauseClass ParseCauseClass(std::string_view text);  // unknown text: kUnknown

struct Evidence {
  std::string what;  // a short label: "differing row", "backtrace", "statement in flight"
  std::string text;  // the fact itself, one line
  std::string file;  // where it came from, relative to the run's folder ("" when none)
};

struct Cause {
  CauseClass klass = CauseClass::kUnknown;
  std::string summary;
  std::vector<Evidence> evidence;

  // "bug-candidate: mariadbd (master) died of signal 6 (Aborted) ..."
  std::string Line() const;
  nlohmann::json ToJson() const;
  static Cause FromJson(const nlohmann::json& j);
};

}  // namespace randsync::triage
