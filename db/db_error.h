// A failed server or client call, with what an error classifier needs: the
// MariaDB/Connector-C error number and the SQLSTATE.
#pragma once

#include <stdexcept>
#include <string>

namespace randsync::db {

class DbError : public std::runtime_error {
 public:
  // what() is one line: "<context>: ERROR <errno> (<sqlstate>): <message>".
  DbError(unsigned error_number, std::string sqlstate, std::string message,
          const std::string& context);

  unsigned error_number() const { return error_number_; }  // e.g. 1146, 2013
  const std::string& sqlstate() const { return sqlstate_; }  // e.g. "42S02"
  const std::string& message() const { return message_; }    // server text only

 private:
  unsigned error_number_;
  std::string sqlstate_;
  std::string message_;
};

}  // namespace randsync::db
