#!/usr/bin/env bash
# Reliability evidence (issue #8): crash safety, API fuzzing, soak. See Tests/Reliability/README.md.
#
#   Tests/Reliability/run.sh            # = --short
#   Tests/Reliability/run.sh --short    # ~4 min on a debug build: part of `make test`
#   Tests/Reliability/run.sh --long     # crash --long, fuzz --long, the 10-minute soak (~1 h; use a release build for the soak's rate)
#   Tests/Reliability/run.sh --short crash fuzz   # only some of crash, fuzz, soak
#   Tests/Reliability/run.sh --short --postgres crash   # crash on PostgreSQL, 2 bank-server instances
#
# Uses the binaries in .build/debug (or BANKKIT_BIN), built by `swift build --build-tests`.
# Installs schemathesis 4.x with pip, quietly, only when this python3 cannot import it.
# --postgres (or BANKKIT_RELIABILITY_POSTGRES=1): the crash test runs on a private PostgreSQL cluster
# started here with Tests/Postgres/cluster.sh (stopped at exit), with 2 instances; fuzz and soak stay on SQLite.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

form=--short
parts=()
postgres=${BANKKIT_RELIABILITY_POSTGRES:-}
[ "$postgres" != 0 ] || postgres=
for arg in "$@"; do
  case "$arg" in
    --short|--long) form=$arg ;;
    --postgres) postgres=1 ;;
    crash|fuzz|soak) parts+=("$arg") ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done
[ ${#parts[@]} -gt 0 ] || parts=(crash fuzz soak)

python=${PYTHON:-python3}
export PYTHONDONTWRITEBYTECODE=1

if [[ " ${parts[*]} " == *" fuzz "* ]] && ! "$python" -c 'import schemathesis, sys; sys.exit(0 if schemathesis.__version__.startswith("4.") else 1)' 2>/dev/null; then
  echo "== installing schemathesis 4.x (pip)"
  # Debian's python3 is "externally managed" (PEP 668): install for this user, and say we mean it.
  "$python" -m pip install --quiet --user 'schemathesis>=4,<5' 2>/dev/null \
    || "$python" -m pip install --quiet --user --break-system-packages 'schemathesis>=4,<5' \
    || "$python" -m pip install --quiet 'schemathesis>=4,<5'
fi

if [ -n "$postgres" ] && [[ " ${parts[*]} " == *" crash "* ]]; then
  # A private, throwaway cluster for the crash test, always stopped at exit.
  pg_dir=$(mktemp -d /tmp/bankkit-rel-pg.XXXXXX)
  trap '"$here/../Postgres/cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || echo "could not stop the PostgreSQL cluster in $pg_dir" >&2' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "== starting a private PostgreSQL cluster in $pg_dir"
  pg_url=$("$here/../Postgres/cluster.sh" start "$pg_dir" 2>"$pg_dir.log") || { cat "$pg_dir.log" >&2; rm -f "$pg_dir.log"; exit 1; }
  rm -f "$pg_dir.log"
  echo "   $pg_url"
fi

status=0
for part in "${parts[@]}"; do
  case "$part:$form" in
    crash:--short) args=() ;;
    crash:--long) args=(--long) ;;
    fuzz:--short) args=() ;;
    fuzz:--long) args=(--long) ;;
    soak:--short) args=(--short) ;;
    soak:--long) args=() ;;
  esac
  if [ "$part" = crash ] && [ -n "${pg_url:-}" ]; then args+=(--postgres "$pg_url" --instances 2); fi
  echo
  echo "==== reliability: $part ${args[*]:-(short form)}"
  if ! "$python" "$here/$part.py" "${args[@]}"; then
    echo "==== reliability: $part FAILED"
    status=1
  fi
done
echo
if [ -n "${pg_url:-}" ]; then form="$form, crash on PostgreSQL"; fi
if [ "$status" = 0 ]; then echo "==== reliability ($form): ${parts[*]}: all passed"; else echo "==== reliability ($form): FAILED"; fi
exit "$status"
