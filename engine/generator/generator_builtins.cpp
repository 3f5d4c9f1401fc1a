// The generator's own built-in tokens: RQG's special-cased scalars and the
// metadata tokens that pick databases, tables and columns from the schema
// snapshot. Values and fallbacks follow RQG's FromGrammar.pm/Executor.pm
// (reference/rqg.md 1.3) except where RQG has a plain bug (_field_next).
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "engine/generator/generator.h"
#include "base/text_util.h"

namespace randsync {

namespace {

void AppendQuotedName(std::string& out, std::string_view name) {
  out.push_back('`');
  out.append(name);
  out.push_back('`');
}

constexpr std::string_view kNoColumn = "non_existing_column";

}  // namespace

const Database* Generator::CurrentDatabase() {
  const Schema& s = *options_.schema;
  return s.FindDatabase(meta_.last_database ? *meta_.last_database : s.default_database);
}

// $last_table, or the first table of the database when none was picked yet
// (Executor::metaColumns).
const Table* Generator::CurrentTable() {
  const Database* db = CurrentDatabase();
  if (!db) return nullptr;
  if (meta_.last_table) return db->FindTable(*meta_.last_table);
  return db->tables.empty() ? nullptr : &db->tables.front();
}

const Generator::ColumnLists& Generator::Columns(const Table* t) {
  static const ColumnLists kEmpty;
  if (!t) return kEmpty;
  auto& slot = columns_[t];
  if (slot) return *slot;
  slot = std::make_unique<ColumnLists>();
  ColumnLists& l = *slot;
  for (const Column& c : t->columns) {
    l.all.push_back(&c);
    // Views have no keys for RQG: their columns count as ordinary.
    bool primary = c.primary && !t->is_view;
    bool indexed = (c.indexed || c.primary) && !t->is_view;
    (primary ? l.primary : l.non_primary).push_back(&c);
    (indexed ? l.indexed : l.unindexed).push_back(&c);
    if (c.type_class == "int") {
      l.ints.push_back(&c);
      if (indexed) l.ints_indexed.push_back(&c);
    } else if (c.type_class == "char") {
      l.chars.push_back(&c);
      if (indexed) l.chars_indexed.push_back(&c);
    }
  }
  return l;
}

void Generator::PickField(const std::vector<const Column*>& cols, std::string& out) {
  if (cols.empty()) {
    meta_.last_field = std::string(kNoColumn);
    AppendQuotedName(out, kNoColumn);
    return;
  }
  const Column* c = cols[prng_.Index(cols.size())];
  meta_.last_field = c->name;
  AppendQuotedName(out, c->name);
}

void Generator::PickTable(bool views, bool base, std::string& out) {
  const Database* db = CurrentDatabase();
  const Table* pick = nullptr;
  if (db) {
    if (views && base) {
      if (!db->tables.empty()) pick = &db->tables[prng_.Index(db->tables.size())];
    } else {
      size_t n = 0;
      for (const Table& t : db->tables) n += (t.is_view ? views : base);
      if (n > 0) {
        size_t k = prng_.Index(n);
        for (const Table& t : db->tables) {
          if ((t.is_view ? views : base) && k-- == 0) {
            pick = &t;
            break;
          }
        }
      }
    }
  }
  std::string_view name = pick ? std::string_view(pick->name)
                               : (views && !base ? "non_existing_view"
                                  : !views      ? "non_existing_base_table"
                                                : "non_existing_table");
  meta_.last_table = std::string(name);
  AppendQuotedName(out, name);
}

void Generator::AppendBuiltin(Builtin b, std::string& out) {
  const Schema& s = *options_.schema;
  switch (b) {
    case Builtin::kLetter:
      out.push_back(static_cast<char>('a' + prng_.Index(26)));
      return;
    case Builtin::kDigit:
      out.push_back(static_cast<char>('0' + prng_.Index(10)));
      return;
    case Builtin::kPositiveDigit:
      out.push_back(static_cast<char>('1' + prng_.Index(9)));
      return;
    case Builtin::kHex: {
      static constexpr char kHexDigits[] = "0123456789ABCDEF";
      out.append("0x");
      for (int64_t n = prng_.Int(1, 4); n > 0; --n) out.push_back(kHexDigits[prng_.Index(16)]);
      return;
    }
    case Builtin::kCwd: {
      std::error_code ec;
      out.push_back('\'');
      out.append(std::filesystem::current_path(ec).string());
      out.push_back('\'');
      return;
    }
    case Builtin::kTmpnam:
      used_tmpnam_ = true;
      out.push_back('\'');
      out.append(TmpnamPath());
      out.push_back('\'');
      return;
    case Builtin::kTmptable:
      out.append("tmptable");
      AppendInt(pseudo_pid(), out);
      return;
    case Builtin::kUnixTimestamp:
      AppendInt(static_cast<int64_t>(std::time(nullptr)), out);  // the grammar asked for the clock
      return;
    case Builtin::kPid:
      AppendInt(pseudo_pid(), out);
      return;
    case Builtin::kThreadId:
      AppendInt(options_.thread_id, out);
      return;
    case Builtin::kConnectionId:
      AppendInt(options_.connection_id ? options_.connection_id : options_.thread_id, out);
      return;
    case Builtin::kCurrentUser:
      out.append(options_.current_user);
      return;
    case Builtin::kThreadCount:
      AppendInt(options_.thread_count, out);
      return;
    case Builtin::kDatabase: {
      std::string_view name = s.databases.empty()
                                  ? std::string_view("non_existing_schema")
                                  : std::string_view(s.databases[prng_.Index(s.databases.size())].name);
      meta_.last_database = std::string(name);
      AppendQuotedName(out, name);
      return;
    }
    case Builtin::kTable:
      return PickTable(true, true, out);
    case Builtin::kBaseTable:
      return PickTable(false, true, out);
    case Builtin::kView:
      return PickTable(true, false, out);
    case Builtin::kField:
      return PickField(Columns(CurrentTable()).all, out);
    case Builtin::kFieldList: {
      const auto& cols = Columns(CurrentTable()).all;
      if (cols.empty()) return AppendQuotedName(out, kNoColumn);
      for (size_t i = 0; i < cols.size(); ++i) {
        if (i) out.push_back(',');
        AppendQuotedName(out, cols[i]->name);
      }
      return;
    }
    case Builtin::kFieldCount: {
      size_t n = Columns(CurrentTable()).all.size();
      AppendInt(static_cast<int64_t>(n ? n : 1), out);
      return;
    }
    case Builtin::kFieldNext: {
      // Round robin over all columns. (RQG takes the position modulo n-1,
      // so it never reaches the last column; that is a bug, not a feature.)
      const auto& cols = Columns(CurrentTable()).all;
      if (cols.empty()) return AppendQuotedName(out, kNoColumn);
      AppendQuotedName(out, cols[field_pos_++ % cols.size()]->name);
      return;
    }
    case Builtin::kFieldPk: {
      const auto& cols = Columns(CurrentTable()).primary;
      std::string_view name = cols.empty() ? kNoColumn : std::string_view(cols.front()->name);
      meta_.last_field = std::string(name);
      AppendQuotedName(out, name);
      return;
    }
    case Builtin::kFieldNoPk:
      return PickField(Columns(CurrentTable()).non_primary, out);
    case Builtin::kFieldIndexed:
      return PickField(Columns(CurrentTable()).indexed, out);
    case Builtin::kFieldUnindexed:
      return PickField(Columns(CurrentTable()).unindexed, out);
    case Builtin::kFieldInt:
      return PickField(Columns(CurrentTable()).ints, out);
    case Builtin::kFieldIntIndexed:
      return PickField(Columns(CurrentTable()).ints_indexed, out);
    case Builtin::kFieldChar:
      return PickField(Columns(CurrentTable()).chars, out);
    case Builtin::kFieldCharIndexed:
      return PickField(Columns(CurrentTable()).chars_indexed, out);
    case Builtin::kCollation:
    case Builtin::kCollationName:
    case Builtin::kCharset:
    case Builtin::kCharsetName: {
      bool collation = b == Builtin::kCollation || b == Builtin::kCollationName;
      bool introducer = b == Builtin::kCollation || b == Builtin::kCharset;
      const auto& list = collation ? s.collations : s.charsets;
      if (introducer) out.push_back('_');
      if (list.empty()) {
        out.append(collation ? "utf8mb4_general_ci" : "utf8mb4");
      } else {
        out.append(list[prng_.Index(list.size())]);
      }
      return;
    }
  }
}

}  // namespace randsync
