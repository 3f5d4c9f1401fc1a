#include "engine/schema/schema.h"

#include <algorithm>

namespace randsync {

namespace {

// std::string's operator< compares bytes as unsigned char, which is Perl's
// `sort` without a block: "AA" < "B" < "a".
template <typename T>
void SortByName(std::vector<T>& items) {
  std::stable_sort(items.begin(), items.end(),
                   [](const T& a, const T& b) { return a.name < b.name; });
}

void SortUnique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace

const Table* Database::FindTable(std::string_view table) const {
  auto it = std::lower_bound(tables.begin(), tables.end(), table,
                             [](const Table& t, std::string_view name) { return t.name < name; });
  return it != tables.end() && it->name == table ? &*it : nullptr;
}

void Schema::Normalize() {
  SortByName(databases);
  for (Database& db : databases) {
    SortByName(db.tables);
    for (Table& table : db.tables) {
      SortByName(table.columns);
      for (Column& column : table.columns) {
        // A primary key column is indexed by definition; _field_indexed
        // picks from both (Executor.pm metaColumnsIndexType).
        column.indexed = column.indexed || column.primary;
      }
    }
  }
  SortUnique(collations);
  SortUnique(charsets);
  db_index_.clear();
  for (size_t i = 0; i < databases.size(); ++i) db_index_.emplace(databases[i].name, i);
}

const Database* Schema::FindDatabase(std::string_view name) const {
  auto it = db_index_.find(std::string(name));
  if (it != db_index_.end() && it->second < databases.size() &&
      databases[it->second].name == name) {
    return &databases[it->second];
  }
  // Not normalized since the last edit: fall back to a scan.
  for (const Database& db : databases) {
    if (db.name == name) return &db;
  }
  return nullptr;
}

const Table* Schema::FindTable(std::string_view db, std::string_view table) const {
  const Database* database = FindDatabase(db.empty() ? std::string_view(default_database) : db);
  return database == nullptr ? nullptr : database->FindTable(table);
}

}  // namespace randsync
