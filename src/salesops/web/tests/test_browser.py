"""In a real browser (Debian's Chromium driven by Playwright): sign in, switch language, use a phone-sized screen."""

import os
import shutil

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread

from salesops.testing.org import PASSWORD, build_org

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)"
    ),
]


@pytest.fixture
def live_url(transactional_db, monkeypatch):
    """A live server for this test only: stopping it joins its threads, so no database session outlives it."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    server = LiveServerThread("localhost", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()


@pytest.fixture
def seeded(live_url):
    # Data goes in before Playwright starts: its sync API runs the test body in a greenlet, and database work
    # done there would open a connection that outlives the test.
    build_org()


@pytest.fixture
def page(live_url, seeded):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.base_url = live_url
        page.console_errors = errors
        yield page
        browser.close()


def test_sign_in_switch_language_and_back_on_a_phone(page):
    page.goto(page.base_url + "/")
    page.fill("#id_username", "sales_rep_a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")

    title = page.get_by_test_id("home-title")
    assert title.inner_text().startswith("欢迎")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "客户" in page.locator("nav.mainnav").inner_text()
    page.locator(".chart canvas").wait_for()  # the vendored ECharts drew the customers chart under the CSP

    # The language switch lives in the user menu and submits itself on change
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("language-select").select_option("en")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("home-title").inner_text().startswith("Welcome")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("language-select").select_option("zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("home-title").inner_text().startswith("欢迎")

    # Nothing overflows a 390 px wide screen, and no script was blocked by the content security policy
    page.goto(page.base_url + "/customers/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []
