# BankKit: two commands for a newcomer.
#   make run   installs what is missing, builds, seeds the demo bank once, and serves it on http://127.0.0.1:8080 (data in ./data)
#   make test  installs what is missing, builds, runs every test (Swift on SQLite and on PostgreSQL, browser, reliability), and a smoke run of the load benchmark
.PHONY: run test build deps

APT_PACKAGES := libsqlite3-dev libsodium-dev pkg-config wrk curl python3 chromium chromium-driver postgresql
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

run: build
	.build/debug/bankctl seed --demo
	.build/debug/bank-server

# The load benchmark's smoke run goes before the tests, so that the test runner's summary closes the output.
test: deps
	swift build --build-tests
	Benchmarks/load/run.sh --smoke
	Tests/Reliability/run.sh --short
	Tests/Browser/run.sh
	Tests/Postgres/run.sh
	swift test --skip-build

build: deps
	swift build --product bank-server
	swift build --product bankctl

# Installs the system libraries from Debian's packages, only when one is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@command -v swift >/dev/null || { echo "Swift 6.2 or newer is required (swift not on PATH)"; exit 1; }
