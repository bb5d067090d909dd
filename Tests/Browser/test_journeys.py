"""Journeys that cross roles, each step in the browser of the person who takes it: a member's
request approved by an employee, and a member's transfer seen by the admin with a valid audit chain."""
import uuid

from selenium.webdriver.common.by import By

from helpers import facts_of
from test_member import deposit, go_to_account, open_account, sign_up


def test_a_member_files_a_request_an_employee_approves_it_and_the_member_sees_the_effect(browser):
    member = browser()
    sign_up(member, "Rhea", "Request")
    open_account(member, "Checking", "Bills")
    member.click("Requests", within="header")
    member.heading("Service requests")
    member.fill({"Type of request": "Raise a daily limit"})
    member.fill({"Account": next(o.text for o in member.field("Account").find_elements(By.TAG_NAME, "option") if o.text.startswith("Bills")),
                 "New daily limit (USD)": "1,250.00"})
    member.click("File request")
    member.heading("Service request")
    member.text_appears("Request filed: Limit increase.", "div.alert")
    facts = facts_of(member)
    assert facts["Status"] == "Pending" and facts["Daily limit"] == "$1,250.00"
    request_id = facts["Request ID"]
    member.screenshot("member-request")

    erin = browser()
    erin.log_in("erin@demo.bankkit.dev")
    erin.heading("Service-request queue")
    erin.find(f"main a[href='#/queue/{request_id}']").click()
    erin.heading("Limit increase request")
    erin.fill({"Note to the member (optional)": "Welcome aboard."})
    erin.click("Approve request")
    erin.text_appears("Approved: the limit increase request is completed.", "div.alert")

    member.driver.refresh()
    member.heading("Service request")
    member.text_appears("Completed")
    facts = facts_of(member)
    assert facts["Status"] == "Completed"
    assert facts["Note from the bank"] == "Welcome aboard."
    member.click("Accounts", within="header")
    member.heading("Your accounts")
    go_to_account(member, "Bills")
    member.text_appears("Daily debit limit")
    assert facts_of(member)["Daily debit limit"] == "$1,250.00"


def test_the_admin_sees_a_members_transfer_and_a_valid_audit_chain(browser):
    member = browser()
    sign_up(member, "Tara", "Transfer")
    open_account(member, "Checking", "Main")
    member.click("Accounts", within="header")
    open_account(member, "Savings", "Nest egg")
    member.click("Accounts", within="header")
    go_to_account(member, "Main")
    deposit(member, "300.00")
    word = f"Tuition{uuid.uuid4().hex[:6]}"
    member.click("Transfer from this account")
    member.heading("Transfer money")
    member.fill({"To account": next(o.text for o in member.field("To account").find_elements(By.TAG_NAME, "option") if o.text.startswith("Nest egg")),
                 "Amount (USD)": "75.25", "Message (optional)": word})
    member.click("Review transfer")
    member.click("Send $75.25")
    member.text_appears("Transfer sent")

    admin = browser()
    admin.log_in("admin@demo.bankkit.dev")
    admin.heading("Bank overview")
    admin.text_appears("Ledger healthy")
    admin.text_appears("Audit chain valid")
    admin.click("Transactions", within="header")
    admin.heading("Transactions")
    admin.fill({"Search": word})
    admin.click("Filter")
    admin.wait.until(lambda d: len([r for r in d.find_elements(By.CSS_SELECTOR, "main table tbody tr") if word in r.text]) == 2)
    rows = sorted(r.text for r in admin.finds("main table tbody tr"))
    assert len(rows) == 2
    assert "Transfer in" in rows[0] + rows[1] and "Transfer out" in rows[0] + rows[1]
    assert any("+$75.25" in r for r in rows) and any("−$75.25" in r for r in rows)
    admin.screenshot("admin-transactions-transfer")
    admin.click("Audit log", within="header")
    admin.heading("Audit log")
    admin.text_appears("Audit chain valid, ")
    assert "transfer" in admin.main_text()
