"""No credit overrun: 16 clients place orders for one customer at once, in one request each (SQLite and
PostgreSQL); the credit check of each sees every order confirmed before it."""

import threading

import pytest
from django.db import connection

from salesops.core.models import Event
from salesops.customers.actions import set_credit_terms
from salesops.orders.actions import place_order
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.tests.fixtures import build_shop, draft
from salesops.testing.org import build_org

CLIENTS = 16
WITHIN_CREDIT = 5


@pytest.mark.django_db(transaction=True)
def test_sixteen_clients_placing_orders_at_once_never_exceed_the_credit_limit():
    # Given a customer whose credit covers exactly 5 orders (of one unit; plenty in stock)
    org = build_org()
    shop = build_shop(org, stock="100")
    rep = org.a.user("sales_rep")
    probe = draft(shop)  # a draft is no exposure: it only tells the total of one order
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit=probe.total * WITHIN_CREDIT)
    errors, placed = [], []
    barrier = threading.Barrier(CLIENTS)

    def client():
        try:
            barrier.wait()
            placed.append(
                place_order(
                    actor=rep,
                    customer=org.a.customer,
                    warehouse=shop.warehouse,
                    lines=[{"product": shop.product, "quantity": "1"}],
                )
            )
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    # When 16 clients place an order for that customer at the same moment, each on its own connection
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly 5 are confirmed, and every other one waits on credit with the reason
    assert errors == []
    results = SalesOrder.objects.filter(pk__in=[order.pk for order in placed])
    assert results.count() == CLIENTS
    confirmed = results.filter(status=OrderStatus.CONFIRMED)
    held = results.exclude(status=OrderStatus.CONFIRMED)
    assert confirmed.count() == WITHIN_CREDIT
    assert {order.status for order in held} == {OrderStatus.ON_HOLD}
    # each held order saw all 5 confirmed ones: its exposure is 6 orders, above the limit of 5 (the reason is in
    # the default language)
    limit, exposure = probe.total * WITHIN_CREDIT, probe.total * (WITHIN_CREDIT + 1)
    assert all(f"{exposure}" in order.hold_reason and f"{limit}" in order.hold_reason for order in held)
    assert Event.objects.filter(type="order.confirmed").count() == WITHIN_CREDIT
    assert Event.objects.filter(type="order.created").count() == CLIENTS + 1  # the probe too
