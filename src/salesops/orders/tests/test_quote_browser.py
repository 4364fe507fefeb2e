"""In a real browser on a phone-sized screen: a rep at a customer's site enters a quote, sees the price and the
stock of each line as it is typed (htmx), sends the quote and turns it into an order when the customer accepts."""

import os

import pytest
from playwright.sync_api import expect

from salesops.orders.models import Quote, QuoteStatus, SalesOrder
from salesops.orders.tests.fixtures import build_shop
from salesops.testing.browser import CHROMIUM, new_page, phone_browser, sign_in
from salesops.testing.org import PASSWORD, build_org

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)"
    ),
]


def test_a_rep_quotes_on_a_phone_with_live_prices_and_stock_then_converts(live_url):
    org = build_org()
    shop = build_shop(org)  # 10 units at 100.00 in region a's warehouse
    customer, warehouse, product = org.a.customer.pk, shop.warehouse.pk, shop.product.pk

    with phone_browser() as browser:
        rep = new_page(browser, live_url)
        sign_in(rep, "sales_rep_a", PASSWORD)
        rep.goto(live_url + "/orders/")
        rep.get_by_test_id("quotes-link").click()
        rep.get_by_test_id("new-quote").click()
        rep.select_option("#id_customer", str(customer))
        rep.select_option("#id_warehouse", str(warehouse))
        rep.select_option("#id_lines-0-product", str(product))
        line = rep.locator("[data-testid=line-form]").first
        expect(line.get_by_test_id("preview-unit-price")).to_have_text("¥100.00")
        expect(line.get_by_test_id("preview-available")).to_contain_text("10.000")
        rep.fill("#id_lines-0-quantity", "12")
        rep.press("#id_lines-0-quantity", "Tab")
        expect(line.get_by_test_id("preview-amount")).to_have_text("¥1200.00")
        expect(line.get_by_test_id("preview-shortage")).to_be_visible()
        rep.fill("#id_lines-0-quantity", "4")
        rep.press("#id_lines-0-quantity", "Tab")
        expect(line.get_by_test_id("preview-amount")).to_have_text("¥400.00")
        expect(line.get_by_test_id("preview-shortage")).to_have_count(0)
        assert rep.evaluate("document.documentElement.scrollWidth") <= 390
        rep.click("main form button[type=submit]")

        expect(rep.get_by_test_id("quote-status")).to_have_text("草稿")
        rep.get_by_test_id("action-send").click()
        expect(rep.get_by_test_id("action-convert")).to_be_visible()
        rep.get_by_test_id("action-convert").click()
        expect(rep.get_by_test_id("order-status")).to_have_text("草稿")
        assert rep.evaluate("document.documentElement.scrollWidth") <= 390
        errors = rep.console_errors

    assert errors == []
    quote = Quote.objects.get()
    order = SalesOrder.objects.get()
    assert (quote.status, quote.converted_order, order.total) == (QuoteStatus.ACCEPTED, order, quote.total)
