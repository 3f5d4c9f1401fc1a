// What a freshly installed server offers besides user data, for snapshots
// made without one (DefaultSchema, SchemaFromDataSpec).
#pragma once

#include <string>
#include <vector>

namespace randsync {

// information_schema.COLLATIONS of MariaDB 10.11 (Debian 12's server): every
// COLLATION_NAME, and the distinct non-NULL CHARACTER_SET_NAMEs. Sorted.
const std::vector<std::string>& FreshServerCollations();
const std::vector<std::string>& FreshServerCharsets();

}  // namespace randsync
