#include "runners/triage/cause.h"

namespace randsync::triage {
namespace {

struct ClassName {
  CauseClass klass;
  const char* name;
};
constexpr ClassName kClasses[] = {
    {CauseClass::kMethodLimitation, "method-limitation"},
    {CauseClass::kUnsafeStatement, "unsafe-statement"},
    {CauseClass::kWrongPosition, "wrong-backup-position"},
    {CauseClass::kBugCandidate, "bug-candidate"},
    {CauseClass::kRandsyncFault, "randsync-fault"},
    {CauseClass::kEnvironment, "environment"},
    {CauseClass::kUnknown, "unknown"},
};

}  // namespace

const char* ToString(CauseClass c) {
  for (const ClassName& n : kClasses) {
    if (n.klass == c) return n.name;
  }
  return "unknown";
}

CauseClass ParseCauseClass(std::string_view text) {
  for (const ClassName& n : kClasses) {
    if (text == n.name) return n.klass;
  }
  return CauseClass::kUnknown;
}

std::string Cause::Line() const { return std::string(ToString(klass)) + ": " + summary; }

nlohmann::json Cause::ToJson() const {
  nlohmann::json ev = nlohmann::json::array();
  for (const Evidence& e : evidence) {
    nlohmann::json j = {{"what", e.what}, {"text", e.text}};
    if (!e.file.empty()) j["file"] = e.file;
    ev.push_back(std::move(j));
  }
  return {{"class", ToString(klass)}, {"summary", summary}, {"evidence", std::move(ev)}};
}

Cause Cause::FromJson(const nlohmann::json& j) {
  Cause c;
  c.klass = ParseCauseClass(j.value("class", ""));
  c.summary = j.value("summary", "");
  for (const auto& e : j.value("evidence", nlohmann::json::array())) {
    c.evidence.push_back({e.value("what", ""), e.value("text", ""), e.value("file", "")});
  }
  return c;
}

}  // namespace randsync::triage
