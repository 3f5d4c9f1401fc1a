#!/usr/bin/env bash
# Installs everything randsync needs to build, test and benchmark, from Debian
# packages only. Idempotent: packages already present are skipped quickly, so
# the README commands and .ci/run can all call it unconditionally.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake pkg-config
  # libraries (design card)
  libmariadb-dev libboost-random-dev libtbb-dev libxxhash-dev libcli11-dev
  libperl-dev libfmt-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev
  # servers and tools the tests and scenarios start
  mariadb-server mariadb-client mariadb-backup
  # the compressors of a streamed backup (run --stream mbstream --compress)
  zstd lz4
  # MariaDB's own test runner: randsync reduce's mtr test is run under it
  mariadb-test
  # backtraces of a crashed server's core (runners/server/backtrace.h)
  gdb
  # benchmark helpers (bench/*.sh)
  bc time
  # benchmark anchors (bench/load_vs_sysbench.cpp; design card)
  sysbench percona-toolkit mydumper
  # word list: fallback for the _english dictionary (engine/values)
  wamerican
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages (${missing[*]}); run as root or install them" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The server package must not start a system-wide mariadbd: randsync starts its
# own throwaway servers, and a running service would only hold ports and memory.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
