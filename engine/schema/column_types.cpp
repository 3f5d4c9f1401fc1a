#include "engine/schema/column_types.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <vector>

namespace randsync {

std::string TypeClassOf(std::string_view data_type) {
  static const std::map<std::string, std::string, std::less<>> kClasses = {
      {"bit", "int"},         {"tinyint", "int"},        {"smallint", "int"},
      {"mediumint", "int"},   {"int", "int"},            {"bigint", "int"},
      {"float", "float"},     {"double", "float"},       {"decimal", "decimal"},
      {"datetime", "timestamp"}, {"timestamp", "timestamp"},
      {"char", "char"},       {"varchar", "char"},       {"binary", "char"},
      {"varbinary", "char"},  {"tinyblob", "blob"},      {"blob", "blob"},
      {"mediumblob", "blob"}, {"longblob", "blob"},      {"tinytext", "text"},
      {"text", "text"},       {"mediumtext", "text"},    {"longtext", "text"},
  };
  auto it = kClasses.find(data_type);
  return it != kClasses.end() ? it->second : std::string(data_type);
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits a column definition into words and parenthesised groups; quoted
// strings inside parentheses (enum/set values) are kept intact.
class DefinitionScanner {
 public:
  explicit DefinitionScanner(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  std::string Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return Lower(text_.substr(start, pos_ - start));
  }
  std::string PeekWord() {
    size_t saved = pos_;
    std::string w = Word();
    pos_ = saved;
    return w;
  }
  // The text between a '(' at the current position and its matching ')'.
  std::optional<std::string> Parens() {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '(') return std::nullopt;
    size_t start = ++pos_;
    int depth = 1;
    char quote = 0;
    for (; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (quote) {
        if (c == '\\') {
          ++pos_;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        return std::string(text_.substr(start, pos_++ - start));
      }
    }
    return std::string(text_.substr(start));  // unbalanced: take the rest
  }
  std::string_view Rest() const { return text_.substr(pos_); }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }
  // Skips one character, or a whole quoted string (a DEFAULT 'unsigned' must
  // not read as an attribute).
  void SkipItem() {
    char c = text_[pos_++];
    if (c != '\'' && c != '"') return;
    while (pos_ < text_.size() && text_[pos_] != c) pos_ += text_[pos_] == '\\' ? 2 : 1;
    pos_ = std::min(pos_ + 1, text_.size());
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Top-level comma-separated items of an argument list, trimmed; quoted items
// are re-quoted with single quotes the way the server prints enum values.
std::string NormalizeArgs(const std::string& args) {
  std::vector<std::string> items;
  std::string item;
  char quote = 0;
  bool quoted_item = false;
  auto flush = [&] {
    if (quoted_item) {
      items.push_back("'" + item + "'");
    } else {
      size_t b = item.find_first_not_of(" \t\n");
      size_t e = item.find_last_not_of(" \t\n");
      items.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
    }
    item.clear();
    quoted_item = false;
  };
  // Inside the re-quoted value a single quote is doubled, as SHOW does.
  auto add_quoted = [&item](char c) { item += c == '\'' ? "''" : std::string(1, c); };
  for (size_t i = 0; i < args.size(); ++i) {
    char c = args[i];
    if (quote) {
      if (c == '\\' && i + 1 < args.size()) {
        add_quoted(args[++i]);
      } else if (c == quote && i + 1 < args.size() && args[i + 1] == quote) {
        add_quoted(c);
        ++i;
      } else if (c == quote) {
        quote = 0;
      } else {
        add_quoted(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      quoted_item = true;
      item.clear();
    } else if (c == ',') {
      flush();
    } else if (!quoted_item) {
      item += c;
    }
  }
  flush();
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out;
}

// Canonical type name for the alias spellings MariaDB accepts.
std::string CanonicalBase(DefinitionScanner& scan) {
  std::string w = scan.Word();
  static const std::map<std::string, std::string> kAliases = {
      {"integer", "int"},   {"int4", "int"},        {"int1", "tinyint"},
      {"int2", "smallint"}, {"int3", "mediumint"},  {"middleint", "mediumint"},
      {"int8", "bigint"},   {"float4", "float"},    {"float8", "double"},
      {"real", "double"},   {"dec", "decimal"},     {"numeric", "decimal"},
      {"fixed", "decimal"}, {"nchar", "char"},      {"nvarchar", "varchar"},
      {"varchar2", "varchar"}, {"json", "longtext"},
  };
  if (w == "double" && scan.PeekWord() == "precision") {
    scan.Word();
  } else if (w == "national") {
    w = scan.Word();
    if (w == "character") w = "char";
  } else if (w == "character" || w == "char") {
    if (scan.PeekWord() == "varying") {
      scan.Word();
      return "varchar";
    }
    return "char";
  } else if (w == "long") {
    std::string next = scan.PeekWord();
    if (next == "varbinary") {
      scan.Word();
      return "mediumblob";
    }
    if (next == "varchar") scan.Word();
    return "mediumtext";
  }
  auto it = kAliases.find(w);
  return it != kAliases.end() ? it->second : w;
}

// text(N) and blob(N) become the smallest variant that holds N bytes (the
// length is counted in bytes here, exact for latin1 and binary).
std::string SizedVariant(const std::string& base, const std::string& args) {
  unsigned long long n = 0;
  try {
    n = std::stoull(args);
  } catch (...) {
    return base;
  }
  const std::string kind = base == "text" ? "text" : "blob";
  if (n < 256) return "tiny" + kind;
  if (n < 65536) return kind;
  if (n < 16777216) return "medium" + kind;
  return "long" + kind;
}

}  // namespace

ServerType ServerTypeOf(std::string_view definition) {
  DefinitionScanner scan(definition);
  std::string base = CanonicalBase(scan);
  std::optional<std::string> args = scan.Parens();
  if (args) *args = NormalizeArgs(*args);

  // Attributes after the type: only those that change what is reported.
  bool is_unsigned = false, zerofill = false, binary_charset = false, byte_attr = false;
  std::vector<std::string> words;
  while (!scan.AtEnd()) {
    std::string w = scan.Word();
    if (w.empty()) {
      scan.SkipItem();
    } else {
      words.push_back(w);
    }
  }
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "unsigned") is_unsigned = true;
    if (words[i] == "zerofill") is_unsigned = zerofill = true;
    if (words[i] == "byte") byte_attr = true;
    bool charset_kw = words[i] == "charset" ||
                      (words[i] == "character" && i + 1 < words.size() && words[i + 1] == "set");
    if (charset_kw) {
      size_t value = words[i] == "charset" ? i + 1 : i + 2;
      if (value < words.size() && words[value] == "binary") binary_charset = true;
    }
  }

  if (base == "bool" || base == "boolean") {
    base = "tinyint";
    args = "1";
  } else if (base == "serial") {
    base = "bigint";
    is_unsigned = true;
  } else if (base == "float" && args && args->find(',') == std::string::npos) {
    // float(p): single precision up to 24 bits, double beyond.
    try {
      if (std::stoi(*args) > 24) base = "double";
    } catch (...) {
    }
    args.reset();
  } else if ((base == "text" || base == "blob") && args) {
    base = SizedVariant(base, *args);
    args.reset();
  }
  if (binary_charset || byte_attr) {
    static const std::map<std::string, std::string> kBinary = {
        {"char", "binary"},         {"varchar", "varbinary"}, {"tinytext", "tinyblob"},
        {"text", "blob"},           {"mediumtext", "mediumblob"}, {"longtext", "longblob"}};
    if (auto it = kBinary.find(base); it != kBinary.end()) base = it->second;
  }

  static const std::map<std::string, std::pair<int, int>> kIntWidths = {
      {"tinyint", {4, 3}}, {"smallint", {6, 5}}, {"mediumint", {9, 8}},
      {"int", {11, 10}},   {"bigint", {20, 20}}};
  auto sign_suffix = [&] {
    return std::string(is_unsigned ? " unsigned" : "") + (zerofill ? " zerofill" : "");
  };

  ServerType out{base, base};
  if (auto w = kIntWidths.find(base); w != kIntWidths.end()) {
    std::string width = args ? *args : std::to_string(is_unsigned ? w->second.second : w->second.first);
    out.column_type = base + "(" + width + ")" + sign_suffix();
  } else if (base == "bit") {
    out.column_type = "bit(" + args.value_or("1") + ")";
  } else if (base == "float" || base == "double") {
    out.column_type = base + (args ? "(" + *args + ")" : "") + sign_suffix();
  } else if (base == "decimal") {
    std::string a = args.value_or("10,0");
    if (a.find(',') == std::string::npos) a += ",0";
    out.column_type = "decimal(" + a + ")" + sign_suffix();
  } else if (base == "char" || base == "binary" || base == "varchar" || base == "varbinary") {
    out.valid = args.has_value() || base == "char" || base == "binary";
    out.column_type = base + "(" + args.value_or("1") + ")";
  } else if (base == "year") {
    out.column_type = "year(" + args.value_or("4") + ")";
  } else if (base == "time" || base == "datetime" || base == "timestamp") {
    out.column_type = base + (args && *args != "0" ? "(" + *args + ")" : "");
  } else if (args) {
    out.column_type = base + "(" + *args + ")";
  }
  return out;
}

}  // namespace randsync
