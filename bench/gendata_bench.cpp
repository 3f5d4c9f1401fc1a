// Scale-mode loading speed against the server's own best case.
//
// Starts a throwaway server (binlog on, as replication runs have it), then
// fills the same 7-column table (engine/gendata/scale_data.cpp) of N rows
//  (a) server-side: INSERT INTO t SELECT ... FROM seq_1_to_N, one statement,
//      no client round trips, no SQL text to parse;
//  (b) with randsync's scale mode over 1, 2 and 4 connections;
// and prints rows/s of each and randsync's ratio to (a). Both run with
// unique_checks=0 and foreign_key_checks=0. Target: ratio >= 0.5.
//
//   gendata_bench [--rows N] [--connections 1,2,4] [--engine InnoDB]
//                 [--rows-per-insert 1000] [--no-binlog] [--basedir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "db/connection.h"
#include "db/dsn.h"
#include "engine/gendata/gendata.h"
#include "runners/server/throwaway_server.h"

using namespace randsync;

namespace {

struct Args {
  uint64_t rows = 1000000;
  std::vector<unsigned> connections = {1, 2, 4};
  std::string engine = "InnoDB";
  uint64_t rows_per_insert = 1000;
  bool binlog = true;
  std::string basedir;
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  CLI::App app{"Scale-mode gendata against the server's INSERT ... SELECT FROM seq_1_to_N", "gendata_bench"};
  app.add_option("--rows", a.rows, "Rows of the table")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--connections", a.connections, "Loading connections to measure (comma list)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  app.add_option("--engine", a.engine, "Storage engine")->capture_default_str();
  app.add_option("--rows-per-insert", a.rows_per_insert, "Rows per INSERT")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("!--no-binlog", a.binlog, "Load with sql_log_bin=0");
  app.add_option("--basedir", a.basedir, "Server installation or build tree");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  return a;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The scale table's columns, computed by the server: the same types and
// about the same shares of NULL, '' and value lengths as scale mode.
std::string ServerSideInsert(const std::string& table, uint64_t rows) {
  return "INSERT INTO " + table +
         " SELECT seq,"
         " IF(seq % 10 = 0, NULL, CAST((seq * 2654435761) % 4294967296 AS SIGNED) - 2147483648),"
         " seq % 1000,"
         " IF(seq % 20 = 0, NULL, IF(seq % 20 = 1, '',"
         "    LEFT('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl',"
         "         1 + (seq * 7) % 64))),"
         " IF(seq % 20 = 2, NULL, TIMESTAMP'1971-01-01 00:00:00'"
         "    + INTERVAL ((seq * 2654435761) % 2000000000) SECOND"
         "    + INTERVAL (seq % 1000000) MICROSECOND),"
         " IF(seq % 20 = 3, NULL, SIN(seq) * 1e9),"
         " IF(seq % 20 = 4, NULL, IF(seq % 2, 1, -1) * ((seq * 7919) % 99999999999999"
         "    + (seq % 1000000) / 1000000))"
         " FROM seq_1_to_" +
         std::to_string(rows);
}

}  // namespace

int main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  server::ServerOptions so = args.basedir.empty()
                                 ? server::ServerOptions{}
                                 : server::ServerOptions::FromBasedir(args.basedir);
  so.role = "gendata-bench";
  so.extra_options = {"--innodb-buffer-pool-size=1G", "--innodb-log-file-size=512M",
                      "--max-allowed-packet=64M"};
  if (args.binlog) {
    so.extra_options.push_back("--log-bin=bench-bin");
    so.extra_options.push_back("--server-id=1");
    so.extra_options.push_back("--binlog-format=ROW");
  }
  try {
    server::ThrowawayServer server(so);
    server.Start();
    db::Dsn dsn = db::ParseDsn(server.Dsn("bench"), nullptr);
    GendataOptions options;
    options.seed = 1;
    options.engine = args.engine;
    options.scale_rows_per_insert = args.rows_per_insert;

    std::printf("gendata_bench: %llu rows, engine %s, binlog %s, server %s\n",
                static_cast<unsigned long long>(args.rows), args.engine.c_str(),
                args.binlog ? "ON (ROW)" : "OFF", server.Dsn("bench").c_str());

    // (a) server-side INSERT ... SELECT into the same table layout.
    Generate(dsn, ScaleData{"t_server", 0}, options);  // creates the database and the table
    db::Connection c(dsn);
    c.Execute("SET SESSION unique_checks = 0, foreign_key_checks = 0");
    auto start = std::chrono::steady_clock::now();
    uint64_t server_rows = c.Execute(ServerSideInsert("t_server", args.rows));
    const double server_s = Seconds(start);
    const double server_rate = static_cast<double>(server_rows) / server_s;
    std::printf("%-34s %9llu rows %7.2f s %10.0f rows/s\n", "server INSERT ... SELECT seq_1_to_N",
                static_cast<unsigned long long>(server_rows), server_s, server_rate);
    c.Execute("DROP TABLE t_server");

    // (b) randsync scale mode.
    std::string first_checksum;
    for (unsigned n : args.connections) {
      options.connections = n;
      const std::string table = "t_randsync_" + std::to_string(n);
      GendataResult r = Generate(dsn, ScaleData{table, args.rows}, options);
      const double rate = static_cast<double>(r.rows) / r.seconds;
      std::string checksum = c.QueryRows("CHECKSUM TABLE " + table).rows.at(0).at(1).value_or("?");
      if (first_checksum.empty()) first_checksum = checksum;
      char label[64];
      std::snprintf(label, sizeof label, "randsync scale, %u connection%s", n, n == 1 ? "" : "s");
      std::printf("%-34s %9llu rows %7.2f s %10.0f rows/s  ratio %.2f  checksum %s\n", label,
                  static_cast<unsigned long long>(r.rows), r.seconds, rate, rate / server_rate,
                  checksum == first_checksum ? "same" : "DIFFERS");
      c.Execute("DROP TABLE " + table);
    }
    server.Stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gendata_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
