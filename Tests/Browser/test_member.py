"""The member's web client in a real browser: sign up, money in and out, transfers, cards,
statements, safety of rendered data, sessions and small screens."""
import re
import uuid

from selenium.webdriver.common.by import By

from helpers import PASSWORD, facts_of


def sign_up(b, first, last):
    email = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.com"
    b.open("/signup")
    b.fill({"First name": first, "Last name": last, "Email": email, "Password": PASSWORD})
    b.click("Create my membership")
    b.heading("Your accounts")
    return email


def open_account(b, kind="Checking", nickname=""):
    b.fill({"Type": kind, "Nickname (optional)": nickname})
    b.click("Open account")
    b.text_appears("is open.", "div.alert")
    go_to_account(b, nickname or kind)
    return b.driver.execute_script("return location.hash.split('/')[2]")


def go_to_account(b, name):
    """Opens the account whose card on the dashboard is named `name`."""
    b.wait.until(lambda d: d.find_elements(By.XPATH, f"//a[contains(@class,'account-link')][span[normalize-space()='{name}']]"))[0].click()
    b.heading("·")


def balance(b):
    return b.find("main .balance").text


def deposit(b, amount, description=""):
    b.fill({"Amount (USD)": amount, "Description (optional)": description}, within="#deposit-heading + form")
    b.click("Deposit")
    b.text_appears(f"Deposited ${amount}", "div.alert")


def test_signup_deposit_transfer_both_see_it_and_the_statement_shows_it(browser):
    mia = browser()
    sign_up(mia, "Mia", "Member")
    mia.text_appears("You have no accounts yet")
    mia.screenshot("member-dashboard-empty")
    open_account(mia, "Checking", "Main")
    deposit(mia, "500.00", "Paycheck")
    assert balance(mia) == "$500.00"

    grace = browser()
    grace.log_in("grace@demo.bankkit.dev")
    first_card = grace.find("main .account-card")
    number = first_card.find_element(By.CSS_SELECTOR, ".account-number").text.split("· ")[1]
    grace_before = first_card.find_element(By.CSS_SELECTOR, ".balance").text

    mia.click("Transfer", within="header")
    mia.heading("Transfer money")
    mia.driver.find_element(By.CSS_SELECTOR, "input[name=to_kind][value=other]").click()
    mia.fill({"Recipient's account number": number, "Amount (USD)": "123.45", "Message (optional)": "Rent share"})
    mia.click("Review transfer")
    mia.heading("Transfer money")
    mia.text_appears("Grace H.")
    mia.screenshot("member-transfer-review")
    send = mia.click("Send $123.45")
    # A second click while the first is in flight must not move money twice (same Idempotency-Key).
    try:
        send.click()
    except Exception:
        pass
    mia.text_appears("Transfer sent")
    assert "$376.55" in mia.main_text()
    mia.click("See the account")
    mia.text_appears("Rent share")
    assert balance(mia) == "$376.55"
    rows = [r.text for r in mia.finds("main table tbody tr") if "Rent share" in r.text]
    assert len(rows) == 1 and "−$123.45" in rows[0]
    mia.screenshot("member-account")

    grace.driver.refresh()
    grace.heading("Your accounts")
    go_to_account(grace, grace.find("main .account-card .account-name").text)
    grace.text_appears("Rent share")
    row = [r.text for r in grace.finds("main table tbody tr") if "Rent share" in r.text]
    assert len(row) == 1 and "+$123.45" in row[0]
    assert cents(balance(grace)) == cents(grace_before) + 12345

    mia.click("Monthly statement")
    mia.heading("Statement")
    mia.text_appears("Closing balance")
    facts = facts_of(mia)
    assert facts["Opening balance"] == "$0.00"
    assert facts["Money in"] == "$500.00"
    assert facts["Money out"] == "$123.45"
    assert facts["Closing balance"] == "$376.55"
    assert facts["Transactions"] == "2 posted, 0 declined"
    assert len(mia.finds("main svg.chart path.line")) == 1
    assert len(mia.finds("main svg.chart rect.bar")) == 1  # one category: the transfer out
    mia.screenshot("member-statement")


def test_issue_card_freeze_it_and_a_purchase_is_declined(browser):
    b = browser()
    sign_up(b, "Cora", "Card")
    open_account(b, "Checking", "Spending")
    deposit(b, "80.00")
    b.click("Issue a debit card")
    pan = b.find("[data-testid=new-pan]").text.replace(" ", "")
    cvv = b.find("[data-testid=new-cvv]").text
    assert re.fullmatch(r"400000\d{10}", pan) and luhn(pan)
    assert re.fullmatch(r"\d{3}", cvv)
    assert "shown only this once" in b.main_text()
    b.screenshot("member-card-issued")
    b.click("I have saved them, hide")
    assert pan not in b.main_text()
    assert f"···· ···· ···· {pan[-4:]}" in b.main_text()

    b.click("Freeze card")
    b.text_appears("is frozen", "div.alert")
    b.text_appears("Unfreeze card")
    b.fill({"Amount (USD)": "12.00", "Merchant or description": "Corner Cafe", "Category": "Dining", "Pay with": f"Debit card ···· {pan[-4:]} (frozen)"},
           within="#pay-heading + form")
    b.click("Pay")
    b.text_appears("Declined:", "main #pay-heading + form")
    b.text_appears("Card inactive")
    assert balance(b) == "$80.00"
    declined = [r.text for r in b.finds("main table tbody tr") if "Corner Cafe" in r.text]
    assert len(declined) == 1 and "Declined" in declined[0]
    b.screenshot("member-card-frozen-declined")

    b.fill({"Password to show the full number": PASSWORD})
    b.click("Show number")
    b.text_appears(" ".join(pan[i:i + 4] for i in range(0, 16, 4)))


def test_data_is_rendered_as_text_never_as_html(browser):
    b = browser()
    sign_up(b, "Xavier", "Script")
    open_account(b)
    payload = "<img src=x onerror=alert(1)>"
    deposit(b, "1.00", payload)
    b.text_appears(payload)
    assert b.finds("main img") == []
    b.driver.find_element(By.LINK_TEXT, payload).click()
    b.heading("Transaction")
    b.text_appears(payload)
    assert b.finds("main img") == []


def test_field_errors_sit_next_to_their_field(browser):
    b = browser()
    b.open("/signup")
    b.fill({"First name": "Short", "Last name": "Password", "Email": f"short.{uuid.uuid4().hex[:6]}@example.com", "Password": "tooshort"})
    b.click("Create my membership")
    error = b.find("#signup-password-error")
    assert error.text != ""
    password = b.field("Password")
    assert password.get_attribute("aria-invalid") == "true"
    assert "signup-password-error" in password.get_attribute("aria-describedby")
    assert b.driver.switch_to.active_element == password
    b.screenshot("signup-error")


def test_session_survives_a_reload_and_tokens_stay_out_of_reach_of_scripts(browser):
    b = browser()
    sign_up(b, "Sam", "Session")
    b.driver.refresh()
    b.heading("Your accounts")
    assert b.driver.execute_script("return document.cookie") == ""
    storage = b.driver.execute_script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert "eyJ" not in storage
    b.log_out()
    b.driver.refresh()
    b.heading("Log in")


def test_small_screens_do_not_scroll_sideways(browser):
    b = browser(width=360, height=800)
    b.log_in("ada@demo.bankkit.dev")
    assert b.driver.execute_script("return document.documentElement.scrollWidth") <= 360
    b.screenshot("member-dashboard-360")
    go_to_account(b, b.find("main .account-card .account-name").text)
    b.text_appears("Transactions")
    assert b.driver.execute_script("return document.documentElement.scrollWidth") <= 360
    b.screenshot("member-account-360")


def cents(text):
    return int(text.replace("$", "").replace(",", "").replace(".", ""))


def luhn(number):
    total = 0
    for i, digit in enumerate(reversed(number)):
        d = int(digit)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def test_keyboard_only_and_the_dark_theme(browser):
    from selenium.webdriver.common.keys import Keys
    b = browser()
    b.open("/login")
    email = b.field("Email")
    email.click()
    email.send_keys("ada@demo.bankkit.dev", Keys.TAB)
    assert b.driver.switch_to.active_element == b.field("Password")
    b.driver.switch_to.active_element.send_keys("demo-password-2026", Keys.ENTER)
    b.heading("Your accounts")
    # After a navigation the new page's heading has focus, so the next Tab starts in the page.
    assert b.driver.switch_to.active_element.tag_name == "h1"
    theme = b.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Switch between light and dark theme']")
    dark_before = b.driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
    theme.send_keys(Keys.ENTER)
    expected = "light" if dark_before else "dark"
    assert b.driver.execute_script("return document.documentElement.dataset.theme") == expected
    if expected == "light":
        theme.send_keys(Keys.ENTER)
    b.screenshot("member-dashboard-dark")
    go_to_account(b, "Everyday")
    b.screenshot("member-account-dark")
