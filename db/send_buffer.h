// Making the server send a session's results in big writes.
//
// A server session writes its results through one network buffer of
// net_buffer_length bytes (16 KB by default) and issues a send() each time
// it fills. Over loopback each send also runs the receiver's TCP path and
// wakes the reading client, so a full scan read 16 KB at a time spends about
// a quarter of the server's CPU in the kernel. The session value of
// net_buffer_length is read-only; but the server grows that same buffer to
// hold the largest packet it has received, and never shrinks it. So one big
// packet from the client, sent as COM_STMT_SEND_LONG_DATA (which does nothing
// else and appears in the general log as an empty "Long Data" line), makes
// every later result of the session go out in writes of that size: measured
// on 2M rows read over the binary protocol, the server's CPU fell from
// 1.2-1.3 s to 0.9 s.
//
// Purely an optimisation: if a server version stops keeping the grown
// buffer, results are sent as before.
#pragma once

#include <cstddef>

namespace randsync::db {

class Connection;

// Grows the server's network buffer of this session to about `bytes`
// (at most 1 MB and half of the session's max_allowed_packet, since a packet over
// that limit would end the session; nothing is done below 64 KB). Returns
// the size requested of the server, 0 if nothing was done. Throws DbError.
size_t WidenServerSendBuffer(Connection& conn, size_t bytes = size_t{1} << 20);

}  // namespace randsync::db
