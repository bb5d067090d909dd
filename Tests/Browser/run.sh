#!/usr/bin/env bash
# The web client's browser tests: headless Chromium (Debian's chromium and chromium-driver) driven
# by selenium against a real bank-server built in debug (.build/debug). Screenshots of each main
# page land in Tests/Browser/artifacts/. Extra arguments go to pytest (e.g. -k transfer).
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$tool" ] || { echo "$tool is missing: run 'make deps' (apt packages chromium chromium-driver)"; exit 1; }
done
if ! python3 -c "import selenium, pytest" 2>/dev/null; then
    python3 -m pip install --quiet selenium pytest 2>/dev/null || python3 -m pip install --quiet --break-system-packages selenium pytest
fi
rm -rf Tests/Browser/artifacts
exec python3 -m pytest -q -p no:cacheprovider Tests/Browser "$@"
