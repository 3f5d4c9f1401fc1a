// Reading a replica's state: SHOW SLAVE STATUS (by column name, never by
// position: the column list grows between server versions) and GTID
// positions as sets of per-domain sequence numbers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace randsync::db {

class Connection;

struct SlaveStatus {
  std::string io_running;   // "Yes", "No", "Connecting"
  std::string sql_running;  // "Yes", "No"
  unsigned last_io_errno = 0;
  std::string last_io_error;
  unsigned last_sql_errno = 0;
  std::string last_sql_error;
  std::optional<uint64_t> seconds_behind;  // NULL while a thread is stopped
  std::string master_log_file;             // what the IO thread has read
  uint64_t read_master_log_pos = 0;
  std::string relay_master_log_file;       // what the SQL thread has applied
  uint64_t exec_master_log_pos = 0;
  std::string gtid_io_pos;
  std::string using_gtid;                  // "No", "Slave_Pos", "Current_Pos"

  bool sql_stopped() const { return sql_running == "No"; }
  bool has_error() const { return last_io_errno != 0 || last_sql_errno != 0; }
  // The SQL thread's error, else the IO thread's; 0 when neither failed.
  unsigned error_number() const { return last_sql_errno != 0 ? last_sql_errno : last_io_errno; }
  // The table the SQL thread's error names ("test.t1" of "... event on
  // table test.t1; ..."), "" when it names none: read here, where the
  // status is parsed, so that no report reader parses server messages.
  std::string failing_table() const;
  // One line for reports: "Slave_IO_Running=Yes Slave_SQL_Running=No
  // Last_SQL_Errno=1062 Last_SQL_Error=..." (errors only when set).
  std::string Describe() const;
};

// The default replication connection's status; nullopt when the server is
// not configured as a replica (SHOW SLAVE STATUS returns no row).
std::optional<SlaveStatus> ReadSlaveStatus(Connection& conn);

// A GTID position such as "0-1-100,1-2-7": domain -> (server_id, seq_no).
struct GtidPos {
  struct Entry {
    uint32_t server_id = 0;
    uint64_t seq_no = 0;
  };
  std::map<uint32_t, Entry> domains;

  // Throws InputError on malformed text ("" is the empty position).
  static GtidPos Parse(std::string_view text);
  std::string ToString() const;
  // Whether every domain of `target` is at exactly its seq_no here (extra
  // domains here are ignored: a replica may hold domains of its own).
  bool At(const GtidPos& target) const;
  // Whether some domain of `target` is already behind this position.
  bool Past(const GtidPos& target) const;
};

}  // namespace randsync::db
