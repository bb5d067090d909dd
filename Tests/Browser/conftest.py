"""Browser tests of the web client: headless Chromium (Debian's chromium + chromium-driver, driven by
selenium) against a real bank-server on a free loopback port, with a fresh data directory seeded with
the demo bank (for the employee and admin logins). Screenshots of each main page go to artifacts/."""
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("BANKKIT_BIN", ROOT / ".build" / "debug"))
ARTIFACTS = pathlib.Path(os.environ.get("BANKKIT_ARTIFACTS", pathlib.Path(__file__).parent / "artifacts"))
DEMO_PASSWORD = "demo-password-2026"
A11Y_CHECK = (pathlib.Path(__file__).parent / "a11y.js").read_text()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    data = tempfile.mkdtemp(prefix="bankkit-browser-")
    env = {**os.environ, "DATA_DIR": data, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(free_port()), "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "warning"}
    subprocess.run([BIN / "bankctl", "seed", "--demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    log = open(pathlib.Path(data) / "server.log", "w")
    process = subprocess.Popen([BIN / "bank-server"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{env['HTTP_PORT']}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/ready", timeout=1)
            break
        except Exception:
            if process.poll() is not None:
                raise RuntimeError(f"bank-server exited: {pathlib.Path(data, 'server.log').read_text()}")
            time.sleep(0.05)
    yield type("Server", (), {"base": base, "env": env, "data": data})
    process.terminate()
    process.wait(timeout=10)
    # The bank must be sound after everything the browser did.
    verify = subprocess.run([BIN / "bankctl", "verify"], env=env, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def chromium_options(width=1280, height=900):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


class Browser:
    """One browser window, with the few verbs the scenarios need."""

    def __init__(self, base, width=1280, height=900):
        self.base = base
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=chromium_options(width, height))
        # The page re-renders while a wait polls it: an element found a moment ago may be gone.
        self.wait = WebDriverWait(self.driver, 10, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        if width < 500:
            # Chromium will not make a window narrower than 500 px: emulate a phone's viewport instead.
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})

    def open(self, path="/"):
        self.driver.get(f"{self.base}/#{path}")
        self.heading()

    def go(self, path):
        self.driver.execute_script("location.hash = arguments[0]", path)

    def heading(self, text=None):
        """Waits for the page's h1 (to contain `text`) and returns its text."""
        if text is None:
            element = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
            return element.text
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), text))
        return text

    def find(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def field(self, label, within="main"):
        """The input labelled `label` (through its <label for>) inside the element `within` (CSS)."""
        def found(driver):
            container = driver.find_element(By.CSS_SELECTOR, within)
            labels = container.find_elements(By.XPATH, f".//label[normalize-space()={xpath_literal(label)}]")
            return labels[0] if labels else False
        label_element = self.wait.until(found)
        return self.driver.find_element(By.ID, label_element.get_attribute("for"))

    def fill(self, values, within="main"):
        for label, value in values.items():
            element = self.field(label, within)
            if element.tag_name == "select":
                from selenium.webdriver.support.ui import Select
                Select(element).select_by_visible_text(value)
            else:
                element.clear()
                element.send_keys(value)

    def click(self, text, within="main"):
        """Clicks the button or link whose text is `text`."""
        literal = xpath_literal(text)
        element = self.wait.until(EC.element_to_be_clickable(
            (By.XPATH, f"//{within}//*[self::button or self::a][normalize-space()={literal}]")))
        element.click()
        return element

    def text_appears(self, text, css="main"):
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def main_text(self):
        return self.driver.find_element(By.CSS_SELECTOR, "main").text

    def screenshot(self, name, check=True):
        """Saves the page as artifacts/NAME.png, after checking it for accessibility problems."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
        if check:
            problems = self.driver.execute_script(A11Y_CHECK)
            assert problems == [], f"{name}: {problems}"

    def log_in(self, email, password=DEMO_PASSWORD):
        self.open("/login")
        self.fill({"Email": email, "Password": password})
        self.click("Log in")
        self.wait.until(lambda d: "/login" not in d.current_url)
        self.heading()

    def log_out(self):
        self.click("Log out", within="header")
        self.heading("Log in")

    def console_errors(self):
        """Script errors and console.error calls. (Chromium also logs every 4xx answer as a 'network' error;
        those are the API's documented answers, which the pages handle, so they are not counted.)"""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE" and entry.get("source") != "network"]

    def quit(self):
        self.driver.quit()


def xpath_literal(text):
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def browser(server, request):
    opened = []

    def make(width=1280, height=900):
        instance = Browser(server.base, width, height)
        opened.append(instance)
        return instance

    yield make
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    errors = []
    for index, instance in enumerate(opened):
        if failed:
            # What each window showed when the test failed, for the CI log and the artifacts folder.
            instance.screenshot(f"FAILED-{request.node.name}-{index}")
            print(f"--- window {index} at {instance.driver.current_url}:\n{instance.driver.find_element(By.TAG_NAME, 'body').text}")
        errors += instance.console_errors()
        instance.quit()
    assert errors == [], errors
