// A test-only server hook (tests/run_reduce_udf_test.sh): the UDF
// crash_at(n) kills the server with SIGABRT when n is 7 and returns n
// otherwise. A load that calls it with random digits crashes the master the
// way a server bug would, and only the statement that passes 7 does, so
// the reduction has one right answer.
#include <cstdlib>
#include <cstring>

#include <mysql.h>

extern "C" {

my_bool crash_at_init(UDF_INIT* /*initid*/, UDF_ARGS* args, char* message) {
  if (args->arg_count != 1) {
    std::strcpy(message, "crash_at(n) takes one argument");
    return 1;
  }
  args->arg_type[0] = INT_RESULT;
  return 0;
}

long long crash_at(UDF_INIT* /*initid*/, UDF_ARGS* args, char* is_null, char* /*error*/) {
  *is_null = 0;
  if (args->args[0] == nullptr) return 0;
  long long n = 0;
  std::memcpy(&n, args->args[0], sizeof n);
  if (n == 7) std::abort();
  return n;
}

}  // extern "C"
