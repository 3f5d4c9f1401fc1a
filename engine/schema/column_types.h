// Column types as RQG classifies them and as MariaDB reports them.
//
// A snapshot read from a server gets DATA_TYPE and COLUMN_TYPE straight from
// information_schema. A snapshot derived from a .zz spec has only the type
// text Gendata would put into CREATE TABLE, so it predicts what the server
// would report for it (checked against MariaDB 10.11): display widths of
// integers, `decimal` -> `decimal(10,0)`, CHARACTER SET binary turning
// char/varchar/text into binary/varbinary/blob, text(N)/blob(N) picking the
// tiny/medium/long variant, aliases such as integer, dec, bool, real.
#pragma once

#include <string>
#include <string_view>

namespace randsync {

// RQG's normalisation of information_schema DATA_TYPE (Executor/MySQL.pm):
// int (bit, tinyint..bigint), float (float, double), decimal, timestamp
// (datetime, timestamp), char (char, varchar, binary, varbinary), blob
// (tinyblob..longblob), text (tinytext..longtext); anything else (date, time,
// year, enum, set, inet6, ...) is its own class.
std::string TypeClassOf(std::string_view data_type);

struct ServerType {
  std::string data_type;    // information_schema DATA_TYPE, e.g. "varbinary"
  std::string column_type;  // information_schema COLUMN_TYPE, e.g. "varbinary(255)"
  bool valid = true;        // false: the server refuses it (varchar without length)
};

// What the server reports for a column declared as `definition`: a type
// followed by any attributes, as in CREATE TABLE ("integer auto_increment",
// "varchar (10) character set binary not null", "bigint unsigned").
// Unknown types are passed through lower-cased.
ServerType ServerTypeOf(std::string_view definition);

}  // namespace randsync
