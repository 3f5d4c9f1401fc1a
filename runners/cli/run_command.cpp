// `randsync run`: the main job (runners/scenario/provision_run.h). With no
// arguments it runs the embedded default: a throwaway master with RQG's
// default data and the shipped grammar, 8 threads for 60 s, a mariadb-backup
// taken under load, a slave provisioned from it at the recorded GTID, three
// sync-point checks during the load and a final one.
#include <atomic>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <regex>
#include <string>
#include <vector>

#include "db/dsn.h"
#include "runners/cli/app.h"
#include "runners/cli/bisect_exit.h"
#include "runners/cli/subcommands.h"
#include "runners/cli/workload.h"
#include "runners/scenario/provision_run.h"
#include "runners/server/child_registry.h"
#include "runners/triage/known_bugs.h"

namespace randsync::cli {
namespace {

struct RunCliOptions {
  WorkloadOptions workload;
  std::string gendata;
  uint32_t threads = 8;
  unsigned duration_s = 60;
  uint64_t seed = 1;
  std::string backup = "mariabackup";
  std::string binlog_format = "row";
  std::string position = "gtid";
  unsigned slave_parallel_threads = 0;
  unsigned slave_delay_s = 0;
  std::string slave_parallel_mode;
  std::vector<std::string> backup_options;
  unsigned incrementals = 0;
  unsigned incremental_interval_s = 2;
  unsigned kill_backup_at = 0;
  std::vector<unsigned> test_incremental_order;
  std::string stream;
  std::string compress;
  unsigned backup_parallel = 0;
  bool encrypt = false;
  std::string backup_from = "master";
  bool chain = false;
  bool test_no_slave_info = false;
  std::string tables;
  std::vector<std::string> databases;
  bool test_unsafe_dump = false;
  int test_position_skew = 0;
  unsigned sync_points = 3;
  unsigned sync_interval_s = 0;
  unsigned sync_timeout_s = 120;
  unsigned catchup_timeout_s = 300;
  unsigned hang_timeout_s = 60;
  unsigned check_threads = 2;
  std::vector<std::string> master_options;
  std::vector<std::string> slave_options;
  std::vector<std::string> crashes;  // --crash ROLE@SECONDS[:SIGNAL]
  std::vector<std::string> known_bugs;
  std::string basedir;
  std::string mariadbd;
  std::string master_dsn;
  std::string slave_datadir;
  std::string slave_basedir;
  std::string slave_mariadbd;
  bool binlog_format_given = false;
  std::string replay_queries;
  BisectOptions bisect;
  std::string results = "results";
  std::string mariabackup;
};

std::atomic<int> g_signals{0};

extern "C" void OnRunSignal(int sig) {
  if (g_signals.fetch_add(1) == 0) {
    scenario::RequestProvisionRunStop();
    return;
  }
  server::KillRegisteredChildren();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The method --backup, --backup-option and --test-unsafe-dump choose; one
// line naming an option the method does not take.
// --stream and --compress as the method's stream (nullopt: none).
std::optional<backup::BackupStream> StreamOf(const RunCliOptions& o) {
  if (!o.compress.empty() && o.stream.empty()) throw CLI::ValidationError("--compress needs --stream mbstream");
  if (o.stream.empty()) return std::nullopt;
  return backup::BackupStream{backup::ParseStreamCompression(o.compress).value_or(backup::StreamCompression::kNone)};
}

std::shared_ptr<const scenario::BackupMethod> MethodOf(const RunCliOptions& o) {
  const std::optional<backup::BackupStream> stream = StreamOf(o);
  try {
    return scenario::MakeBackupMethod(o.backup, {.options = o.backup_options,
                                                 .unsafe_dump = o.test_unsafe_dump,
                                                 .incrementals = o.incrementals,
                                                 .incremental_interval = std::chrono::seconds(o.incremental_interval_s),
                                                 .kill_backup_at = o.kill_backup_at,
                                                 .apply_order = o.test_incremental_order,
                                                 .stream = stream,
                                                 .parallel = o.backup_parallel});
  } catch (const scenario::MethodOptionError& e) {
    throw CLI::ValidationError(e.what());
  }
}

// --backup-from replica: the run's method, taking a replica (a full
// backup: the chain options are the master's backup's); null otherwise.
std::shared_ptr<const scenario::BackupMethod> ReplicaMethodOf(const RunCliOptions& o) {
  if (o.chain && o.backup_from != "replica") throw CLI::ValidationError("--chain needs --backup-from replica");
  if (o.test_no_slave_info && o.backup_from != "replica") {
    throw CLI::ValidationError("--test-no-slave-info needs --backup-from replica");
  }
  if (o.backup_from != "replica") return nullptr;
  if (o.test_no_slave_info && o.chain) {
    throw CLI::ValidationError("--test-no-slave-info: with --chain the second slave starts at the replica's own "
                               "position, which needs no slave info; leave out --chain");
  }
  if (o.chain && o.position != "gtid") {
    throw CLI::ValidationError("--chain needs --position gtid: a sync point's binlog position is the master's, and "
                               "a slave of a slave reaches it only by GTID");
  }
  if (!o.tables.empty() || !o.databases.empty()) {
    throw CLI::ValidationError("--backup-from replica takes the whole replica; leave out --tables and --databases");
  }
  scenario::MethodSettings settings;
  settings.options = o.backup_options;
  settings.stream = StreamOf(o);
  settings.parallel = o.backup_parallel;
  settings.of_replica = true;
  settings.slave_info = !o.test_no_slave_info;
  try {
    return scenario::MakeBackupMethod(o.backup, settings);
  } catch (const scenario::MethodOptionError& e) {
    throw CLI::ValidationError(e.what());
  }
}

// --crash, each as a step (crash_steps.h); one line for a bad one.
std::vector<scenario::CrashStep> CrashStepsOf(const RunCliOptions& o) {
  std::vector<scenario::CrashStep> steps;
  for (const std::string& text : o.crashes) {
    try {
      steps.push_back(scenario::ParseCrashStep(text));
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError(e.what());
    }
    if (!o.master_dsn.empty() && steps.back().role == scenario::CrashRole::kMaster) {
      throw CLI::ValidationError("--crash " + text + ": randsync does not kill or restart your --master; crash steps "
                                 "of the master need a throwaway one");
    }
  }
  return steps;
}

void ValidateCombinations(const RunCliOptions& o) {
  CrashStepsOf(o);
  if (o.test_position_skew != 0 && scenario::ParsePositionMode(o.position) != scenario::PositionMode::kGtid) {
    throw CLI::ValidationError("--test-position-skew needs --position gtid");
  }
  MethodOf(o);  // refuses an option the method does not take
  ReplicaMethodOf(o);
  if (!o.master_dsn.empty() && !o.master_options.empty()) {
    throw CLI::ValidationError("--master-option applies to a throwaway master; configure your --master yourself");
  }
  if ((!o.tables.empty() || !o.databases.empty()) && o.master_dsn.empty() && Upper(o.binlog_format) != "ROW") {
    throw CLI::ValidationError("--tables and --databases need --binlog-format row: a statement that reads a left-out "
                               "table would change a provisioned one on the slave from rows it does not have");
  }
  if (!o.master_dsn.empty() && o.encrypt) {
    throw CLI::ValidationError("--encrypt applies to a throwaway master; configure encryption on your --master yourself");
  }
  if (!o.master_dsn.empty() && o.binlog_format_given) {
    throw CLI::ValidationError("--binlog-format applies to a throwaway master; set binlog_format on your --master");
  }
  if (!o.slave_datadir.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(o.slave_datadir, ec) && !std::filesystem::is_empty(o.slave_datadir, ec)) {
      throw CLI::ValidationError("--slave-datadir " + o.slave_datadir + " is not empty");
    }
  }
}

int RunRun(RunCliOptions o) {
  if (o.workload.grammar.empty()) o.workload.grammar = DefaultGrammarPath();
  // Offline checks before any server starts.
  Workload w = LoadWorkload(o.workload);
  CheckWorkloadRunnable(w, o.threads, o.gendata, o.seed);
  scenario::ProvisionRunOptions p;
  p.program = w.program;
  p.values = w.values;
  p.dict_dirs = w.dict_dirs;
  p.grammar = o.workload.grammar;
  p.redefines = o.workload.redefines;
  p.gendata_spec = o.gendata;
  p.mask = o.workload.mask;
  p.mask_level = o.workload.mask_level;
  // Recorded for replay, passwords redacted (a replay takes them from
  // $RANDSYNC_PASSWORD like any DSN without one).
  static const std::regex password(R"((mysql://[^:/@]*:)[^@]*@)");
  for (const std::string& a : InvocationArgs()) p.command_line.push_back(std::regex_replace(a, password, "$1***@"));
  std::error_code ec;
  p.working_dir = std::filesystem::current_path(ec).string();
  if (!o.gendata.empty()) p.gendata = DataSpecFile{o.gendata};
  p.threads = o.threads;
  p.duration = std::chrono::seconds(o.duration_s);
  p.seed = o.seed;
  p.binlog_format = Upper(o.binlog_format);
  p.sync_points = o.sync_points;
  p.sync_interval = std::chrono::seconds(o.sync_interval_s);
  p.position = *scenario::ParsePositionMode(o.position);  // --position checked it
  p.slave_parallel_threads = o.slave_parallel_threads;
  p.slave_delay_s = o.slave_delay_s;
  p.slave_parallel_mode = o.slave_parallel_mode;
  p.backup = MethodOf(o);
  p.replica_backup = ReplicaMethodOf(o);
  p.chain = o.chain;
  p.encrypt = o.encrypt;
  p.selection = {.tables_regex = o.tables, .databases = o.databases};
  p.test_position_skew = o.test_position_skew;
  p.sync_timeout = std::chrono::seconds(o.sync_timeout_s);
  p.catchup_timeout = std::chrono::seconds(o.catchup_timeout_s);
  p.hang_timeout = std::chrono::seconds(o.hang_timeout_s);
  p.check_threads = o.check_threads;
  p.master_options = o.master_options;
  p.slave_options = o.slave_options;
  p.crashes = CrashStepsOf(o);
  triage::LoadKnownBugs(o.known_bugs);  // a bad file fails before the run starts
  p.known_bugs = o.known_bugs;
  if (!o.basedir.empty()) p.server = server::ServerOptions::FromBasedir(o.basedir);
  if (!o.mariadbd.empty()) p.server.mariadbd = o.mariadbd;
  if (!o.slave_basedir.empty() || !o.slave_mariadbd.empty()) {
    p.slave_server = o.slave_basedir.empty() ? p.server : server::ServerOptions::FromBasedir(o.slave_basedir);
    if (!o.slave_mariadbd.empty()) p.slave_server->mariadbd = o.slave_mariadbd;
  }
  if (!o.master_dsn.empty()) p.master_dsn = db::ParseDsn(o.master_dsn);
  p.slave_dir = o.slave_datadir;
  p.replay_dir = o.replay_queries;
  p.results_root = o.results;
  p.backup_binary = o.mariabackup;
  std::signal(SIGINT, OnRunSignal);
  std::signal(SIGTERM, OnRunSignal);
  return BisectExit(o.bisect, static_cast<int>(scenario::RunProvisionScenario(p).status));
}

}  // namespace

Runner RegisterRun(CLI::App& app) {
  auto o = std::make_shared<RunCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "The main job: load a throwaway master, back it up under load, provision a slave from the backup at its "
      "GTID, check both at sync points during the load and after the final catch-up. Results in "
      "results/<run-id>/");
  AddWorkloadOptions(*cmd, o->workload, false);
  cmd->get_option("--grammar")->description("Grammar file (.yy); default: grammars/default.yy");
  cmd->add_option("--gendata", o->gendata, "A .zz data spec (default: RQG's default data)")->check(CLI::ExistingFile);
  cmd->add_option("-T,--threads", o->threads, "Load threads")->check(CLI::Range(1u, 4096u))->capture_default_str();
  cmd->add_option("-d,--duration", o->duration_s, "Seconds of load")->check(CLI::Range(1u, 86400u))->capture_default_str();
  cmd->add_option("-s,--seed", o->seed, "Seed of the data and the load")->capture_default_str();
  cmd->add_option("--backup", o->backup,
                  "Backup method: mariabackup (physical, binlog info file), mariadb-dump (logical, "
                  "--single-transaction, position in the dump's header) or mydumper (logical, "
                  "--trx-consistency-only, position in its metadata file); the logical methods take a global read "
                  "lock instead when non-InnoDB tables need one (see --backup-option)")
      ->check(CLI::IsMember(scenario::BackupMethodNames()))
      ->capture_default_str();
  cmd->add_option("--backup-option", o->backup_options,
                  "Extra option for mariadb-backup --backup (repeatable), e.g. --no-lock; for the logical "
                  "methods how the dump locks: --single-transaction or --lock-all-tables (mariadb-dump), "
                  "--trx-consistency-only (mydumper); unset, a dump with non-InnoDB tables takes the global read "
                  "lock that makes them consistent");
  cmd->add_option("--incrementals", o->incrementals,
                  "mariabackup: an incremental chain, this many incrementals after the full backup, all while the "
                  "load runs; prepared in order, the slave starts from the last")
      ->check(CLI::Range(0u, 100u))
      ->capture_default_str();
  cmd->add_option("--incremental-interval", o->incremental_interval_s,
                  "Seconds between the backups of the incremental chain")
      ->check(CLI::Range(0u, 3600u))
      ->capture_default_str();
  cmd->add_option("--kill-backup-at", o->kill_backup_at,
                  "SIGKILL incremental N (1 to --incrementals) mid-copy, throw it away and take it again, as "
                  "Percona-QA's backup tests do")
      ->check(CLI::Range(1u, 100u));
  cmd->add_option("--stream", o->stream,
                  "mariabackup: the backup as an mbstream through a pipe (--stream=mbstream), stored as one file "
                  "and extracted with mbstream -x, as when streamed to another host")
      ->check(CLI::IsMember({"mbstream"}));
  cmd->add_option("--compress", o->compress, "Compress the stream on the way (zstd or lz4, Debian's tools)")
      ->check(CLI::IsMember({"zstd", "lz4"}));
  cmd->add_option("--backup-parallel", o->backup_parallel,
                  "Copy threads: mariabackup's --parallel, mydumper's --threads (mariadb-dump has one)")
      ->check(CLI::Range(1u, 64u));
  cmd->add_option("--backup-from", o->backup_from,
                  "replica: once the slave replicates, back it up too while the load runs (mariabackup "
                  "--slave-info --safe-slave-backup, mariadb-dump --dump-slave, mydumper's SHOW SLAVE STATUS) and "
                  "provision a second slave from that backup; every check compares both")
      ->check(CLI::IsMember({"master", "replica"}))
      ->capture_default_str();
  cmd->add_flag("--chain", o->chain,
                "With --backup-from replica: the second slave replicates from the first (at the backup's own "
                "position), not from the master (at the position its slave info recorded)");
  cmd->add_option("--tables", o->tables,
                  "A partial backup: the tables whose db.table this regex finds (as mariabackup's --tables); the "
                  "slave replicates only them, the checks compare only them");
  cmd->add_option("--databases", o->databases, "A partial backup of these databases (comma-separated)")
      ->delimiter(',');
  cmd->add_flag("--encrypt", o->encrypt,
                "InnoDB data-at-rest encryption on master and slave (file_key_management, a key file in the "
                "results folder): the backup copies encrypted tablespaces");
  cmd->add_option("--position", o->position,
                  "Where the slave starts: gtid (MASTER_USE_GTID=slave_pos at the backup's GTID) or file (the "
                  "backup's binlog file and position; sync points then use positions too)")
      ->check(CLI::IsMember({"gtid", "file"}))
      ->capture_default_str();
  cmd->add_option("--slave-parallel-threads", o->slave_parallel_threads,
                  "The slave's slave_parallel_threads (0: the server's default, serial)")
      ->check(CLI::Range(0u, 16383u))
      ->capture_default_str();
  cmd->add_option("--slave-delay", o->slave_delay_s,
                  "A delayed replica: CHANGE MASTER TO MASTER_DELAY = this many seconds (sync points and the "
                  "catch-up then need timeouts longer than it)")
      ->check(CLI::Range(0u, 86400u));
  cmd->add_option("--slave-parallel-mode", o->slave_parallel_mode, "The slave's slave_parallel_mode")
      ->check(CLI::IsMember({"none", "minimal", "conservative", "optimistic", "aggressive"}));
  auto* format = cmd->add_option("--binlog-format", o->binlog_format, "The throwaway master's binlog_format")
                     ->check(CLI::IsMember({"row", "mixed", "statement"}))
                     ->capture_default_str();
  auto* points = cmd->add_option("--sync-points", o->sync_points,
                                 "Checks during the load, evenly spread after the slave started")
                     ->capture_default_str();
  cmd->add_option("--sync-interval", o->sync_interval_s,
                  "Seconds between checks during the load, instead of --sync-points")
      ->check(CLI::Range(1u, 86400u))
      ->excludes(points);
  cmd->add_option("--sync-timeout", o->sync_timeout_s, "Seconds the slave may take to reach a sync point")
      ->capture_default_str();
  cmd->add_option("--catchup-timeout", o->catchup_timeout_s, "Seconds the slave may take to catch up at the end")
      ->capture_default_str();
  cmd->add_option("--hang-timeout", o->hang_timeout_s,
                  "Seconds a server may answer nothing (its process alive) before the run ends with 107")
      ->check(CLI::Range(3u, 86400u))
      ->capture_default_str();
  cmd->add_option("--check-threads", o->check_threads, "Checker connections per server")->capture_default_str();
  cmd->add_option("--master-option", o->master_options, "Extra mariadbd option for the master (repeatable)");
  cmd->add_option("--slave-option", o->slave_options, "Extra mariadbd option for the slave (repeatable)");
  cmd->add_option("--crash", o->crashes,
                  "ROLE@SECONDS[:SIGNAL]: kill the master or the slave that many seconds into the run (SIGNAL KILL, "
                  "the default, TERM or ABRT) and restart it on its datadir; the next sync point checks it row by "
                  "row. The role runs with sync_binlog=1 and innodb_flush_log_at_trx_commit=1 unless its options "
                  "set them (repeatable)");
  cmd->add_option("--known-bugs", o->known_bugs, "A file of known failure patterns (ID FIELD=VALUE|FIELD~REGEX ... -- NOTE); a failure that matches one is labelled with its id (repeatable; randsync ships known-bugs.txt)")->check(CLI::ExistingFile);
  cmd->add_option("--basedir", o->basedir, "Server installation or build tree")->check(CLI::ExistingDirectory);
  cmd->add_option("--mariadbd", o->mariadbd, "The mariadbd binary");
  cmd->add_option("--master", o->master_dsn,
                  "Your running master (mysql://user:pass@host:port/db) instead of a throwaway one: binary log on; "
                  "data and load go to db (default test), its tables of the same names are replaced; the slave "
                  "replicates as this user (REPLICATION SLAVE); mariabackup needs the master on this machine");
  cmd->add_option("--slave-datadir", o->slave_datadir,
                  "Put the slave's datadir (and the backup it starts on) here instead of results/<run-id>/slave; "
                  "must be empty or new");
  cmd->add_option("--slave-basedir", o->slave_basedir,
                  "Start the slave from this server build (installation or build tree); default: the master's")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--slave-mariadbd", o->slave_mariadbd, "The slave's mariadbd binary; default: the master's");
  cmd->add_option("--mariabackup", o->mariabackup,
                  "The backup binary: mariadb-backup, mariadb-dump or mydumper, after --backup (default: the "
                  "system's)");

  cmd->add_option("--results", o->results, "Where results/<run-id>/ goes")->capture_default_str();
  cmd->add_option("--replay-queries", o->replay_queries,
                  "Send the statements of a recorded run's query logs (DIR/thread-N.sql) instead of generating, "
                  "until the logs end (at most 4x --duration + 60 s); `randsync replay --from-query-logs` sets it")
      ->check(CLI::ExistingDirectory);
  AddBisectOptions(*cmd, o->bisect);
  // Negative controls for randsync's own tests; hidden from --help.
  cmd->add_option("--test-incremental-order", o->test_incremental_order,
                  "Negative control: apply the incrementals in this order (e.g. 2,1, or 1,3 leaving one out) "
                  "instead of 1 to --incrementals; the prepare must refuse it (status 108)")
      ->delimiter(',');
  cmd->add_flag("--test-no-slave-info", o->test_no_slave_info,
                "Negative control: the replica's backup without --slave-info; the second slave has no position "
                "in the master's binlog to start from (a position error, status 113)");
  cmd->add_flag("--test-unsafe-dump", o->test_unsafe_dump,
                "mariadb-dump without --single-transaction, position read before it starts")
      ->group("");
  cmd->add_option("--test-position-skew", o->test_position_skew,
                  "Start the slave this many transactions off the backup's GTID")
      ->group("");
  // Combinations CLI11 cannot express; checked at parse time so that they
  // are usage errors like the others.
  cmd->parse_complete_callback([o, format] {
    o->binlog_format_given = format->count() > 0;
    ValidateCombinations(*o);
  });
  return [o]() -> int { return RunRun(*o); };
}

}  // namespace randsync::cli
