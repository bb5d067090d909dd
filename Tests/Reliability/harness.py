"""Shared pieces of the reliability scripts: finding the binaries, starting and killing bank-server on a
fresh data directory and a free loopback port (on SQLite in that directory, or on a PostgreSQL schema
that several servers share), a small keep-alive HTTP client (stdlib only), RSS sampling and
`bankctl verify`.

Nothing here needs a package from PyPI; PostgreSQL's ground truth is read with `psql`.
"""
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Binaries:
    """bank-server and bankctl, copied into a private folder so a concurrent rebuild cannot swap them mid-run.

    `BANKKIT_BIN` names the folder to take them from (default: `.build/debug` of the repository).
    """

    def __init__(self, workdir):
        source = Path(os.environ.get("BANKKIT_BIN", REPO / ".build" / "debug"))
        self.dir = Path(workdir) / "bin"
        self.dir.mkdir(parents=True, exist_ok=True)
        for name in ("bank-server", "bankctl"):
            path = source / name
            if not path.exists():
                sys.exit(f"{path} is missing: run `swift build --build-tests` first (or set BANKKIT_BIN)")
            shutil.copy2(path, self.dir / name)
        self.server = self.dir / "bank-server"
        self.bankctl = self.dir / "bankctl"


DATABASE_URL_VARIABLE = "BANKKIT_RELIABILITY_DATABASE_URL"


def database_url_from_environment():
    """The PostgreSQL server the reliability runs should use, from BANKKIT_RELIABILITY_DATABASE_URL; None = SQLite."""
    return os.environ.get(DATABASE_URL_VARIABLE) or None


class Postgres:
    """A fresh schema on the PostgreSQL server a `postgres://` URL names, for one run's servers to share.

    `url` is what bank-server and bankctl get as DATABASE_URL: the given URL with its `search_path` replaced
    by a new schema `<prefix>_<random>` (the server creates it on first use), so runs never see each other's
    data. libpq does not know our `search_path` query parameter: `psql` gets the URL without it and the
    schema through PGOPTIONS.
    """

    def __init__(self, url, prefix="reliability"):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            sys.exit(f"not a postgres:// URL: {url}")
        query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "search_path"]
        self.schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query + [("search_path", self.schema)])))
        self.libpq_url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        self.psql_binary = shutil.which("psql")

    @property
    def redacted(self):
        parts = urllib.parse.urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))

    def psql(self, sql):
        """Rows of `sql` in the run's schema, each a list of text fields (tab-separated `psql -At`)."""
        if not self.psql_binary:
            raise RuntimeError("psql is not on PATH: it is needed to read PostgreSQL's ground truth")
        env = dict(os.environ, PGOPTIONS=f"-c search_path={self.schema}", PGCONNECT_TIMEOUT="10")
        result = subprocess.run([self.psql_binary, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", self.libpq_url, "-c", sql],
                                capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed ({result.returncode}): {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def drop(self):
        """Drops the run's schema (after a passing run; a failed one keeps it for inspection)."""
        self.psql(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def shared_secrets():
    """Fresh secrets for servers that share one database: the same keys through every server's environment
    (and bankctl's), as a production deployment passes them, instead of files generated per data directory."""
    return {f"SECRETS_{name.upper()}": base64.b64encode(os.urandom(32)).decode()
            for name in ("jwt_key", "audit_key", "card_key", "card_index_key")}


class Server:
    """One bank-server process on a data directory; can be killed with SIGKILL and started again on it.

    With `database_url` it serves that PostgreSQL database instead of `<data_dir>/bank.sqlite` (bankctl too);
    `environment` adds variables (e.g. `shared_secrets()`) to the server's and bankctl's. Without
    `database_url`, a DATABASE_URL in the caller's environment is removed, so the run stays on SQLite.
    """

    def __init__(self, binaries, data_dir, ratelimit=False, log_level="warning", database_url=None, environment=None, name=None):
        self.binaries = binaries
        self.data_dir = Path(data_dir)
        self.ratelimit = ratelimit
        self.log_level = log_level
        self.database_url = database_url
        self.environment = dict(environment or {})
        self.name = name or "server"
        self.port = free_port()
        self.process = None
        self.log_path = self.data_dir / "server.log"
        self.starts = 0

    def _environment(self, base):
        env = dict(base)
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.environment)
        return env

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        for attempt in range(3):
            env = self._environment(os.environ)
            # Environment beats Config/bankkit.json (Config/README.md), so a developer's file cannot leak in.
            env.update(DATA_DIR=str(self.data_dir), HTTP_HOST="127.0.0.1", HTTP_PORT=str(self.port),
                       RATELIMIT_ENABLED="true" if self.ratelimit else "false", LOG_LEVEL=self.log_level)
            with open(self.log_path, "ab") as out:
                out.write(f"\n=== start {self.starts + 1} on port {self.port} at {time.time():.3f}\n".encode())
                out.flush()
                self.process = subprocess.Popen([str(self.binaries.server)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                                cwd=str(self.data_dir), start_new_session=True)
            deadline = time.time() + timeout
            while time.time() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    status, _, _ = request("GET", self.base, "/ready", timeout=2)
                    if status == 200:
                        self.starts += 1
                        return
                except OSError:
                    pass
                time.sleep(0.05)
            # It exited (port taken after all?) or never became ready: try once more on another port.
            self.kill()
            log(f"   server did not come up on port {self.port}; log tail:\n{self.tail()}")
            self.port = free_port()
        raise RuntimeError("bank-server does not start")

    def kill(self):
        """SIGKILL: no drain, no checkpoint, no goodbye."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self):
        """SIGTERM and wait for the graceful shutdown (falls back to SIGKILL)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def rss_kib(self):
        if not self.alive():
            return 0
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def bankctl(self, *args):
        return subprocess.run([str(self.binaries.bankctl), *args, "--data-dir", str(self.data_dir)],
                              capture_output=True, text=True, env=self._environment(dict(os.environ, LOG_LEVEL="warning")))

    def verify(self):
        """`bankctl verify` on the data directory (or the PostgreSQL database): postings sum to zero, cached = computed
        balances, audit chain."""
        result = self.bankctl("verify")
        output = (result.stdout + result.stderr).strip()
        return result.returncode == 0, output


def request(method, base, path, body=None, token=None, key=None, timeout=30, headers=None):
    """One request on a fresh connection: (status, headers dict lower-case, parsed JSON or raw bytes)."""
    client = Client(base, timeout=timeout)
    try:
        return client.call(method, path, body, token=token, key=key, headers=headers)
    finally:
        client.close()


class Client:
    """A keep-alive HTTP/1.1 connection for one thread. Raises OSError/http.client errors on transport failure."""

    def __init__(self, base, timeout=30):
        self.base = base
        self.timeout = timeout
        self.connection = None

    def _connect(self):
        host, port = self.base.replace("http://", "").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)

    def rebase(self, base):
        if base != self.base:
            self.close()
            self.base = base

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def call(self, method, path, body=None, token=None, key=None, headers=None):
        if self.connection is None:
            self._connect()
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
        else:
            payload = body  # bytes sent exactly as given (retries must repeat the same bytes)
        sent = {"accept": "application/json"}
        if payload is not None:
            sent["content-type"] = "application/json"
        if token:
            sent["authorization"] = "Bearer " + token
        if key:
            sent["idempotency-key"] = key
        sent.update(headers or {})
        try:
            self.connection.request(method, path, body=payload, headers=sent)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        if answer_headers.get("connection", "").lower() == "close":
            self.close()
        content_type = answer_headers.get("content-type", "")
        parsed = raw
        if "json" in content_type and raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                pass
        return response.status, answer_headers, parsed


class TransportError(Exception):
    pass


def ok(status, body, expected, what):
    if status != expected:
        raise RuntimeError(f"{what}: expected {expected}, got {status}: {body!r}"[:500])
    return body


def signup(base, email, password="reliability password 1", first="Rel", last="Member"):
    status, _, body = request("POST", base, "/auth/signup", {"email": email, "password": password, "first_name": first, "last_name": last})
    return ok(status, body, 201, f"signup {email}")


def login(base, email, password="reliability password 1"):
    status, _, body = request("POST", base, "/auth/login", {"email": email, "password": password})
    return ok(status, body, 200, f"login {email}")


def open_funded_account(base, token, deposit, account_type="checking"):
    status, _, account = request("POST", base, "/accounts", {"account_type": account_type}, token=token)
    ok(status, account, 201, "open account")
    status, _, body = request("POST", base, f"/accounts/{account['id']}/transactions", {"type": "credit", "amount_cents": deposit, "description": "funding"},
                              token=token, key=f"fund-{account['id']}")
    ok(status, body, 201, "fund account")
    return account


def make_workdir(prefix):
    return Path(tempfile.mkdtemp(prefix=prefix))


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
