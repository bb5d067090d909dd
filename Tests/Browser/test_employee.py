"""The employee's web client in a real browser: the service-request queue with approve and reject
(a rejection needs a reason), and unlocking a locked-out user."""
import uuid

from selenium.webdriver.common.by import By

from helpers import PASSWORD, ok, session_of, new_member, lock_out, pending_requests, facts_of, wait_rows, short


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
