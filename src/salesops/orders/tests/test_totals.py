"""Totals in Decimal, rounded half up to the cent, with VAT per line."""

from decimal import Decimal

import pytest

from salesops.catalog.models import PriceList, PriceListItem
from salesops.catalog.pricing import company_today
from salesops.orders.actions import create_order
from salesops.orders.models import money
from salesops.orders.totals import LineInput, compute_totals
from salesops.testing.stock import make_product

D = Decimal


def test_money_rounds_half_up_not_to_even():
    assert money(D("100.005")) == D("100.01")
    assert money(D("0.025")) == D("0.03")
    assert money(D("-0.005")) == D("-0.01")
    assert money(D("2.344999")) == D("2.34")


def test_three_times_33_335_is_100_01():
    totals = compute_totals([LineInput(D("3"), D("33.335"), D("0"), D("0"))], D("0"))
    assert totals.subtotal == D("100.01")
    assert totals.total == D("100.01")


def test_line_discount_order_discount_and_tax():
    # 2 × 50.00 less 10 % = 90.00; 1.5 × 33.33 = 49.995 → 50.00; subtotal 140.00; order discount 5 % = 7.00
    # tax 13 % on 90.00 × 0.95 = 85.50 → 11.115 → 11.12; 6 % on 50.00 × 0.95 = 47.50 → 2.85
    totals = compute_totals(
        [LineInput(D("2"), D("50.00"), D("10"), D("0.13")), LineInput(D("1.5"), D("33.33"), D("0"), D("0.06"))],
        D("5"),
    )
    assert [(line.amount, line.tax_amount) for line in totals.lines] == [
        (D("90.00"), D("11.12")),
        (D("50.00"), D("2.85")),
    ]
    assert (totals.subtotal, totals.discount_amount, totals.tax_amount, totals.total) == (
        D("140.00"),
        D("7.00"),
        D("13.97"),
        D("146.97"),
    )
    assert all(isinstance(value, Decimal) for value in (totals.subtotal, totals.total))


def test_a_created_order_is_priced_from_the_price_list_and_rounded_half_up(shop):
    # Given a price of 66.67 on the default list: 3 × 66.67 less 50 % = 100.005
    org = shop.org
    product = make_product("P-HALF", price="80.00")
    prices = PriceList.objects.create(name="默认价", valid_from=company_today())
    PriceListItem.objects.create(price_list=prices, product=product, unit_price=D("66.67"))

    order = create_order(
        actor=org.a.user("sales_rep"),
        customer=org.a.customer,
        warehouse=shop.warehouse,
        lines=[{"product": product, "quantity": "3", "discount_percent": "50"}],
    )

    line = order.lines.get()
    assert (line.unit_price, line.amount, line.tax_rate, line.tax_amount) == (
        D("66.67"),
        D("100.01"),
        D("0.1300"),
        D("13.00"),
    )
    assert (order.subtotal, order.tax_amount, order.total) == (D("100.01"), D("13.00"), D("113.01"))
    assert order.number.startswith(f"SO-{company_today().year}-")
    assert order.office == org.a.office and order.region == org.a.region
    assert order.payment_term == org.a.customer.payment_term


def test_order_numbers_count_up_per_year_and_a_rolled_back_create_gives_its_number_back(transactional_db):
    import threading

    from django.db import connection, transaction

    from salesops.orders.actions import next_number

    first = next_number()
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number()
        raise RuntimeError("the create fails after taking a number")
    second = next_number()
    assert int(second[-6:]) == int(first[-6:]) + 1

    numbers, barrier = [], threading.Barrier(8)

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(next_number())
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(int(n[-6:]) for n in numbers) == list(range(int(second[-6:]) + 1, int(second[-6:]) + 9))
