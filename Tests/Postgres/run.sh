#!/usr/bin/env bash
# The PostgreSQL half of the test command (issue #9). Starts a private PostgreSQL cluster from Debian's
# packages (installed if missing) on a loopback port under a temporary directory, runs the whole Swift
# test suite against it (each test bank in a fresh schema: BANKKIT_TEST_DATABASE_URL), and stops it.
#
#   Tests/Postgres/run.sh      # uses the test build of `swift build --build-tests`
#
# The suite runs 12 tests at a time here: each test bank holds up to two connections, and the
# cluster allows 300 (Tests/Postgres/cluster.sh). Then the short crash test drives two bank-server
# instances on one cluster of its own (Tests/Reliability/run.sh --short --postgres crash).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing postgresql (apt)"
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi

dir=$(mktemp -d /tmp/bankkit-pg.XXXXXX)
trap 'Tests/Postgres/cluster.sh stop "$dir" >/dev/null 2>&1 || rm -rf "$dir"' EXIT
url=$(Tests/Postgres/cluster.sh start "$dir")
echo "== Swift tests on PostgreSQL ($url)"
BANKKIT_TEST_DATABASE_URL="$url" swift test --skip-build --experimental-maximum-parallelization-width 12

echo
echo "== crash test on PostgreSQL, two instances"
Tests/Reliability/run.sh --short --postgres crash
