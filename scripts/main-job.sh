#!/usr/bin/env bash
# The README's main-job command: install dependencies, build, and run the
# main job on its embedded default. Until the provisioning scenario
# (`randsync run`) lands, that is a 20-second load of the shipped default
# grammar on a throwaway server that randsync starts, fills and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/randsync load --duration 20 "$@"
