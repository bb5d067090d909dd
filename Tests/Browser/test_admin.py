"""The admin's web client in a real browser: the read-only pages with the ledger's and the audit
chain's health, who may open which page, data rendered as text only, and the staff pages on a phone
and in the dark theme."""
import uuid

from selenium.webdriver.common.by import By

from helpers import PASSWORD, XSS, ok, token_of, new_member, lock_out, money, facts_of, stats_of, rows, wait_rows, short, scroll_width


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
    for email, paths, home, heading in (
        ("ada@demo.bankkit.dev", ("/admin", "/admin/users", "/queue"), "#/", "Your accounts"),
        ("erin@demo.bankkit.dev", ("/admin", "/admin/audit", "/"), "#/queue", "Service-request queue"),
    ):
        b = browser()
        b.log_in(email)
        for path in paths:
            b.go(path)
            b.wait.until(lambda d: d.current_url.endswith(home))
            assert b.heading(heading) == heading, (email, path)
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
