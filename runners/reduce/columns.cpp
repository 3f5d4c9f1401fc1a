#include "runners/reduce/columns.h"

#include <algorithm>
#include <cstddef>
#include <string_view>

#include "base/text_util.h"

namespace randsync::reduce {
namespace {

// The definition lines of a CREATE TABLE: between the line that ends in
// "(" and the closing ")" line, each without its trailing comma.
struct CreateParts {
  std::string head, tail;          // "CREATE TABLE `t` (" and ") ENGINE=..."
  std::vector<std::string> lines;  // "  `pk` int(11) NOT NULL", "  PRIMARY KEY (`pk`)"
};

std::optional<CreateParts> SplitCreate(const std::string& create) {
  const std::size_t open = create.find("(\n");
  const std::size_t close = create.rfind("\n)");
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  CreateParts p{create.substr(0, open + 1), create.substr(close + 1), {}};
  std::string_view body(create.data() + open + 2, close - open - 2);
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    std::string line(body.substr(0, nl));
    if (!line.empty() && line.back() == ',') line.pop_back();
    p.lines.push_back(std::move(line));
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
  }
  return p;
}

// The column a definition line defines ("" for a key or constraint).
std::string ColumnOf(const std::string& line) {
  if (line.rfind("  `", 0) != 0) return "";
  std::string name;
  for (std::size_t i = 3; i < line.size(); ++i) {
    if (line[i] == '`') {
      if (i + 1 < line.size() && line[i + 1] == '`') {
        name += '`';
        ++i;
        continue;
      }
      return name;
    }
    name += line[i];
  }
  return "";
}

// The top-level items of "VALUES (a,'b,c',(d))": a, 'b,c', (d).
std::optional<std::vector<std::string>> SplitValues(std::string_view v) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (quote != 0) {
      item += c;
      if (c == '\\' && i + 1 < v.size()) {
        item += v[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      items.push_back(std::move(item));
      item.clear();
      continue;
    }
    item += c;
  }
  if (quote != 0 || depth != 0) return std::nullopt;
  items.push_back(std::move(item));
  return items;
}

// `row` without the values at `ordinals` (sorted); `columns` is the count.
std::optional<std::string> RowWithout(const std::string& row, const std::vector<std::size_t>& ordinals,
                                      std::size_t columns) {
  const std::size_t values = row.find(" VALUES (");
  if (values == std::string::npos || row.back() != ')') return std::nullopt;
  const std::size_t from = values + 9;
  auto items = SplitValues(std::string_view(row).substr(from, row.size() - 1 - from));
  if (!items || items->size() != columns) return std::nullopt;
  std::string out = row.substr(0, from);
  bool first = true;
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (std::binary_search(ordinals.begin(), ordinals.end(), i)) continue;
    out += (first ? "" : ",") + (*items)[i];
    first = false;
  }
  return out + ")";
}

bool Names(const std::string& line, const std::string& column) {
  return line.find(QuoteIdentifier(column)) != std::string::npos;
}

}  // namespace

std::vector<std::string> DroppableColumns(const SetupTable& t) {
  if (t.name.empty() || t.create.rfind("CREATE TABLE ", 0) != 0) return {};  // a view, trigger, routine, sequence
  const auto parts = SplitCreate(t.create);
  if (!parts) return {};
  std::string primary;
  for (const std::string& line : parts->lines) {
    if (line.rfind("  PRIMARY KEY ", 0) == 0) primary = line;
  }
  std::vector<std::string> out;
  for (const std::string& line : parts->lines) {
    const std::string column = ColumnOf(line);
    if (!column.empty() && !Names(primary, column)) out.push_back(column);
  }
  return out;
}

std::optional<SetupTable> WithoutColumns(const SetupTable& t, const std::vector<std::string>& drop) {
  if (drop.empty()) return t;
  const auto parts = SplitCreate(t.create);
  if (!parts) return std::nullopt;
  std::vector<std::string> kept;
  std::vector<std::size_t> ordinals;  // of the dropped columns
  std::size_t columns = 0;
  for (const std::string& line : parts->lines) {
    const std::string column = ColumnOf(line);
    if (!column.empty()) {
      if (std::find(drop.begin(), drop.end(), column) != drop.end()) {
        ordinals.push_back(columns++);
        continue;
      }
      ++columns;
      kept.push_back(line);
      continue;
    }
    const bool names_dropped =
        std::any_of(drop.begin(), drop.end(), [&](const std::string& c) { return Names(line, c); });
    if (!names_dropped) kept.push_back(line);
  }
  if (ordinals.size() != drop.size() || ordinals.size() == columns) return std::nullopt;
  SetupTable out{t.database, t.name, parts->head + "\n", {}};
  for (std::size_t i = 0; i < kept.size(); ++i) out.create += kept[i] + (i + 1 < kept.size() ? ",\n" : "\n");
  out.create += parts->tail;
  for (const std::string& row : t.rows) {
    std::optional<std::string> r = RowWithout(row, ordinals, columns);
    if (!r) return std::nullopt;
    out.rows.push_back(std::move(*r));
  }
  return out;
}

}  // namespace randsync::reduce
