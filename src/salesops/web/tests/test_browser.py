"""In a real browser (Debian's Chromium driven by Playwright): sign in, switch language, use a phone-sized screen."""

import os

import pytest
from playwright.sync_api import expect

from salesops.testing.browser import CHROMIUM, new_page, phone_browser, sign_in
from salesops.testing.org import PASSWORD, build_org

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)"
    ),
]


@pytest.fixture
def page(live_url):
    build_org()  # before the browser starts (see salesops.testing.browser)
    with phone_browser() as browser:
        yield new_page(browser, live_url)


def test_sign_in_switch_language_and_back_on_a_phone(page):
    sign_in(page, "sales_rep_a", PASSWORD)

    title = page.get_by_test_id("home-title")
    expect(title).to_contain_text("欢迎")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "客户" in page.locator("nav.mainnav").inner_text()
    page.locator(".chart canvas").wait_for()  # the vendored ECharts drew the customers chart under the CSP

    # The language switch lives in the user menu and submits itself on change
    page.get_by_test_id("user-menu").click()
    with page.expect_navigation():
        page.get_by_test_id("language-select").select_option("en")
    expect(page.get_by_test_id("home-title")).to_contain_text("Welcome")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_test_id("user-menu").click()
    with page.expect_navigation():
        page.get_by_test_id("language-select").select_option("zh-hans")
    expect(page.get_by_test_id("home-title")).to_contain_text("欢迎")

    # Nothing overflows a 390 px wide screen, and no script was blocked by the content security policy
    page.goto(page.base_url + "/customers/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []
