"""In a real browser on a phone-sized screen: a rep creates and submits an order that needs approval, and the
rep's manager approves it from the approval queue."""

import os

import pytest
from playwright.sync_api import expect

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


def test_a_rep_orders_on_a_phone_and_the_manager_approves(live_url):
    org = build_org()
    shop = build_shop(org)  # 10 units in region a's warehouse; the rep may give at most 10 % discount
    customer, warehouse, product = org.a.customer.pk, shop.warehouse.pk, shop.product.pk

    with phone_browser() as browser:
        rep = new_page(browser, live_url)
        sign_in(rep, "sales_rep_a", PASSWORD)
        rep.goto(live_url + "/orders/new/")
        rep.select_option("#id_customer", str(customer))
        rep.select_option("#id_warehouse", str(warehouse))
        rep.select_option("#id_lines-0-product", str(product))
        rep.fill("#id_lines-0-quantity", "4")
        rep.fill("#id_lines-0-discount_percent", "15")  # above the rep's limit: needs approval
        rep.get_by_test_id("save-draft").click()
        expect(rep.get_by_test_id("order-status")).to_have_text("草稿")
        rep.get_by_test_id("action-submit").click()
        expect(rep.get_by_test_id("order-status")).to_have_text("已提交")
        assert rep.evaluate("document.documentElement.scrollWidth") <= 390

        manager = new_page(browser, live_url)
        sign_in(manager, "sales_manager_a", PASSWORD)
        manager.goto(live_url + "/orders/?queue=approval")
        manager.click("#results table a >> nth=0")
        expect(manager.get_by_test_id("action-approve")).to_be_visible()
        manager.fill("form:has([data-testid=action-approve]) input[name=comment]", "同意，大客户")
        manager.get_by_test_id("action-approve").click()
        expect(manager.get_by_test_id("order-status")).to_have_text("已确认")
        errors = rep.console_errors + manager.console_errors

    assert errors == []
    order = SalesOrder.objects.get()
    assert (order.status, order.is_stock_reserved, order.approved_by) == (
        "confirmed",
        True,
        org.a.user("sales_manager"),
    )
