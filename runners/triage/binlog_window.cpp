#include "runners/triage/binlog_window.h"

#include <algorithm>
#include <limits>
#include <regex>

#include "runners/backup/binlog_text.h"

namespace randsync::triage {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

std::pair<unsigned, unsigned long long> ParseGtid(const std::string& gtid) {
  const auto first = gtid.find('-'), last = gtid.rfind('-');
  if (first == std::string::npos || last == first) return {0, 0};
  try {
    return {static_cast<unsigned>(std::stoul(gtid.substr(0, first))), std::stoull(gtid.substr(last + 1))};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

}  // namespace

std::vector<std::string> MasterBinlogFiles(const fs::path& run_dir) {
  static const std::regex name(R"(master-bin\.[0-9]{6})");
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(run_dir / "master", ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 3) it.disable_recursion_pending();
    if (it->is_regular_file(ec) && std::regex_match(it->path().filename().string(), name)) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::map<unsigned, unsigned long long> ParseGtidPosition(const std::string& position) {
  std::map<unsigned, unsigned long long> out;
  size_t from = 0;
  while (from < position.size()) {
    const auto comma = position.find(',', from);
    const std::string one = position.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    if (const auto [domain, seq] = ParseGtid(one); seq != 0) out[domain] = seq;
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

std::string ForEachWindowTransaction(const fs::path& run_dir, const json& report,
                                     const std::function<void(const std::vector<backup::BinlogTransaction>&)>& batch) {
  const std::vector<std::string> files = MasterBinlogFiles(run_dir);
  if (files.empty()) return "the master's binary log is not in the results (a master of your own)";
  const json window = report.value("divergence", json::object());
  const auto clean = ParseGtidPosition(window.value("clean_gtid", ""));
  const auto at = ParseGtidPosition(window.value("at", ""));
  auto in_window = [&](const std::string& gtid) {
    const auto [domain, seq] = ParseGtid(gtid);
    const auto c = clean.find(domain), a = at.find(domain);
    return seq > (c == clean.end() ? 0 : c->second) &&
           seq <= (a == at.end() ? std::numeric_limits<unsigned long long>::max() : a->second);
  };
  auto take = [&](std::vector<backup::BinlogTransaction> done) {
    std::erase_if(done, [&](const backup::BinlogTransaction& tx) { return !in_window(tx.gtid); });
    if (!done.empty()) batch(done);
  };
  backup::BinlogTextParser parser;
  backup::BinlogTextRead read;
  read.files = files;
  read.timeout = std::chrono::seconds(120);
  try {
    backup::ReadLocalBinlogText(read, [&](std::string_view line) {
      parser.Line(line);
      if (parser.transactions().size() > 64) take(parser.TakeFinished());
      return true;
    });
    take(parser.Take());
  } catch (const std::exception& e) {
    return std::string("the master's binary log could not be read: ") + e.what();
  }
  return "";
}

}  // namespace randsync::triage
