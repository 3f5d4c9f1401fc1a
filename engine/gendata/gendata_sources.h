// Internal to engine/gendata: the three data sources behind Generate() and
// CreateStatements(). Each writes into the current database of `c` unless
// its source says otherwise ($schemas).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "db/connection.h"
#include "engine/gendata/gendata.h"

namespace randsync::gendata_internal {

// simple_data.cpp: RQG's GendataSimple.
std::vector<std::string> SimpleStatements(const GendataOptions& options);
void GenerateSimple(db::Connection& c, const std::string& db, const GendataOptions& options,
                    const GendataProgressFn& progress, GendataResult& result);

// spec_data.cpp: RQG's Gendata for an evaluated .zz spec. `db` is the
// database for specs without $schemas.
std::vector<std::string> SpecStatements(const nlohmann::json& spec, const std::string& name,
                                        const GendataOptions& options);
void GenerateSpec(db::Connection& c, const std::string& db, const nlohmann::json& spec,
                  const std::string& name, const GendataOptions& options,
                  const GendataProgressFn& progress, GendataResult& result);

// scale_data.cpp: the benchmark table, loaded over options.connections
// connections to `dsn` (whose database exists).
std::vector<std::string> ScaleStatements(const ScaleData& scale, const GendataOptions& options);
void GenerateScale(db::Connection& c, const db::Dsn& dsn, const ScaleData& scale,
                   const GendataOptions& options, const GendataProgressFn& progress,
                   GendataResult& result);

}  // namespace randsync::gendata_internal
