// What SHOW SLAVE STATUS's text gives the reports: the error number of the
// thread that failed and the table the SQL thread's error names, read in
// the module that parses the status so that no report reader parses it.
#include <gtest/gtest.h>

#include "db/replication_status.h"

namespace randsync::db {
namespace {

TEST(SlaveStatusTest, FailingTableAndErrorNumberOfTheSqlThread) {
  SlaveStatus st;
  st.last_sql_errno = 1032;
  st.last_sql_error =
      "Could not execute Update_rows_v1 event on table test.C; Can't find record in 'C', Error_code: 1032; "
      "handler error HA_ERR_KEY_NOT_FOUND; the event's master log master-bin.000001, end_log_pos 77646402";
  EXPECT_EQ(st.failing_table(), "test.C");
  EXPECT_EQ(st.error_number(), 1032u);
  st.last_sql_error = "Error 'Table 'test.t9' doesn't exist' on query. Default database: 'test'. Query: 'DROP TABLE t9'";
  EXPECT_EQ(st.failing_table(), "");
}

TEST(SlaveStatusTest, TheIoThreadsErrorWhenTheSqlThreadHasNone) {
  SlaveStatus st;
  EXPECT_EQ(st.error_number(), 0u);
  st.last_io_errno = 1236;
  st.last_io_error = "Got fatal error 1236 from master when reading data from binary log";
  EXPECT_EQ(st.error_number(), 1236u);
  EXPECT_EQ(st.failing_table(), "");
  st.last_sql_errno = 1062;
  EXPECT_EQ(st.error_number(), 1062u);  // the SQL thread's first
}

}  // namespace
}  // namespace randsync::db
