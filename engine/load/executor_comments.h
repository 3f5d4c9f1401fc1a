// The in-query conventions RQG's executor resolves just before it sends a
// statement (GenTest/Executor/MySQL.pm execute, Executor.pm preprocess):
//
//   /*executorN text */     text is sent by executor N only; the others drop
//                           the whole comment. The load engine is executor 1.
//   /*+mysql:postgres: text */
//                           text is sent when one of the ':'-terminated DB
//                           type names is ours ("mysql" or "mariadb", any
//                           case); otherwise the comment is dropped. Only
//                           RQG's type names (unknown, dummy, mysql, postgres,
//                           javadb, drizzle) and mariadb count, so optimizer
//                           hints (/*+ BKA(t1) */) pass untouched.
//   /*!!NNNNNN text */      a "reverse executable comment" (MDEV-7381): text
//                           is sent only when the server is older than
//                           NNNNNN (major*10000 + minor*100 + patch); on that
//                           version or newer the comment is removed.
//
// Differences from RQG, on purpose: text inside quoted strings and
// identifiers ('...', "...", `...`) and inside other comments is never
// touched (RQG's regexes rewrite it too); versions compare as numbers (RQG
// compares strings, so /*!!50100 would count as newer than 10.x).
//
// A string that a kept comment opens (RQG's GIS grammars write
// `/*executor1 POINTFROMTEXT(' */ /*executor2 ST_POINTFROMTEXT(' */ wkt ')`)
// is the grammar's own construction: conventions inside it are still
// resolved, up to its closing quote.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace randsync::load {

struct ExecutorCommentContext {
  unsigned executor = 1;        // N of /*executorN */ that this executor keeps
  uint32_t server_version = 0;  // e.g. 101106 for 10.11.6; 0 = unknown (oldest)
};

// "10.11.6-MariaDB-0+deb12u1" -> 101106, as RQG's versionNumeric reads the
// first X.Y.Z. The "5.5.5-" prefix old servers send for replication
// compatibility is skipped. 0 when there is no X.Y.Z.
uint32_t ServerVersionNumber(std::string_view version);

// The statement to send for `sql`. When `sql` has no convention (the common
// case: checked with a scan for "/*", no allocation) it returns `sql` itself;
// otherwise it builds the rewritten text in `scratch` (reused by the caller
// across statements, so it stops allocating once grown) and returns a view of
// it, valid until `scratch` changes. Unterminated comments and strings are
// left as they are: the server reports them.
std::string_view RewriteExecutorComments(std::string_view sql, const ExecutorCommentContext& ctx,
                                         std::string& scratch);

}  // namespace randsync::load
