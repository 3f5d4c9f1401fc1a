#!/usr/bin/env bash
# The README's test command: install dependencies, build, run every test.
# Ends with ctest's summary line, which CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)" --timeout 900
