// Statement-format writes behind a divergence, and whether the server
// flagged them unsafe for that format. A master that logs in STATEMENT
// format writes "Unsafe statement written to the binary log using
// statement format ... Statement is unsafe because <reason>. Statement:
// <text>" to its error log, for the first few only (the server throttles
// the note): so a window's statement counts as flagged when one of the
// same shape (its literals and identifiers aside) was.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check_run.h"
#include "runners/triage/cause.h"

namespace randsync::triage {

struct UnsafeNote {
  std::string reason;     // "it uses a system function that may return a different value on the slave"
  std::string statement;  // as the note gives it
};

// The unsafe-statement notes of an error log's lines.
std::vector<UnsafeNote> ParseUnsafeNotes(const std::vector<std::string>& error_log_lines);

// A statement with its numbers, strings and quoted identifiers replaced:
// "UPDATE `D` SET c = UUID() % 1000 WHERE pk = 1" -> "update ? set c = uuid() % ? where pk = ?".
std::string StatementShape(const std::string& statement);

struct UnsafeFinding {
  size_t statement_writes = 0;  // statement-format transactions of the window on the differing tables
  size_t flagged = 0;           // of them, of a shape the server flagged unsafe
};

// For a master logging in STATEMENT or MIXED format: the window's
// statement-format transactions (binlog_window.h) that name a differing
// table of `check`, as "statement write" evidence (the first few), those
// of a flagged shape as "unsafe statement" with the server's reason.
UnsafeFinding AddUnsafeStatements(const std::filesystem::path& run_dir, const nlohmann::json& report,
                                  const checker::CheckReport& check, std::vector<Evidence>& out);

}  // namespace randsync::triage
