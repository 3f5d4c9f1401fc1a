// The columns of a setup table, for the reducer's column phase: a table
// as mariadb-dump --compact writes it (SHOW CREATE TABLE, one column or key
// a line; one positional INSERT a row) without some of its columns, so the
// test keeps only the columns the failure needs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runners/reduce/script.h"

namespace randsync::reduce {

// The columns of `t` that may go, in table order: all but those of its
// PRIMARY KEY (the rows' identity, which the comparison keys on). Empty
// when the CREATE TABLE is not of that shape.
std::vector<std::string> DroppableColumns(const SetupTable& t);

// `t` without the columns `drop`: their definition lines, the keys and
// constraints that name them, and their values in every row. nullopt when
// the CREATE TABLE or a row is not of the shape mariadb-dump writes.
std::optional<SetupTable> WithoutColumns(const SetupTable& t, const std::vector<std::string>& drop);

}  // namespace randsync::reduce
