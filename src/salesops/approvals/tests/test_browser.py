"""In a real browser on a phone-sized screen: an approver finds an order in the approval inbox and approves it in
one tap, then the next approver of the chain does the same."""

import os

import pytest
from playwright.sync_api import expect

from salesops.approvals.tests.helpers import DIRECTOR, MANAGER, rule, step, submit, use_policy
from salesops.orders.models import SalesOrder
from salesops.orders.tests.fixtures import build_shop
from salesops.testing.browser import CHROMIUM, new_page, phone_browser, sign_in
from salesops.testing.org import PASSWORD, build_org

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)"
    ),
]


def test_two_approvers_approve_from_the_inbox_on_a_phone(live_url):
    org = build_org()
    shop = build_shop(org)
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER), step("Director", DIRECTOR)))
    order = submit(shop, quantity="2")

    with phone_browser() as browser:
        errors = []
        for username in ("sales_manager_a", "regional_director_a"):
            page = new_page(browser, live_url)
            sign_in(page, username, PASSWORD)
            page.goto(live_url + "/approvals/")
            card = page.get_by_test_id("inbox-task")
            expect(card).to_have_count(1)
            expect(card).to_contain_text(order.number)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            card.get_by_test_id("inbox-approve").click()
            expect(page.get_by_test_id("inbox-empty")).to_be_visible()
            errors += page.console_errors

    assert errors == []
    assert SalesOrder.objects.get(pk=order.pk).status == "confirmed"
