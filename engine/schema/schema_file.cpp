#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "base/file_text.h"
#include "engine/perl/data_spec.h"
#include "engine/schema/schema.h"

namespace randsync {

namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the
// rest ("parse error at line 3, column 5: ...") is what a user needs.
std::string WithoutExceptionId(const std::string& what) {
  if (what.rfind("[json.exception.", 0) == 0) {
    size_t end = what.find("] ");
    if (end != std::string::npos) return what.substr(end + 2);
  }
  return what;
}

Schema LoadJson(const std::string& path) {
  const std::string text = ReadTextFile(path, "the schema file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": invalid JSON: " + WithoutExceptionId(e.what()));
  }
  try {
    return Schema::FromJson(j);
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

}  // namespace

Schema LoadSchemaFile(const std::string& path) {
  if (EndsWith(path, ".json")) return LoadJson(path);
  if (EndsWith(path, ".zz")) {
    nlohmann::json spec = EvalDataSpec(path);  // names the file in its errors
    try {
      return SchemaFromDataSpec(spec);
    } catch (const InputError& e) {
      throw InputError(path + ": " + e.what());
    }
  }
  throw InputError(path + ": unknown schema file type (expected a .json snapshot or a .zz data spec)");
}

}  // namespace randsync
