#!/usr/bin/env bash
# The README's main-job command: install dependencies, build, and run the
# main job on its embedded default. Until the provisioning scenario lands this
# generates statements from the shipped default grammar.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/randsync gen --grammar grammars/default.yy --queries 20 "$@"
