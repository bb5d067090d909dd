#!/usr/bin/env bash
# Micro benchmarks of the hot paths with ordo-one/benchmark, in release, in their own build folder:
#   Benchmarks/micro.sh            # all benchmarks
#   Benchmarks/micro.sh --filter Statement
# The first run compiles the dependencies in release (12–20 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BANKKIT_BENCHMARKS=1 swift package --scratch-path .build-bench --disable-sandbox benchmark --target MicroBenchmarks "$@"
