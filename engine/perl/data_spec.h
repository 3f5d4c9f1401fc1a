// Evaluation of RQG `.zz` data specs. A .zz file is Perl source that sets
// $schemas, $tables, $fields and $data; they are read back as JSON:
//   {"schemas": [...] | null, "tables": {...} | null,
//    "fields": {...} | null, "data": {...} | null}
// with Perl undef as null, array refs as arrays and hash refs as objects.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace randsync {

// Throws InputError ("<path>: <Perl's message>") when the file cannot be read
// or dies. Runs in a fresh interpreter; safe to call from any thread.
nlohmann::json EvalDataSpec(const std::string& path);

}  // namespace randsync
