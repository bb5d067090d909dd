#!/usr/bin/env bash
# Tests/Postgres/cluster.sh - a private, throwaway PostgreSQL cluster for tests.
#
# Usage:
#   Tests/Postgres/cluster.sh start [DIR]       create and start a cluster under DIR
#                                               (default: a new `mktemp -d` directory);
#                                               prints exactly one line on stdout, the URL
#                                               postgres://bankkit@127.0.0.1:PORT/bankkit
#                                               (also written to DIR/url)
#   Tests/Postgres/cluster.sh stop DIR          stop it (pg_ctl stop -m fast) and remove DIR
#   Tests/Postgres/cluster.sh psql DIR [ARGS]   run psql against it (as bankkit on database
#                                               bankkit unless ARGS say otherwise, e.g. -U postgres)
#   Tests/Postgres/cluster.sh --help
#
# Typical use:
#   dir=$(mktemp -d)
#   url=$(Tests/Postgres/cluster.sh start "$dir")
#   trap 'Tests/Postgres/cluster.sh stop "$dir"' EXIT
#   DATABASE_URL=$url swift test ...
#
# The cluster uses Debian's PostgreSQL packages (`make deps` installs `postgresql`); the
# newest /usr/lib/postgresql/*/bin is used unless PG_BIN names another bin directory.
#
# Layout of DIR:
#   DIR/data        the cluster (initdb: UTF8, C locale, trust auth on loopback only)
#   DIR/socket      unix socket directory (mode 0700)
#   DIR/server.log  server log
#   DIR/url         the URL printed by `start`
#   DIR/port        the TCP port
#
# The server listens only on 127.0.0.1, on the first free port from 55432 upward
# (PG_PORT_BASE overrides the start). It is tuned for tests on a small (2-core) machine:
# max_connections=300 (the test suite opens many small banks at once; PG_MAX_CONNECTIONS
# overrides), shared_buffers=128MB; fsync, synchronous_commit and
# full_page_writes stay on, since durability is part of what is tested. The superuser
# is `postgres`; database `bankkit` is owned by the (non-superuser) login role `bankkit`.
#
# PostgreSQL refuses to run as root. When this script runs as root (e.g. CI in a
# container), initdb/pg_ctl run as the unprivileged user PG_OS_USER (default
# `bankkit-pg`, created with useradd if missing; falls back to `nobody` if that fails)
# and DIR is chowned to it, so every parent of DIR must be traversable by that user
# (anything under /tmp is). As a normal user everything runs as that user; no sudo.
#
# Environment: PG_BIN, PG_PORT_BASE (55432), PG_START_TIMEOUT (30 s), PG_OS_USER, PG_MAX_CONNECTIONS (300).
# Progress and diagnostics go to stderr.

set -euo pipefail

prog=${0##*/}
MARKER=.bankkit-pg-cluster

die() { echo "$prog: error: $*" >&2; exit 1; }
note() { echo "$prog: $*" >&2; }

usage() {
    sed -n '2,/^set -euo pipefail/{/^#/{s/^# \{0,1\}//;p}}' "$0"
}

# --- PostgreSQL binaries -------------------------------------------------------------

find_pg_bin() {
    if [[ -n ${PG_BIN:-} ]]; then
        [[ -x $PG_BIN/initdb ]] || die "PG_BIN=$PG_BIN has no initdb"
        echo "$PG_BIN"
        return
    fi
    local newest
    newest=$(
        for d in /usr/lib/postgresql/*/bin; do
            [[ -x $d/initdb && -x $d/pg_ctl ]] && echo "$d"
        done | sort -t/ -k5,5V | tail -n 1
    )
    [[ -n $newest ]] || die "no PostgreSQL server found under /usr/lib/postgresql/*/bin (run 'make deps' or apt-get install postgresql)"
    echo "$newest"
}

# --- running things as the cluster's owner -------------------------------------------

RUN_AS=""   # empty: run directly as the current user

ensure_run_user() {
    [[ $(id -u) == 0 ]] || return 0
    local u=${PG_OS_USER:-bankkit-pg}
    if ! id -u "$u" >/dev/null 2>&1; then
        if command -v useradd >/dev/null 2>&1 &&
            useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin --comment "BankKit test PostgreSQL" "$u" >/dev/null 2>&1; then
            note "created system user $u to run PostgreSQL"
        elif ! id -u "$u" >/dev/null 2>&1; then   # a concurrent run may have created it
            note "could not create user $u; using nobody"
            u=nobody
        fi
    fi
    [[ $(id -u "$u") != 0 ]] || die "PG_OS_USER=$u is root; PostgreSQL will not run as root"
    command -v runuser >/dev/null 2>&1 || die "running as root but runuser(1) is missing (util-linux)"
    RUN_AS=$u
}

# as_owner DIR CMD...: run CMD as the cluster owner with cwd and HOME set to DIR.
# Descriptors above 2 (the start lock, a caller's pipes) are closed first, so the
# server, which outlives this script, never holds them open.
as_owner() {
    local dir=$1
    shift
    (
        local fd
        for fd in "/proc/$BASHPID/fd"/*; do
            fd=${fd##*/}
            if (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        cd "$dir"
        if [[ -n $RUN_AS ]]; then
            exec runuser -u "$RUN_AS" -- env HOME="$dir" "$@"
        else
            exec "$@"
        fi
    )
}

# --- ports -----------------------------------------------------------------------------

# Is anything (any address, IPv4 or IPv6) listening on TCP port $1?
port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
        return
    fi
    local hex
    hex=$(printf '%04X' "$port")
    # /proc/net/tcp{,6}: local_address is ADDR:PORT (hex), state 0A is LISTEN.
    awk -v p="$hex" 'FNR > 1 { split($2, a, ":"); if (a[2] == p && $4 == "0A") found = 1 }
                     END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

free_port() {
    local port=$1 last=$(( $1 + 500 ))
    while (( port <= last && port <= 65535 )); do
        if ! port_in_use "$port"; then
            echo "$port"
            return 0
        fi
        port=$(( port + 1 ))
    done
    return 1
}

# Serialises port choice + start across concurrent `start`s on this host, so two
# clusters never settle on the same port. Best effort: proceeds unlocked if it can't.
take_start_lock() {
    command -v flock >/dev/null 2>&1 || return 0
    local lock=/tmp/bankkit-pg-cluster.lock
    { exec 9>>"$lock"; } 2>/dev/null || { exec 9<"$lock"; } 2>/dev/null || return 0
    chmod 0666 "$lock" 2>/dev/null || true
    flock -w 120 9 || note "warning: could not take $lock; continuing without it"
}

# --- start -----------------------------------------------------------------------------

cleanup_dir=""      # DIR, while a failed start must stop the server it launched
cleanup_pgbin=""

on_start_exit() {
    local rc=$?
    if [[ $rc != 0 && -n $cleanup_dir ]]; then
        if [[ -f $cleanup_dir/data/postmaster.pid ]]; then
            note "stopping the half-started server"
            as_owner "$cleanup_dir" "$cleanup_pgbin/pg_ctl" stop -D "$cleanup_dir/data" -m immediate -w -t 30 >&2 2>&1 || true
        fi
        note "start failed; cluster left for inspection in $cleanup_dir (remove with: $0 stop $cleanup_dir)"
    fi
    exit "$rc"
}

log_tail() {
    local log=$1
    [[ -f $log ]] || return 0
    echo "----- last lines of $log -----" >&2
    tail -n 40 "$log" >&2 || true
    echo "-----" >&2
}

# Write this cluster's settings; included from postgresql.conf.
write_conf() {
    local dir=$1 port=$2
    cat >"$dir/data/bankkit.conf" <<EOF
# Written by Tests/Postgres/cluster.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
unix_socket_permissions = 0700
max_connections = ${PG_MAX_CONNECTIONS:-300}
shared_buffers = 128MB
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
EOF
    [[ -z $RUN_AS ]] || chown "$RUN_AS:" "$dir/data/bankkit.conf"
}

cmd_start() {
    (( $# <= 1 )) || die "usage: $prog start [DIR]"
    local pgbin dir
    pgbin=$(find_pg_bin)
    ensure_run_user

    local made=""
    if [[ $# == 1 ]]; then
        dir=$1
        if [[ -e $dir ]]; then
            [[ -d $dir ]] || die "$dir exists and is not a directory"
            [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
        else
            mkdir -p "$dir"
            made=1
        fi
    else
        dir=$(mktemp -d "${TMPDIR:-/tmp}/bankkit-pg.XXXXXX")
        made=1
    fi
    dir=$(cd "$dir" && pwd -P)
    chmod 0700 "$dir"
    # The server's socket path must fit in sun_path (107 bytes).
    local sock="$dir/socket/.s.PGSQL.65535"
    if (( ${#sock} > 103 )); then
        [[ -z $made ]] || rmdir "$dir"
        die "DIR path too long for a unix socket ($sock); use a shorter DIR"
    fi
    if [[ -n $RUN_AS ]]; then
        chown "$RUN_AS:" "$dir"
        if ! as_owner "$dir" test -w "$dir" -a -x "$dir" 2>/dev/null; then
            [[ -z $made ]] || rmdir "$dir"
            die "user $RUN_AS cannot use $dir (is every parent directory traversable by it?)"
        fi
    fi
    touch "$dir/$MARKER"
    [[ -z $RUN_AS ]] || chown "$RUN_AS:" "$dir/$MARKER"
    cleanup_dir=$dir
    cleanup_pgbin=$pgbin
    trap on_start_exit EXIT

    note "initdb ($pgbin) in $dir${RUN_AS:+ as user $RUN_AS}"
    if ! as_owner "$dir" "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C --no-instructions >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        die "initdb failed"
    fi
    [[ -z $RUN_AS ]] || chown "$RUN_AS:" "$dir/initdb.log"
    as_owner "$dir" mkdir -m 0700 "$dir/socket"
    # Trust, but only on the private socket and loopback; anything else is rejected.
    cat >"$dir/data/pg_hba.conf" <<'EOF'
# Written by Tests/Postgres/cluster.sh: trust on loopback only.
# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
host    all             all             ::1/128                 trust
local   replication     all                                     trust
host    replication     all             127.0.0.1/32            trust
EOF
    echo "include_if_exists = 'bankkit.conf'" >>"$dir/data/postgresql.conf"
    [[ -z $RUN_AS ]] || chown "$RUN_AS:" "$dir/data/pg_hba.conf" "$dir/data/postgresql.conf"

    local timeout=${PG_START_TIMEOUT:-30}
    local base=${PG_PORT_BASE:-55432}
    local log=$dir/server.log port="" _
    take_start_lock
    for _ in 1 2 3 4 5; do
        port=$(free_port "$base") || die "no free TCP port in $base..$(( base + 500 ))"
        write_conf "$dir" "$port"
        local offset=0
        [[ -f $log ]] && offset=$(stat -c %s "$log")
        note "starting server on 127.0.0.1:$port (log: $log)"
        if as_owner "$dir" "$pgbin/pg_ctl" start -D "$dir/data" -l "$log" -w -t "$timeout" >&2; then
            break
        fi
        if tail -c +"$(( offset + 1 ))" "$log" 2>/dev/null | grep -q 'Address already in use' &&
            [[ ! -f $dir/data/postmaster.pid ]]; then
            note "port $port was taken meanwhile; trying the next one"
            base=$(( port + 1 ))
            port=""
            continue
        fi
        log_tail "$log"
        die "server failed to start (pg_ctl -w, timeout ${timeout}s)"
    done
    [[ -n $port ]] || { log_tail "$log"; die "could not find a port the server could bind"; }

    # pg_ctl -w waited on postmaster.pid; also wait until it accepts TCP connections.
    local deadline=$(( SECONDS + timeout ))
    until "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2; do
        if (( SECONDS >= deadline )); then
            log_tail "$log"
            die "server on 127.0.0.1:$port not accepting connections after ${timeout}s"
        fi
        sleep 0.2
    done
    flock -u 9 2>/dev/null || true

    note "creating role and database bankkit"
    if ! PGCONNECT_TIMEOUT=10 "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE bankkit LOGIN" \
        -c "CREATE DATABASE bankkit OWNER bankkit ENCODING 'UTF8' TEMPLATE template0" >&2; then
        log_tail "$log"
        die "could not create role/database bankkit"
    fi

    local url="postgres://bankkit@127.0.0.1:$port/bankkit"
    echo "$url" >"$dir/url"
    echo "$port" >"$dir/port"
    [[ -z $RUN_AS ]] || chown "$RUN_AS:" "$dir/url" "$dir/port"
    cleanup_dir=""
    trap - EXIT
    note "ready: $url (stop with: $0 stop $dir)"
    echo "$url"
}

# --- stop / psql -----------------------------------------------------------------------

check_cluster_dir() {
    local dir=$1
    [[ -d $dir ]] || die "$dir: no such directory"
    [[ -f $dir/$MARKER ]] || die "$dir was not made by $prog (no $MARKER); refusing to touch it"
}

cmd_stop() {
    (( $# == 1 )) || die "usage: $prog stop DIR"
    local dir=$1 pgbin
    check_cluster_dir "$dir"
    dir=$(cd "$dir" && pwd -P)
    pgbin=$(find_pg_bin)

    if [[ -f $dir/data/PG_VERSION ]]; then
        local owner
        owner=$(stat -c %U "$dir/data")
        if [[ $(id -u) == 0 ]]; then
            [[ $owner != root ]] || die "$dir/data is owned by root"
            RUN_AS=$owner
        elif [[ $owner != "$(id -un)" ]]; then
            die "$dir/data belongs to $owner; stop it as $owner or root"
        fi
        local v
        v=$(<"$dir/data/PG_VERSION")
        [[ -x /usr/lib/postgresql/$v/bin/pg_ctl ]] && pgbin=/usr/lib/postgresql/$v/bin
        if as_owner "$dir" "$pgbin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
            note "stopping server in $dir"
            if ! as_owner "$dir" "$pgbin/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >&2; then
                note "fast shutdown failed; trying immediate"
                as_owner "$dir" "$pgbin/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >&2 ||
                    { log_tail "$dir/server.log"; die "could not stop the server in $dir"; }
            fi
        else
            note "no server running in $dir"
        fi
    fi
    rm -rf -- "$dir"
    note "removed $dir"
}

cmd_psql() {
    (( $# >= 1 )) || die "usage: $prog psql DIR [psql args]"
    local dir=$1 pgbin port
    shift
    check_cluster_dir "$dir"
    [[ -f $dir/port ]] || die "$dir has no running cluster (no $dir/port)"
    port=$(<"$dir/port")
    pgbin=$(find_pg_bin)
    PGHOST=127.0.0.1 PGPORT=$port PGUSER=bankkit PGDATABASE=bankkit \
        exec "$pgbin/psql" "$@"
}

# --- main ------------------------------------------------------------------------------

case ${1:-} in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    psql) shift; cmd_psql "$@" ;;
    -h | --help | help) usage ;;
    "") usage >&2; exit 2 ;;
    *) echo "$prog: unknown command: $1" >&2; usage >&2; exit 2 ;;
esac
