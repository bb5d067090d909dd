"""What the browser tests share besides the browser itself (conftest.py): the public HTTP API, used to
make whatever a scenario needs besides the demo bank (members, accounts, requests, lockouts) as any
integrator would, and readers of what a page shows."""
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

from selenium.webdriver.common.by import By

DEMO_PASSWORD = "demo-password-2026"
PASSWORD = "correct horse battery staple"
XSS = "<img src=x onerror=alert(1)>"


# MARK: - The HTTP API, from the test

def call(server, method, path, body=None, token=None, query=None):
    """Sends a request and returns (status, decoded JSON or None)."""
    url = server.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if method == "POST" and path.endswith("/transactions"):
        request.add_header("Idempotency-Key", uuid.uuid4().hex)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            payload = response.read()
            return response.status, json.loads(payload) if payload else None
    except urllib.error.HTTPError as error:
        payload = error.read()
        return error.code, json.loads(payload) if payload else None


def ok(server, method, path, body=None, token=None, query=None):
    status, payload = call(server, method, path, body, token, query)
    assert 200 <= status < 300, (method, path, status, payload)
    return payload


def session_of(server, email, password=DEMO_PASSWORD):
    return ok(server, "POST", "/auth/login", {"email": email, "password": password})


def token_of(server, email, password=DEMO_PASSWORD):
    return session_of(server, email, password)["access_token"]


def new_member(server, first="Quinn", last="Queue"):
    """A fresh member with a checking account holding $250.00: (token, user, account)."""
    email = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.com"
    session = ok(server, "POST", "/auth/signup", {"email": email, "password": PASSWORD, "first_name": first, "last_name": last})
    token = session["access_token"]
    account = ok(server, "POST", "/accounts", {"account_type": "checking", "nickname": "Main"}, token)
    ok(server, "POST", f"/accounts/{account['id']}/transactions", {"type": "credit", "amount_cents": 25000, "description": "Opening deposit"}, token)
    return token, session["user"], account


def lock_out(server, email):
    """Five wrong passwords in a row: the sixth attempt, even with the right password, is 423."""
    for _ in range(5):
        status, _ = call(server, "POST", "/auth/login", {"email": email, "password": "not the password at all"})
        assert status == 401
    status, problem = call(server, "POST", "/auth/login", {"email": email, "password": PASSWORD})
    assert status == 423 and problem["code"] == "account_locked", (status, problem)


def pending_requests(server, employee_token):
    return ok(server, "GET", "/employee/service-requests", token=employee_token, query={"status": "pending", "limit": 200})["data"]


# MARK: - What the browser shows

def money(cents):
    whole, rest = divmod(abs(cents), 100)
    return f"{'−' if cents < 0 else ''}${whole:,}.{rest:02d}"


def facts_of(b):
    terms = [e.text for e in b.finds("main dl.facts dt")]
    values = [e.text for e in b.finds("main dl.facts dd")]
    return dict(zip(terms, values))


def stats_of(b):
    return {tile.find_element(By.TAG_NAME, "dt").text: tile.find_element(By.CSS_SELECTOR, ".stat-value").text for tile in b.finds("main dl.stats .stat")}


def rows(b):
    """The text of the table's rows, read again if a re-render replaced them while they were read."""
    return b.wait.until(lambda d: ([row.text for row in d.find_elements(By.CSS_SELECTOR, "main table tbody tr")],))[0]


def wait_rows(b, count):
    """Waits until the page's table has `count` rows (0: the empty-state line instead of a table)."""
    b.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == count
                 and not d.find_elements(By.CSS_SELECTOR, "main p.loading"))
    return rows(b)


def short(uid):
    return f"{uid[:8]}…"


def scroll_width(b):
    return b.driver.execute_script("return document.documentElement.scrollWidth")
