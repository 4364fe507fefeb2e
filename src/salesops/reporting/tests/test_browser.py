"""In a real browser on a phone-sized screen: a regional director opens the process dashboard and taps the
shipment bar of the delay-rate chart; the list of the delayed orders behind it opens."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from salesops.orders.tests.fixtures import build_shop
from salesops.reporting.tests.fixtures import at, catch_up, order_through
from salesops.testing.browser import CHROMIUM, new_page, phone_browser, sign_in
from salesops.testing.org import PASSWORD, build_org

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make test installs it)"
    ),
]

MONDAY = datetime.date(2026, 3, 2)
BAR_POSITION = """(label) => {
  const element = document.querySelector('[data-chart="delay-chart"]');
  element.scrollIntoView();
  const chart = window.echarts.getInstanceByDom(element);
  const option = chart.getOption();
  const index = option.yAxis[0].data.indexOf(label);
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [option.series[0].data[index] / 2, index]);
  const box = element.getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""


def test_a_director_taps_a_bar_and_sees_the_orders_behind_it(live_url):
    org = build_org()
    shop = build_shop(org)
    confirmed = at(MONDAY, 10)
    slow = order_through(
        shop, {"created": at(MONDAY, 9), "submitted": confirmed, "shipped": confirmed + datetime.timedelta(hours=100)}
    )
    order_through(
        shop, {"created": at(MONDAY, 9), "submitted": confirmed, "shipped": confirmed + datetime.timedelta(hours=2)}
    )
    catch_up()

    with phone_browser() as browser:
        page = new_page(browser, live_url)
        sign_in(page, "regional_director_a", PASSWORD)
        page.goto(live_url + "/reporting/?start=2026-03-01&end=2026-03-31")
        expect(page.get_by_test_id("stage-shipment")).to_contain_text("50%")
        page.wait_for_function("() => window.echarts && document.querySelector('[data-chart=\"delay-chart\"] canvas')")
        # the page refreshes itself every minute: after a refresh the charts are drawn again
        page.evaluate("document.querySelector('#live').dataset.old = 'yes'")
        page.evaluate("htmx.ajax('GET', location.href, {target: '#live', select: '#live', swap: 'outerHTML'})")
        page.wait_for_function(
            "() => document.querySelector('#live:not([data-old]) [data-chart=\"delay-chart\"] canvas')"
        )
        x, y = page.evaluate(BAR_POSITION, "发货")
        with page.expect_navigation():
            page.mouse.click(x, y)
        assert "/reporting/documents/" in page.url and "measure=delayed" in page.url
        rows = page.get_by_test_id("visit")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text(slow.number)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.console_errors == []
