// What a statement's outcome means for a random-load run: the error classes.
//
// Every statement a worker sends ends in one Outcome, decided from the error
// number (MariaDB server or Connector/C client) by an explicit table, with
// the SQLSTATE as a fallback for a few unambiguous classes. Whether an
// outcome ends the run is the worker's decision, not the table's: a lost
// connection (kServerGone) is survived when the server still answers a new
// connection (a KILL), and is a crash when it does not.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace randsync::load {

enum class Outcome : uint8_t {
  kOk,           // no error
  kExpected,     // transaction and semantic errors a random workload produces
  kSyntax,       // the server could not parse it: a grammar bug, worth seeing
  kServerGone,   // connection lost or server shutting down
  kCorruption,   // a table or index reported as corrupt
  kEnvironment,  // out of memory / disk / connections / threads, client misuse
  kUnknownError  // a number not in the table: counted and reported, not fatal
};
inline constexpr size_t kOutcomeCount = 7;
inline constexpr std::array<Outcome, kOutcomeCount> kAllOutcomes = {
    Outcome::kOk,         Outcome::kExpected,    Outcome::kSyntax,      Outcome::kServerGone,
    Outcome::kCorruption, Outcome::kEnvironment, Outcome::kUnknownError};

// "ok", "expected", "syntax", "server gone", "corruption", "environment",
// "unknown".
const char* ToString(Outcome outcome);

// Outcomes that end the run when they are confirmed (a kServerGone only
// after the server failed to answer a fresh connection).
constexpr bool IsFatal(Outcome o) {
  return o == Outcome::kServerGone || o == Outcome::kCorruption || o == Outcome::kEnvironment;
}

// Classifies a failed statement. `message` is the server's text: a few
// generic errors (ER_GET_ERRNO 1030 and friends) carry a storage engine's
// handler error inside it ("Got error 126 ..."), and 126/145 there mean a
// corrupt index or table. error_number 0 means success.
Outcome ClassifyError(unsigned error_number, std::string_view sqlstate,
                      std::string_view message = {});

// The symbolic name of an error number ("ER_DUP_ENTRY", "CR_SERVER_LOST"),
// from the table above or else from Connector/C's headers
// (db/error_names.h); nullptr for a number neither knows.
const char* ErrorName(unsigned error_number);

}  // namespace randsync::load
