// Generate / CreateStatements: pick the source, prepare the session and the
// database, time the run.
#include "engine/gendata/gendata.h"

#include <chrono>
#include <type_traits>

#include "db/connection.h"
#include "base/errors.h"
#include "engine/gendata/gendata_sources.h"
#include "engine/gendata/gendata_sql.h"
#include "engine/perl/data_spec.h"

namespace randsync {

namespace {

using namespace gendata_internal;

nlohmann::json EvalSpecFile(const std::string& path) {
  try {
    return EvalDataSpec(path);
  } catch (const InputError& e) {
    throw GendataError("", 0, std::string("gendata: ") + e.what());
  }
}

}  // namespace

GendataResult Generate(const db::Dsn& dsn, const GendataSource& source,
                       const GendataOptions& options, const GendataProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  // RQG's default DSN names `test`; the database is created when missing,
  // so connect without one first.
  const std::string database = dsn.database.empty() ? "test" : dsn.database;
  db::Dsn server = dsn;
  server.database.clear();
  db::Connection c(server);
  PrepareSession(c);
  UseDatabase(c, database);

  GendataResult result;
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, SimpleData>) {
          GenerateSimple(c, database, options, progress, result);
        } else if constexpr (std::is_same_v<S, DataSpecFile>) {
          GenerateSpec(c, database, EvalSpecFile(s.path), s.path, options, progress, result);
        } else if constexpr (std::is_same_v<S, DataSpecJson>) {
          GenerateSpec(c, database, s.spec, s.name, options, progress, result);
        } else {
          db::Dsn loader = dsn;
          loader.database = database;
          GenerateScale(c, loader, s, options, progress, result);
        }
      },
      source);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::vector<std::string> CreateStatements(const GendataSource& source,
                                          const GendataOptions& options) {
  return std::visit(
      [&](const auto& s) -> std::vector<std::string> {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, SimpleData>) {
          return SimpleStatements(options);
        } else if constexpr (std::is_same_v<S, DataSpecFile>) {
          return SpecStatements(EvalSpecFile(s.path), s.path, options);
        } else if constexpr (std::is_same_v<S, DataSpecJson>) {
          return SpecStatements(s.spec, s.name, options);
        } else {
          return ScaleStatements(s, options);
        }
      },
      source);
}

}  // namespace randsync
