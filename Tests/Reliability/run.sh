#!/usr/bin/env bash
# Reliability evidence (issue #8): crash safety, API fuzzing, soak. See Tests/Reliability/README.md.
#
#   Tests/Reliability/run.sh            # = --short
#   Tests/Reliability/run.sh --short    # ~4 min on a debug build: part of `make test`
#   Tests/Reliability/run.sh --long     # crash --long, fuzz --long, the 10-minute soak (~1 h; use a release build for the soak's rate)
#   Tests/Reliability/run.sh --short crash fuzz   # only some of crash, fuzz, soak
#
# Uses the binaries in .build/debug (or BANKKIT_BIN), built by `swift build --build-tests`.
# Installs schemathesis 4.x with pip, quietly, only when this python3 cannot import it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

form=--short
parts=()
for arg in "$@"; do
  case "$arg" in
    --short|--long) form=$arg ;;
    crash|fuzz|soak) parts+=("$arg") ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
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
  echo
  echo "==== reliability: $part ${args[*]:-(short form)}"
  if ! "$python" "$here/$part.py" "${args[@]}"; then
    echo "==== reliability: $part FAILED"
    status=1
  fi
done
echo
if [ "$status" = 0 ]; then echo "==== reliability ($form): ${parts[*]}: all passed"; else echo "==== reliability ($form): FAILED"; fi
exit "$status"
