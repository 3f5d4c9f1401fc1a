// Scale mode: one table of millions of rows for checker and backup
// benchmarks, loaded as fast as the client side allows.
//
// Layout (fixed, so that benchmarks compare like with like):
//   pk            BIGINT NOT NULL   the row number 1..N, PRIMARY KEY
//   col_int       INT               any INT, 10% NULL
//   col_int_small INT NOT NULL      0..999 (few distinct values)
//   col_varchar   VARCHAR(64)       5% NULL, 5% '', else 1..64 letters a-z
//   col_datetime  DATETIME(6)       1971..2035 with microseconds, 5% NULL
//   col_double    DOUBLE            uniform in +-1e9, all 17 digits, 5% NULL
//   col_decimal   DECIMAL(20,6)     +-14.6 digits, 5% NULL
// NULL next to '' and fractions in every temporal and numeric type give a
// checker the cases it must not confuse. No secondary keys: loading stays
// about the data, not index maintenance.
//
// Rows come in blocks of 1000; block b's values are drawn from its own
// stream (seed, b), so the content depends on (seed, N) only — not on the
// connection count or the statement size. Each connection loads a
// contiguous range of blocks with multi-row INSERTs, unique and foreign key
// checks off; the binlog stays on unless sql_log_bin=false.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <exception>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/gendata/gendata_sources.h"
#include "engine/gendata/gendata_sql.h"

#include "base/text_util.h"

namespace randsync::gendata_internal {

namespace {

constexpr uint64_t kBlockRows = 1000;
// Statements per transaction: one commit (and one binlog group) per ~10k
// rows, without binlog transactions so big they spill to disk.
constexpr uint64_t kStatementsPerCommit = 10;

// Appends the tuples of rows [first, last] of block `block` (1-based pks).
void AppendBlock(uint64_t seed, uint64_t block, uint64_t total_rows, std::string& out) {
  Prng prng = StreamPrng(seed, Stream::kScale, static_cast<uint32_t>(block));
  const uint64_t first = block * kBlockRows + 1;
  const uint64_t last = std::min(total_rows, first + kBlockRows - 1);
  for (uint64_t pk = first; pk <= last; ++pk) {
    if (pk != first) out += ',';
    out += '(';
    AppendInt(static_cast<int64_t>(pk), out);
    out += ',';
    // One draw gives the NULL decisions of all five nullable columns.
    const uint64_t nulls = prng.Bits();
    auto null_pick = [&](int k) { return (nulls >> (k * 8)) % 100; };
    const int64_t int_value = prng.Int(-2147483648LL, 2147483647LL);
    if (null_pick(0) < 10) {
      out += "NULL";
    } else {
      AppendInt(int_value, out);
    }
    out += ',';
    AppendInt(prng.Int(0, 999), out);
    out += ',';
    const uint64_t length = null_pick(1) < 10 ? 0 : prng.UInt(1, 64);
    if (null_pick(1) < 5) {
      out += "NULL";
    } else {
      out += '\'';
      const size_t at = out.size();
      out.resize(at + length);
      prng.FillChars(out.data() + at, length, 'a', 26);
      out += '\'';
    }
    out += ',';
    if (null_pick(2) < 5) {
      out += "NULL";
    } else {
      const uint64_t r = prng.Bits();  // one draw for the whole timestamp
      out += '\'';
      AppendPadded(static_cast<int64_t>(1971 + r % 65), 4, out);
      out += '-';
      AppendPadded(static_cast<int64_t>(1 + (r >> 8) % 12), 2, out);
      out += '-';
      AppendPadded(static_cast<int64_t>(1 + (r >> 12) % 28), 2, out);
      out += ' ';
      AppendPadded(static_cast<int64_t>((r >> 17) % 24), 2, out);
      out += ':';
      AppendPadded(static_cast<int64_t>((r >> 22) % 60), 2, out);
      out += ':';
      AppendPadded(static_cast<int64_t>((r >> 28) % 60), 2, out);
      out += '.';
      AppendPadded(static_cast<int64_t>((r >> 34) % 1000000), 6, out);
      out += '\'';
    }
    out += ',';
    const double d = prng.Real(-1e9, 1e9);
    if (null_pick(3) < 5) {
      out += "NULL";
    } else {
      // Shortest text that reads back as exactly this double.
      fmt::format_to(std::back_inserter(out), "{}", d);
    }
    out += ',';
    const int64_t whole = prng.Int(-99999999999999LL, 99999999999999LL);
    const int64_t fraction = prng.Int(0, 999999);
    if (null_pick(4) < 5) {
      out += "NULL";
    } else {
      if (whole == 0 && prng.Index(2) == 0) out += '-';
      AppendInt(whole, out);
      out += '.';
      AppendPadded(fraction, 6, out);
    }
    out += ')';
  }
}

std::string CreateScaleTable(const ScaleData& scale, const GendataOptions& options) {
  std::string sql = "CREATE TABLE " + QuoteIdentifier(scale.table) +
                    " (\n"
                    "pk BIGINT NOT NULL,\n"
                    "col_int INT,\n"
                    "col_int_small INT NOT NULL,\n"
                    "col_varchar VARCHAR(64),\n"
                    "col_datetime DATETIME(6),\n"
                    "col_double DOUBLE,\n"
                    "col_decimal DECIMAL(20,6),\n"
                    "PRIMARY KEY (pk)\n)";
  if (options.engine && !options.engine->empty()) sql += " ENGINE=" + *options.engine;
  return sql;
}

}  // namespace

std::vector<std::string> ScaleStatements(const ScaleData& scale, const GendataOptions& options) {
  return {"DROP TABLE IF EXISTS " + QuoteIdentifier(scale.table), CreateScaleTable(scale, options)};
}

void GenerateScale(db::Connection& c, const db::Dsn& dsn, const ScaleData& scale,
                   const GendataOptions& options, const GendataProgressFn& progress,
                   GendataResult& result) {
  const std::string label = Qualified(dsn.database, scale.table);
  for (const std::string& sql : ScaleStatements(scale, options)) {
    ExecuteFor(c, label, StatementName(sql), sql);
  }
  result.tables.push_back(label);

  const uint64_t blocks = (scale.rows + kBlockRows - 1) / kBlockRows;
  const uint64_t blocks_per_insert =
      std::max<uint64_t>(1, (options.scale_rows_per_insert + kBlockRows - 1) / kBlockRows);
  const uint64_t threads =
      std::clamp<uint64_t>(options.connections, 1, std::max<uint64_t>(blocks, 1));
  const std::string prefix = "INSERT INTO " + QuoteIdentifier(scale.table) + " VALUES ";

  std::atomic<uint64_t> inserted{0}, rows_done{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // serialises progress calls and the first error
  std::exception_ptr error;

  auto load = [&](uint64_t first_block, uint64_t end_block) {
    try {
      db::Connection conn(dsn);
      PrepareSession(conn);
      ExecuteFor(conn, label, "session setup",
                 "SET SESSION unique_checks = 0, foreign_key_checks = 0");
      if (!options.sql_log_bin)
        ExecuteFor(conn, label, "session setup", "SET SESSION sql_log_bin = 0");
      std::string sql;
      sql.reserve(blocks_per_insert * kBlockRows * 160 + prefix.size());
      // One transaction = kStatementsPerCommit INSERTs. Connections loading
      // neighbouring key ranges can deadlock on InnoDB's gap locks (seen with
      // 2 connections and 20k rows); a block's rows depend only on (seed,
      // block), so the victim transaction is simply run again.
      const uint64_t blocks_per_txn = blocks_per_insert * kStatementsPerCommit;
      for (uint64_t b = first_block; b < end_block && !failed; b += blocks_per_txn) {
        const uint64_t txn_end = std::min(end_block, b + blocks_per_txn);
        for (int attempt = 1;; ++attempt) {
          try {
            uint64_t txn_inserted = 0;
            ExecuteFor(conn, label, "START TRANSACTION", "START TRANSACTION");
            for (uint64_t k = b; k < txn_end; k += blocks_per_insert) {
              sql = prefix;
              const uint64_t end = std::min(txn_end, k + blocks_per_insert);
              for (uint64_t j = k; j < end; ++j) {
                if (j != k) sql += ',';
                AppendBlock(options.seed, j, scale.rows, sql);
              }
              txn_inserted += ExecuteFor(conn, label, "INSERT", sql);
            }
            ExecuteFor(conn, label, "COMMIT", "COMMIT");
            inserted += txn_inserted;
            break;
          } catch (const GendataError& e) {
            const bool retryable = e.error_number() == 1213 || e.error_number() == 1205;
            if (!retryable || attempt >= 5) throw;
            try {
              conn.Execute("ROLLBACK");
            } catch (const db::DbError&) {
            }
          }
        }
        const uint64_t done = rows_done += std::min(scale.rows, txn_end * kBlockRows) - b * kBlockRows;
        if (progress) {
          std::lock_guard lock(mu);
          progress(GendataProgress{label, done, scale.rows});
        }
      }
    } catch (...) {
      std::lock_guard lock(mu);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };

  if (threads == 1) {
    load(0, blocks);
  } else {
    std::vector<std::thread> workers;
    for (uint64_t t = 0; t < threads; ++t) {
      workers.emplace_back(load, blocks * t / threads, blocks * (t + 1) / threads);
    }
    for (std::thread& w : workers) w.join();
  }
  if (error) std::rethrow_exception(error);
  result.rows += inserted;
}

}  // namespace randsync::gendata_internal
