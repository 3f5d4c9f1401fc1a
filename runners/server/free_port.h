// Free TCP ports on 127.0.0.1, for servers that must not collide with each
// other nor with anything else on a shared CI machine.
#pragma once

#include <cstdint>

namespace randsync::server {

// Binds 127.0.0.1:0 and returns the port the kernel chose. The port is
// released again before the server binds it, so someone else may take it in
// between; ThrowawayServer retries with another port when that happens.
// Throws ServerError(kPort).
uint16_t PickFreePort();

}  // namespace randsync::server
