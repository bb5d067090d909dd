"""The employee's and the admin's web client in a real browser: the service-request queue with
approve and reject, unlocking a locked-out user, the admin's read-only pages with the ledger's and
the audit chain's health, who may open which page, and data rendered as text only.

Anything the scenarios need besides the demo bank (members, accounts, requests, lockouts) is made
through the public HTTP API, as any integrator would."""
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


# MARK: - Employee

def test_employee_queue_reject_needs_a_reason_and_an_approved_request_leaves_the_queue(browser, server):
    member_token, member, account = new_member(server)
    raise_limit = ok(server, "POST", "/service-requests", {"type": "limit_increase", "details": {"account_id": account["id"], "daily_limit_cents": 300000}}, member_token)
    rename = ok(server, "POST", "/service-requests", {"type": "name_change", "details": {"first_name": "Quincy", "last_name": "Queue"}}, member_token)
    erin = session_of(server, "erin@demo.bankkit.dev")
    pending = pending_requests(server, erin["access_token"])
    assert {raise_limit["id"], rename["id"]} <= {r["id"] for r in pending}

    b = browser()
    b.log_in("erin@demo.bankkit.dev")
    assert b.heading() == "Service-request queue"
    assert b.field("Status").get_attribute("value") == "pending"
    assert b.find("main table caption").text == "Pending requests, newest first"
    shown = wait_rows(b, min(len(pending), 20))
    # Newest first: the member's two requests lead the queue.
    assert shown[0].startswith(f"Name change {short(member['id'])} First name: Quincy · Last name: Queue Pending")
    assert shown[1].startswith(f"Limit increase {short(member['id'])} Account ID: {short(account['id'])} · Daily limit: $3,000.00 Pending")
    b.screenshot("employee-queue")

    b.driver.find_element(By.CSS_SELECTOR, f"main a[href='#/queue/{raise_limit['id']}']").click()
    b.heading("Limit increase request")
    b.text_appears("Request ID")
    facts = facts_of(b)
    assert facts["Type"] == "Limit increase"
    assert facts["Status"] == "Pending"
    assert facts["Member"] == member["id"]
    assert facts["Account ID"] == account["id"]
    assert facts["Daily limit"] == "$3,000.00"
    assert facts["Request ID"] == raise_limit["id"]
    assert "Decided" not in facts
    b.screenshot("employee-request")

    # Rejecting without a reason: the API's message sits under the reason field, which gets focus.
    b.click("Reject request")
    error = b.find("#reject-reason-error")
    assert error.text == "is required, 1 to 500 characters"
    reason = b.field("Reason for rejecting")
    assert reason.get_attribute("aria-invalid") == "true"
    assert "reject-reason-error" in reason.get_attribute("aria-describedby")
    assert b.driver.switch_to.active_element == reason
    assert b.find("#reject-heading + form .alert.error").text == "Validation failed reason is required, 1 to 500 characters"
    assert facts_of(b)["Status"] == "Pending"
    b.screenshot("employee-request-reject-error")

    b.fill({"Note to the member (optional)": "Approved per the income on file."})
    b.click("Approve request")
    b.text_appears("Approved: the limit increase request is completed.", "div.alert")
    b.text_appears("Approval note")
    facts = facts_of(b)
    assert facts["Status"] == "Completed"
    assert facts["Approval note"] == "Approved per the income on file."
    assert facts["Result: Daily limit"] == "$3,000.00"
    assert facts["Decided by"] == erin["user"]["id"]
    assert b.finds("#approve-heading") == [] and b.finds("#reject-heading") == []
    assert "This request is completed: there is nothing left to decide." in b.main_text()
    # The effect is applied: the member's account has the new daily limit.
    assert ok(server, "GET", f"/accounts/{account['id']}", token=member_token)["daily_limit_cents"] == 300000

    b.click("← Back to the queue")
    b.heading("Service-request queue")
    shown = wait_rows(b, min(len(pending) - 1, 20))
    assert b.finds(f"main a[href='#/queue/{raise_limit['id']}']") == []
    assert shown[0].startswith(f"Name change {short(member['id'])}")

    # Rejecting with a reason closes the other one; the member sees the reason.
    b.driver.find_element(By.CSS_SELECTOR, f"main a[href='#/queue/{rename['id']}']").click()
    b.heading("Name change request")
    b.fill({"Reason for rejecting": "The new name does not match your ID document."})
    b.click("Reject request")
    b.text_appears("Rejected: the name change request is closed.", "div.alert")
    b.text_appears("Rejection reason")
    assert facts_of(b)["Status"] == "Rejected"
    assert facts_of(b)["Rejection reason"] == "The new name does not match your ID document."
    mine = ok(server, "GET", f"/service-requests/{rename['id']}", token=member_token)
    assert mine["status"] == "rejected" and mine["rejection_reason"] == "The new name does not match your ID document."

    b.click("← Back to the queue")
    wait_rows(b, min(len(pending) - 2, 20))
    assert b.finds(f"main a[href='#/queue/{rename['id']}']") == []

    # The other statuses are a filter away, written into the address.
    b.fill({"Status": "Completed"})
    b.click("Show")
    b.wait.until(lambda d: d.current_url.endswith("#/queue?status=completed"))
    b.text_appears("Completed requests, newest first", "main table caption")
    b.driver.find_element(By.CSS_SELECTOR, f"main a[href='#/queue/{raise_limit['id']}']")


def test_employee_unlocks_a_locked_out_member_who_can_then_log_in(browser, server):
    _, member, _ = new_member(server, "Lena", "Locked")
    lock_out(server, member["email"])

    b = browser()
    b.log_in("erin@demo.bankkit.dev")
    b.click("Unlock a user", within="header")
    b.heading("Unlock a user")
    b.fill({"User ID": "lena"})
    b.click("Unlock user")
    assert b.find("#unlock-user_id-error").text == "Enter a user ID, like 6b7c1e9d-2373-4ed7-ad57-2aa5147db4e3."
    b.fill({"User ID": str(uuid.uuid4())})
    b.click("Unlock user")
    b.text_appears("No user has this ID.", "#unlock-user_id-error")
    assert b.field("User ID").get_attribute("aria-invalid") == "true"
    b.fill({"User ID": member["id"]})
    b.click("Unlock user")
    b.text_appears(f"{member['email']} is unlocked and can log in again.", "div.alert")
    assert b.finds("#unlock-user_id-error") == []
    assert b.field("User ID").get_attribute("value") == ""
    b.screenshot("employee-unlock")

    lena = browser()
    lena.log_in(member["email"], PASSWORD)
    assert lena.heading() == "Your accounts"


# MARK: - Admin

def test_admin_overview_is_healthy_and_every_admin_page_loads(browser, server):
    _, locked, locked_account = new_member(server, "Larry", "Lockout")
    lock_out(server, locked["email"])
    admin_token = token_of(server, "admin@demo.bankkit.dev")

    b = browser()
    b.log_in("admin@demo.bankkit.dev")
    assert b.heading() == "Bank overview"
    b.text_appears("Ledger healthy")
    b.text_appears("Audit chain valid")
    stats = ok(server, "GET", "/admin/stats", token=admin_token)
    chain = ok(server, "GET", "/admin/audit-log/verify", token=admin_token)
    assert chain["valid"] and chain["first_bad_entry"] is None
    assert b.find("main .health.healthy .health-title").text == "Ledger healthy"
    titles = [e.text for e in b.finds("main .health .health-title")]
    assert titles == ["Ledger healthy", f"Audit chain valid, {chain['entries']} entries"]
    assert b.finds("main .health.unhealthy") == []
    checks = [e.text for e in b.finds("main ul.checks li")]
    assert checks == ["✓ Postings balance to zero (sum $0.00)",
                      f"✓ Balances match their ledger entries ({stats['ledger_check']['accounts_checked']} accounts checked)",
                      "✓ No negative balances"]
    assert stats_of(b) == {
        "Users": str(stats["users"]), "Accounts": str(stats["accounts"]), "Money held": money(stats["money_held_cents"]),
        "Volume today": money(stats["volume_today_cents"]), "Locked users": str(stats["locked_users"]),
        "Pending requests": str(stats["pending_requests"]),
    }
    assert stats["locked_users"] >= 1
    b.screenshot("admin-overview")

    # Users: the locked one is marked and can be unlocked; nothing else is writable.
    b.click("Users", within="header")
    b.heading("Users")
    shown = wait_rows(b, min(stats["users"], 25))
    row = next(r for r in b.finds("main table tbody tr") if locked["email"] in r.text)
    assert row.text.startswith(f"Larry Lockout {locked['email']} Member Active Locked ") and " until " in row.text and row.text.endswith("\nUnlock")
    unlock = row.find_element(By.CSS_SELECTOR, "button")
    assert unlock.text == "Unlock" and unlock.get_attribute("aria-label") == f"Unlock {locked['email']}"
    locked_rows = [r for r in shown if " Active Locked " in r]
    assert len(b.finds("main table tbody button")) == len(locked_rows)
    b.screenshot("admin-users")
    unlock.click()
    b.text_appears(f"{locked['email']} is unlocked and can log in again.", "div.alert")
    b.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "main table tbody button")) == len(locked_rows) - 1)
    row = next(r for r in b.finds("main table tbody tr") if locked["email"] in r.text)
    assert "Locked" not in row.text
    ok(server, "POST", "/auth/login", {"email": locked["email"], "password": PASSWORD})

    row.find_element(By.LINK_TEXT, "Larry Lockout").click()
    b.heading("Larry Lockout")
    b.text_appears("User ID")
    facts = facts_of(b)
    assert facts["Email"] == locked["email"] and facts["Role"] == "Member" and facts["Lockout"] == "Not locked" and facts["User ID"] == locked["id"]
    b.screenshot("admin-user")

    # Accounts: owner, balance, status; one account's detail with its ledger match and transactions.
    b.click("Accounts", within="header")
    b.heading("Accounts")
    wait_rows(b, min(stats["accounts"], 25))
    row = next(r for r in b.finds("main table tbody tr") if locked_account["account_number"] in r.text)
    assert row.text == f"{locked_account['account_number']} Main Larry Lockout Open $250.00"
    b.screenshot("admin-accounts")
    row.find_element(By.LINK_TEXT, locked_account["account_number"]).click()
    b.heading(f"Account {locked_account['account_number']}")
    b.text_appears("Matches the ledger")
    b.text_appears("Opening deposit")
    facts = facts_of(b)
    assert facts["Owner"] == "Larry Lockout" and facts["Status"] == "Open" and facts["Balance"] == "$250.00"
    assert facts["Re-derived from the ledger"] == "$250.00"
    assert wait_rows(b, 1)[0].endswith("Opening deposit Deposit — Posted +$250.00 $250.00")
    b.screenshot("admin-account")

    # Transactions: the filters go into the address, and the list follows them.
    b.click("Transactions", within="header")
    b.heading("Transactions")
    b.find("main table caption")
    wait_rows(b, 25)
    # One word: the server reads a "+" in a query as a plus, not a space, so "Dinner split" would find nothing.
    b.fill({"Search": "Dinner", "Status": "Posted", "Min (USD)": "10"})
    b.click("Filter")
    b.wait.until(lambda d: "q=Dinner&" in d.current_url and "status=posted" in d.current_url and "min_cents=1000" in d.current_url)
    expected = ok(server, "GET", "/admin/transactions", token=admin_token, query={"q": "Dinner", "status": "posted", "min_cents": 1000, "limit": 25})["data"]
    assert expected
    shown = wait_rows(b, len(expected))
    assert all("Dinner" in r and "Posted" in r for r in shown)
    assert b.field("Min (USD)").get_attribute("value") == "10.00"
    b.screenshot("admin-transactions")
    b.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr a[href^='#/admin/transactions/']")[0].click()
    b.heading("Transaction")
    b.text_appears("Transaction ID")
    assert facts_of(b)["Transaction ID"] == expected[0]["id"]
    b.screenshot("admin-transaction")

    # Service requests, filtered by status.
    b.click("Requests", within="header")
    b.heading("Service requests")
    b.find("main table caption")
    b.fill({"Status": "Pending"})
    b.click("Show")
    b.wait.until(lambda d: d.current_url.endswith("#/admin/requests?status=pending"))
    pending = ok(server, "GET", "/admin/service-requests", token=admin_token, query={"status": "pending", "limit": 25})["data"]
    if pending:
        b.text_appears("Pending service requests, newest first", "main table caption")
    shown = wait_rows(b, len(pending))
    assert all(" Pending " in f" {r} " for r in shown)
    b.screenshot("admin-requests")

    # The audit log: the verification on top, and filters by action and actor.
    b.click("Audit log", within="header")
    b.heading("Audit log")
    b.text_appears("Audit chain valid, ")
    first_page = [int(r.split(" ")[0]) for r in wait_rows(b, 25)]
    assert first_page == sorted(first_page, reverse=True)
    # Paging: the cursor goes into the address; the next page continues where the first ended.
    b.click("Next page »")
    b.wait.until(lambda d: "#/admin/audit?cursor=" in d.current_url)
    b.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "main table tbody tr")
                 and int(d.find_element(By.CSS_SELECTOR, "main table tbody tr").text.split(" ")[0]) < first_page[-1])
    second_page = [int(r.split(" ")[0]) for r in rows(b)]
    assert second_page[0] == first_page[-1] - 1 and len(second_page) == 25
    b.click("« First page")
    b.wait.until(lambda d: d.current_url.endswith("#/admin/audit"))
    b.wait.until(lambda d: int(d.find_element(By.CSS_SELECTOR, "main table tbody tr").text.split(" ")[0]) == first_page[0])
    b.fill({"Action": "user.unlocked"})
    b.click("Filter")
    b.wait.until(lambda d: d.current_url.endswith("#/admin/audit?action=user.unlocked"))
    unlocks = ok(server, "GET", "/admin/audit-log", token=admin_token, query={"action": "user.unlocked", "limit": 25})["data"]
    shown = wait_rows(b, len(unlocks))
    assert shown[0].startswith(f"{unlocks[0]['id']} ") and "Admin" in shown[0] and "user.unlocked" in shown[0] and short(locked["id"]) in shown[0]
    b.screenshot("admin-audit")


def test_members_and_employees_typing_admin_addresses_land_on_their_own_home(browser):
    member = browser()
    member.log_in("ada@demo.bankkit.dev")
    for path in ("/admin", "/admin/users", "/queue"):
        member.go(path)
        member.wait.until(lambda d: d.current_url.endswith("#/"))
        assert member.heading("Your accounts") == "Your accounts"
    employee = browser()
    employee.log_in("erin@demo.bankkit.dev")
    for path in ("/admin", "/admin/audit", "/"):
        employee.go(path)
        employee.wait.until(lambda d: d.current_url.endswith("#/queue"))
        assert employee.heading("Service-request queue") == "Service-request queue"
    admin = browser()
    admin.log_in("admin@demo.bankkit.dev")
    admin.go("/queue")
    admin.wait.until(lambda d: d.current_url.endswith("#/admin"))
    admin.heading("Bank overview")


def test_markup_in_a_description_is_text_in_the_admin_transactions(browser, server):
    token, _, account = new_member(server, "Mallory", "Markup")
    tag = uuid.uuid4().hex[:10]
    description = f"{tag} {XSS}"
    ok(server, "POST", f"/accounts/{account['id']}/transactions", {"type": "debit", "amount_cents": 1234, "description": description}, token)

    b = browser()
    b.log_in("admin@demo.bankkit.dev")
    b.open(f"/admin/transactions?q={tag}")
    b.heading("Transactions")
    shown = wait_rows(b, 1)
    assert shown[0].endswith(f"{short(account['id'])} {description} Withdrawal — Posted −$12.34")
    link = b.driver.find_element(By.CSS_SELECTOR, "main table tbody a[href^='#/admin/transactions/']")
    assert link.text == description
    assert b.finds("main img") == []
    assert b.field("Search").get_attribute("value") == tag
    b.screenshot("admin-transactions-markup")
    link.click()
    b.heading("Transaction")
    b.text_appears(description)
    assert facts_of(b)["Description"] == description
    assert b.finds("main img") == []


def test_staff_pages_fit_a_phone_and_the_dark_theme(browser):
    phone = browser(width=360, height=800)
    phone.log_in("admin@demo.bankkit.dev")
    phone.text_appears("Audit chain valid")
    assert scroll_width(phone) <= 360
    phone.screenshot("admin-overview-360")
    for path, name in (("/admin/transactions", "admin-transactions-360"), ("/admin/audit", "admin-audit-360")):
        phone.go(path)
        phone.find("main table caption")
        assert scroll_width(phone) <= 360, path
        phone.screenshot(name)
    phone.log_out()
    phone.log_in("erin@demo.bankkit.dev")
    phone.find("main table caption")
    assert scroll_width(phone) <= 360
    phone.screenshot("employee-queue-360")

    dark = browser()
    dark.log_in("admin@demo.bankkit.dev")
    dark.driver.execute_script("document.documentElement.dataset.theme = 'dark'")
    dark.text_appears("Ledger healthy")
    dark.screenshot("admin-overview-dark")
    dark.go("/admin/users")
    dark.find("main table caption")
    dark.screenshot("admin-users-dark")
    dark.log_out()
    dark.log_in("erin@demo.bankkit.dev")
    dark.find("main table caption")
    dark.driver.find_elements(By.CSS_SELECTOR, "main table tbody a[href^='#/queue/']")[0].click()
    dark.heading("request")
    dark.text_appears("Request ID")
    dark.screenshot("employee-request-dark")
