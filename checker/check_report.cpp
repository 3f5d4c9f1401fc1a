#include "checker/check_report.h"

#include <optional>

#include <fmt/format.h>

namespace randsync::checker {
namespace {

std::string KeyText(const RowDifference& r, size_t max) {
  std::string out;
  for (size_t i = 0; i < r.key_columns.size() && i < r.key_values.size(); ++i) {
    out += fmt::format("{}{}={}", i ? ", " : "", r.key_columns[i], TruncateForDisplay(r.key_values[i], max));
  }
  return out;
}

std::string Rate(uint64_t rows, double seconds) {
  return seconds > 0 ? fmt::format("{:.0f} rows/s", rows / seconds) : "-";
}

}  // namespace

std::string Summary(const CheckReport& r, size_t max) {
  std::string out = fmt::format("master {}\nslave  {}\n", r.master, r.slave);
  if (!r.sync_description.empty()) out += "sync point: " + r.sync_description + "\n";
  if (!r.error.empty() && r.tables.empty()) {
    return out + fmt::format("CHECK FAILED ({}, exit {}): {}\n", Label(r.status), ExitCode(r.status),
                             r.error);
  }
  out += fmt::format("schema: {} difference(s)\n", r.schema.size());
  for (const SchemaDifference& d : r.schema) out += "  " + d.ToString() + "\n";
  size_t equal = 0, different = 0, skipped = 0, errors = 0;
  for (const TableCheck& t : r.tables) {
    switch (t.outcome) {
      case TableCheck::Outcome::kEqual: ++equal; break;
      case TableCheck::Outcome::kDifferent: ++different; break;
      case TableCheck::Outcome::kSkipped: ++skipped; break;
      case TableCheck::Outcome::kError: ++errors; break;
    }
  }
  out += fmt::format(
      "data: {} table(s): {} equal, {} different, {} not compared, {} error(s); {} + {} rows in {} chunks, "
      "{} threads per server\n",
      r.tables.size(), equal, different, skipped, errors, r.master_rows, r.slave_rows, r.chunks, r.threads);
  for (const TableCheck& t : r.tables) {
    const std::string name = fmt::format("`{}`.`{}`", t.ref.database, t.ref.table);
    if (t.outcome == TableCheck::Outcome::kSkipped || t.outcome == TableCheck::Outcome::kError) {
      out += fmt::format("  {}: {}: {}\n", name, ToString(t.outcome), t.note);
      continue;
    }
    if (t.outcome != TableCheck::Outcome::kDifferent) continue;
    out += fmt::format("  {}: DIFFERENT: {} missing on slave, {} extra on slave, {} different "
                       "(master {} rows, slave {}; key {})\n",
                       name, t.missing, t.extra, t.different, t.master_rows, t.slave_rows,
                       t.key_name.empty() ? "none: whole-table multiset" : t.key_name);
    for (const std::string& where : t.differing_ranges) {
      out += fmt::format("    chunk {}\n", where.empty() ? "(whole table)" : where);
    }
    for (const RowDifference& d : t.rows) {
      out += fmt::format("    {}: {}{}\n", ToString(d.kind), KeyText(d, max),
                         d.count > 1 ? fmt::format(" (x{})", d.count) : "");
      for (const ColumnDifference& c : d.columns) {
        out += fmt::format("      {}: master {}, slave {}\n", c.column, TruncateForDisplay(c.master, max),
                           TruncateForDisplay(c.slave, max));
      }
    }
    const uint64_t listed = t.rows.size(), total = t.missing + t.extra + t.different;
    if (total > listed) out += fmt::format("    ... {} more (--max-diff-rows)\n", total - listed);
    if (!t.note.empty()) out += "    " + t.note + "\n";
  }
  out += fmt::format("time: {:.2f} s (sync {:.2f}, schema {:.2f}, plan {:.2f}, hash {:.2f} = {} per server, "
                     "drill-down {:.2f})\n",
                     r.total_s, r.sync_s, r.schema_s, r.plan_s, r.hash_s, Rate(r.master_rows, r.hash_s),
                     r.drill_s);
  if (r.status == Status::kOk) {
    out += "RESULT: master and slave are equal (exit 0)\n";
  } else {
    out += fmt::format("RESULT: {} (exit {}){}\n", Label(r.status), ExitCode(r.status),
                       r.error.empty() ? "" : ": " + r.error);
  }
  return out;
}

nlohmann::json ToJson(const CheckReport& r, size_t max) {
  using nlohmann::json;
  auto value = [max](const std::optional<std::string>& v) -> json {
    if (!v) return nullptr;
    // Raw text, cut at `max` bytes (ToJson's users dump with the replace
    // error handler, so a binary value cannot make the document invalid).
    if (v->size() <= max) return *v;
    return v->substr(0, max) + fmt::format("...({} bytes)", v->size());
  };
  json j;
  j["status"] = static_cast<int>(r.status);
  j["result"] = Label(r.status);
  if (!r.error.empty()) j["error"] = r.error;
  if (r.error_number != 0) j["error_number"] = r.error_number;
  if (!r.error_table.empty()) j["error_table"] = r.error_table;
  j["master"] = r.master;
  j["slave"] = r.slave;
  j["sync"] = {{"mode", ToString(r.sync)},       {"description", r.sync_description},
               {"gtid", r.gtid},                 {"binlog_file", r.binlog_file},
               {"binlog_pos", r.binlog_pos},     {"commit_block_ms", r.commit_block_ms},
               {"slave_wait_s", r.slave_wait_s},   {"retries", r.sync_retries},
               {"snapshot_tries", r.snapshot_tries}};
  j["session"] = {{"pinned", r.pinned_session},
                  {"master_overridden", r.master_session_overridden},
                  {"slave_overridden", r.slave_session_overridden}};
  j["schema"] = json::array();
  for (const SchemaDifference& d : r.schema) {
    j["schema"].push_back({{"object", d.object}, {"what", d.what}, {"master", d.master}, {"slave", d.slave}});
  }
  j["tables"] = json::array();
  for (const TableCheck& t : r.tables) {
    json tj = {{"database", t.ref.database}, {"table", t.ref.table},   {"engine", t.ref.engine},
               {"outcome", ToString(t.outcome)}, {"key", t.key_name},  {"chunks", t.chunks},
               {"master_rows", t.master_rows}, {"slave_rows", t.slave_rows}};
    if (!t.note.empty()) tj["note"] = t.note;
    if (t.outcome == TableCheck::Outcome::kDifferent) {
      tj["columns"] = t.columns;  // in the table's order: a row event's @N is columns[N-1]
      tj["missing"] = t.missing;
      tj["extra"] = t.extra;
      tj["different"] = t.different;
      tj["differing_ranges"] = t.differing_ranges;
      json rows = json::array();
      for (const RowDifference& d : t.rows) {
        json rj = {{"kind", ToString(d.kind)}, {"count", d.count}};
        json key = json::object();
        for (size_t i = 0; i < d.key_columns.size() && i < d.key_values.size(); ++i) {
          key[d.key_columns[i]] = value(d.key_values[i]);
        }
        rj["key"] = key;
        json cols = json::array();
        for (const ColumnDifference& c : d.columns) {
          cols.push_back({{"column", c.column}, {"master", value(c.master)}, {"slave", value(c.slave)}});
        }
        rj["columns"] = cols;
        rows.push_back(rj);
      }
      tj["rows"] = rows;
    }
    j["tables"].push_back(tj);
  }
  j["totals"] = {{"master_rows", r.master_rows}, {"slave_rows", r.slave_rows}, {"chunks", r.chunks},
                 {"threads", r.threads},         {"chunk_size", r.chunk_size}};
  j["seconds"] = {{"total", r.total_s}, {"sync", r.sync_s}, {"schema", r.schema_s},
                  {"plan", r.plan_s},   {"hash", r.hash_s}, {"drill_down", r.drill_s}};
  return j;
}

namespace {

std::optional<std::string> ValueFromJson(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  return v.is_string() ? v.get<std::string>() : v.dump();
}

RowDiffKind RowDiffKindFrom(const std::string& text) {
  for (RowDiffKind k : {RowDiffKind::kMissingOnSlave, RowDiffKind::kExtraOnSlave, RowDiffKind::kDifferent}) {
    if (text == ToString(k)) return k;
  }
  return RowDiffKind::kDifferent;
}

TableCheck::Outcome OutcomeFrom(const std::string& text) {
  using O = TableCheck::Outcome;
  for (O o : {O::kEqual, O::kDifferent, O::kSkipped, O::kError}) {
    if (text == ToString(o)) return o;
  }
  return O::kError;
}

RowDifference RowFromJson(const nlohmann::json& rj) {
  RowDifference d;
  d.kind = RowDiffKindFrom(rj.value("kind", ""));
  d.count = rj.value("count", uint64_t{1});
  const nlohmann::json key = rj.value("key", nlohmann::json::object());  // items() must not outlive it
  for (const auto& [column, value] : key.items()) {
    d.key_columns.push_back(column);
    d.key_values.push_back(ValueFromJson(value));
  }
  for (const auto& c : rj.value("columns", nlohmann::json::array())) {
    d.columns.push_back({c.value("column", ""), ValueFromJson(c.value("master", nlohmann::json())),
                         ValueFromJson(c.value("slave", nlohmann::json()))});
  }
  return d;
}

TableCheck TableFromJson(const nlohmann::json& tj) {
  TableCheck t;
  t.ref.database = tj.value("database", "");
  t.ref.table = tj.value("table", "");
  t.ref.engine = tj.value("engine", "");
  t.outcome = OutcomeFrom(tj.value("outcome", ""));
  t.key_name = tj.value("key", "");
  t.chunks = tj.value("chunks", size_t{0});
  t.master_rows = tj.value("master_rows", uint64_t{0});
  t.slave_rows = tj.value("slave_rows", uint64_t{0});
  t.note = tj.value("note", "");
  t.missing = tj.value("missing", uint64_t{0});
  t.extra = tj.value("extra", uint64_t{0});
  t.different = tj.value("different", uint64_t{0});
  t.differing_ranges = tj.value("differing_ranges", std::vector<std::string>{});
  t.columns = tj.value("columns", std::vector<std::string>{});
  for (const auto& rj : tj.value("rows", nlohmann::json::array())) t.rows.push_back(RowFromJson(rj));
  return t;
}

}  // namespace

CheckReport CheckReportFromJson(const nlohmann::json& j) {
  CheckReport r;
  r.status = StatusFromExitCode(j.value("status", ExitCode(Status::kEnvironment))).value_or(Status::kEnvironment);
  r.error = j.value("error", "");
  r.error_number = j.value("error_number", 0u);
  r.error_table = j.value("error_table", "");
  r.master = j.value("master", "");
  r.slave = j.value("slave", "");
  const nlohmann::json sync = j.value("sync", nlohmann::json::object());
  r.gtid = sync.value("gtid", "");
  r.sync_description = sync.value("description", "");
  for (const auto& tj : j.value("tables", nlohmann::json::array())) r.tables.push_back(TableFromJson(tj));
  for (const auto& d : j.value("schema", nlohmann::json::array())) {
    r.schema.push_back({d.value("object", ""), d.value("what", ""), d.value("master", ""), d.value("slave", "")});
  }
  const nlohmann::json totals = j.value("totals", nlohmann::json::object());
  r.master_rows = totals.value("master_rows", uint64_t{0});
  r.slave_rows = totals.value("slave_rows", uint64_t{0});
  return r;
}

Status WorstStatus(const std::vector<CheckReport>& reports) {
  Status worst = Status::kOk;
  for (const CheckReport& r : reports) worst = Worse(worst, r.status);
  return worst;
}

std::string Summary(const std::vector<CheckReport>& reports) {
  if (reports.size() == 1) return Summary(reports.front());
  std::string out;
  for (const CheckReport& r : reports) out += Summary(r) + "\n";
  out += fmt::format("verdicts ({} slaves, one sync point):\n", reports.size());
  for (const CheckReport& r : reports) {
    out += fmt::format("  {}: {}{}\n", r.slave, r.status == Status::kOk ? "equal" : Label(r.status),
                       r.error.empty() ? "" : " (" + r.error + ")");
  }
  return out;
}

nlohmann::json ToJson(const std::vector<CheckReport>& reports) {
  nlohmann::json j;
  j["status"] = ExitCode(WorstStatus(reports));
  j["status_name"] = ToString(WorstStatus(reports));
  j["slaves"] = nlohmann::json::array();
  for (const CheckReport& r : reports) j["slaves"].push_back(ToJson(r));
  return j;
}

}  // namespace randsync::checker
