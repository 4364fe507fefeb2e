"""No oversell: 16 concurrent clients submit orders for the last units of one product (SQLite and PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from salesops.core.models import Event
from salesops.customers.actions import create_customer, set_credit_terms
from salesops.inventory.models import StockMovement
from salesops.orders.actions import create_order, submit_order
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.tests.fixtures import build_shop
from salesops.testing.org import build_org, credit_code
from salesops.testing.stock import ledger_totals, level

CLIENTS = 16
STOCK = 10


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_clients_never_oversell_the_last_units():
    # Given 10 units and 16 customers with credit, each with a draft order for one unit
    org = build_org()
    shop = build_shop(org, stock=str(STOCK))
    rep = org.a.user("sales_rep")
    orders = []
    for n in range(CLIENTS):
        customer = create_customer(actor=rep, name=f"客户 {n}", credit_code=credit_code(), office=org.a.office)
        set_credit_terms(customer, actor=org.admin, credit_limit="100000.00")
        orders.append(
            create_order(
                actor=rep,
                customer=customer,
                warehouse=shop.warehouse,
                lines=[{"product": shop.product, "quantity": "1"}],
            )
        )
    errors = []
    barrier = threading.Barrier(CLIENTS)

    def client(order):
        try:
            barrier.wait()
            submit_order(order, actor=rep)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    # When they all submit at the same moment, each on its own connection
    threads = [threading.Thread(target=client, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly the stock is confirmed, available is exactly 0, every other order waits with the shortage
    assert errors == []
    results = list(SalesOrder.objects.filter(pk__in=[o.pk for o in orders]).prefetch_related("lines"))
    confirmed = [order for order in results if order.status == OrderStatus.CONFIRMED]
    held = [order for order in results if order.status != OrderStatus.CONFIRMED]
    confirmed_quantity = sum((line.quantity for order in confirmed for line in order.lines.all()), Decimal(0))
    current = level(shop.product, shop.warehouse)
    assert confirmed_quantity == STOCK == current.reserved
    assert current.available == 0
    assert len(held) == CLIENTS - STOCK
    for order in held:
        assert order.status == OrderStatus.ON_HOLD
        assert not order.is_stock_reserved
        assert "P-001" in order.hold_reason
    assert all(order.is_stock_reserved for order in confirmed)
    assert ledger_totals(shop.product, shop.warehouse) == (current.on_hand, current.reserved)
    reservations = StockMovement.objects.filter(kind=StockMovement.Kind.RESERVATION, source_type="orders.salesorder")
    assert sorted(int(source) for source in reservations.values_list("source_id", flat=True)) == sorted(
        order.pk for order in confirmed
    )
    assert Event.objects.filter(type="order.confirmed").count() == STOCK
    assert Event.objects.filter(type="order.on_hold").count() == CLIENTS - STOCK
    assert Event.objects.filter(type="order.submitted").count() == CLIENTS
