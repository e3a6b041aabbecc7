"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Fixtures: `browser` (one per session), `desktop` and `phone` pages (a fresh context each, so no
cookies leak between tests), `shot` (full-page screenshots in e2e/artifacts/), `axe` (WCAG 2.1 AA
scan), `log_in_as` (a session cookie without going through the login form) and `sms_codes`.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from roundtable.notifications.sms import read_file_outbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR / "artifacts"
AXE_JS = E2E_DIR.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

# Browsers in China ask for Chinese; the site's default language then applies.
LOCALE = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
DESKTOP = {**LOCALE, "viewport": {"width": 1280, "height": 900}}
# 孙阿姨's phone: a 390×844 screen at 2× density, touch, the mobile layout path of Chromium.
PHONE = {
    **LOCALE,
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47"
    ),
}
ELDER_COOKIE = "elder"


def pytest_collection_modifyitems(config, items):
    """Every test under e2e/ is an e2e test, even one that forgets its module mark."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        hint = "install it with 'apt-get install chromium fonts-noto-cjk'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing; browser journeys need it ({hint}).")
        pytest.skip(f"{CHROMIUM} is missing, so the browser journeys are skipped ({hint}).")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
    # thread with a running loop unless told the calls are deliberate (they are: test set-up).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _file_sms(_test_settings, settings):
    """Codes go to the FileBackend's outbox, which the journeys read like a phone would."""
    settings.SMS_BACKEND = "roundtable.notifications.sms.FileBackend"


def _new_page(browser, live_server, options, *, elder=False, java_script_enabled=True):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=java_script_enabled, **options
    )
    context.set_default_timeout(10_000)
    if elder:
        context.add_cookies([{"name": ELDER_COOKIE, "value": "1", "url": live_server.url}])
    return context.new_page()


@pytest.fixture
def new_page(browser, live_server):
    """A factory: new_page("phone" | "desktop", elder=False, java_script_enabled=True)."""
    contexts = []

    def make(kind="desktop", **kwargs):
        page = _new_page(browser, live_server, PHONE if kind == "phone" else DESKTOP, **kwargs)
        contexts.append(page.context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(new_page):
    return new_page("desktop")


@pytest.fixture
def phone(new_page):
    return new_page("phone")


@pytest.fixture
def shot(request):
    """shot(page, "name") saves e2e/artifacts/<test>-<name>.png (the full page)."""
    test = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")

    def save(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{test}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def run_axe(page):
    """Inject axe-core and return its WCAG 2.1 A/AA violations for the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be inline script, which
        # the site's Content-Security-Policy refuses.
        page.evaluate(f"{AXE_JS.read_text()}\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return result["violations"]


def describe_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' '.join(node['target'])}")
            lines.append(f"       {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


class Axe:
    """axe(page) asserts no serious or critical WCAG 2.1 AA violation and returns them all.

    axe(page, fail=False) only returns them; axe.blocking() and axe.describe() help report.
    """

    describe = staticmethod(describe_violations)

    @staticmethod
    def blocking(violations):
        return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]

    def __call__(self, page, *, fail=True):
        violations = run_axe(page)
        blocking = self.blocking(violations)
        assert not (fail and blocking), (
            f"axe found {len(blocking)} serious/critical WCAG 2.1 AA violation(s) on "
            f"{page.url}:\n{describe_violations(blocking)}"
        )
        return violations


@pytest.fixture
def axe():
    return Axe()


@pytest.fixture
def log_in_as(live_server):
    """log_in_as(page, user): put a logged-in session cookie into the page's context."""

    def log_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return log_in


@pytest.fixture
def sms_codes():
    """sms_codes(phone): the 6-digit codes sent to the number so far, oldest first."""

    def codes(phone):
        found = []
        for message in read_file_outbox():
            if message["phone"] == phone:
                match = re.search(r"(?<!\d)(\d{6})(?!\d)", message["text"])
                assert match, f"no 6-digit code in: {json.dumps(message, ensure_ascii=False)}"
                found.append(match.group(1))
        return found

    return codes
