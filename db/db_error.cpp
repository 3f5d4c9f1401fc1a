#include "db/db_error.h"

#include <mysql.h>

#include "db/native_error.h"

namespace randsync::db {

namespace {

// Server messages may quote a multi-line statement; errors are one line.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

std::string Describe(unsigned error_number, const std::string& sqlstate,
                     const std::string& message, const std::string& context) {
  std::string out = context.empty() ? "" : context + ": ";
  out += "ERROR " + std::to_string(error_number);
  if (!sqlstate.empty()) out += " (" + sqlstate + ")";
  return out + ": " + message;
}

}  // namespace

DbError::DbError(unsigned error_number, std::string sqlstate, std::string message,
                 const std::string& context)
    : std::runtime_error(
          Describe(error_number, sqlstate, OneLine(message), OneLine(context))),
      error_number_(error_number),
      sqlstate_(std::move(sqlstate)),
      message_(OneLine(std::move(message))) {}

void ThrowLastError(st_mysql* mysql, const std::string& context) {
  throw DbError(mysql_errno(mysql), mysql_sqlstate(mysql), mysql_error(mysql), context);
}

void ThrowStatementError(st_mysql_stmt* stmt, st_mysql* mysql, const std::string& context) {
  if (mysql_stmt_errno(stmt) == 0 && mysql_errno(mysql) != 0) ThrowLastError(mysql, context);
  if (mysql_stmt_errno(stmt) == 0) {
    throw DbError(2013, "HY000", "the server ended the result without an error message", context);
  }
  throw DbError(mysql_stmt_errno(stmt), mysql_stmt_sqlstate(stmt), mysql_stmt_error(stmt), context);
}

}  // namespace randsync::db
