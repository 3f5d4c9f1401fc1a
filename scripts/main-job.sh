#!/usr/bin/env bash
# The README's main-job command: install dependencies, build, and run the
# main job on its embedded default (`randsync run`: throwaway master and
# slave, load, mariadb-backup under load, provisioning, sync-point checks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/randsync run "$@"
