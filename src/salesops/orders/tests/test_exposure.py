"""Credit exposure of open orders: what is neither invoiced nor cancelled, less unused prepayments (decision 0006).

The shop's product costs 100.00 CNY with 13 % VAT: one unit is 113.00 with tax, five units 565.00.
"""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from salesops.billing.actions import issue_invoice
from salesops.core.models import Event
from salesops.customers.actions import set_credit_terms
from salesops.inventory.actions import receive_stock
from salesops.orders.actions import cancel_order, record_prepayment, submit_order
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.queries import credit_exposure, open_orders_amount
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import draft, reload
from salesops.testing.api import api_key_for, bearer
from salesops.testing.stock import make_product

pytestmark = pytest.mark.django_db


def confirmed(shop, quantity="5", **kwargs) -> SalesOrder:
    order = submit_order(draft(shop, quantity=quantity, **kwargs), actor=shop.org.a.user("sales_rep"))
    assert order.status == OrderStatus.CONFIRMED
    return order


def ship(shop, order: SalesOrder, quantity: str) -> None:
    line = order.lines.get()
    ship_order(order, actor=shop.org.a.user("warehouse"), lines=[{"order_line_id": line.pk, "quantity": quantity}])


def cancel(shop, order: SalesOrder) -> SalesOrder:
    return cancel_order(reload(order), actor=shop.org.a.user("sales_rep"), comment="客户不要了")


def test_a_cancelled_remainder_leaves_the_exposure_before_the_shipped_part_is_invoiced(shop):
    customer = shop.org.a.customer
    order = confirmed(shop)
    ship(shop, order, "2")
    assert open_orders_amount(customer) == Decimal("565.00")  # partially shipped: the rest will still ship

    cancelled = cancel(shop, order)

    assert cancelled.status == OrderStatus.SHIPPED
    assert reload(order).cancelled_amount == Decimal("339.00")  # 3 units with VAT
    assert open_orders_amount(customer) == Decimal("226.00")  # the 2 shipped units, not yet invoiced
    assert reload(order).open_amount == Decimal("226.00")
    event = Event.objects.get(type="order.shipped", subject_id=str(order.pk))
    assert event.payload["data"]["cancelled_amount"] == "339.00"

    invoice = issue_invoice(reload(order), actor=shop.org.a.user("finance"))

    assert invoice.total == Decimal("226.00")
    assert reload(order).status == OrderStatus.INVOICED
    assert open_orders_amount(customer) == Decimal("0.00")
    customer.refresh_from_db()
    assert credit_exposure(draft(shop, quantity="1"), customer) == Decimal("339.00")  # 226.00 owed + 113.00 new


def test_a_remainder_cancelled_after_the_shipped_part_was_invoiced_counts_for_nothing(shop):
    customer = shop.org.a.customer
    order = confirmed(shop)
    ship(shop, order, "2")
    issue_invoice(reload(order), actor=shop.org.a.user("finance"))
    assert open_orders_amount(customer) == Decimal("339.00")  # partially shipped: 3 units still to ship

    cancel(shop, order)

    order = reload(order)
    assert (order.status, order.invoiced_amount, order.cancelled_amount) == (
        OrderStatus.SHIPPED,
        Decimal("226.00"),
        Decimal("339.00"),
    )
    assert open_orders_amount(customer) == Decimal("0.00")
    customer.refresh_from_db()
    assert credit_exposure(draft(shop, quantity="1"), customer) == Decimal("339.00")  # 226.00 owed + 113.00 new


def test_the_cancelled_value_is_priced_as_the_invoice_of_the_shipped_part_with_discounts_and_rounding(shop):
    # 3 × 33.35 = 100.05, order discount 5 %: net 95.05, VAT 12.36, total 100.05 - 5.00 + 12.36 = 107.41.
    product = make_product("P-ODD", price="33.35")
    receive_stock(product=product, warehouse=shop.warehouse, quantity="3", actor=shop.org.admin)
    order = confirmed(shop, quantity="3", product=product, order_discount="5")
    assert order.total == Decimal("107.41")
    ship(shop, order, "1")

    cancel(shop, order)

    # One unit: a third of 95.05 is 31.68 net and a third of 12.36 is 4.12 VAT, 35.80 in all.
    assert reload(order).cancelled_amount == Decimal("71.61")
    assert open_orders_amount(shop.org.a.customer) == Decimal("35.80")
    invoice = issue_invoice(reload(order), actor=shop.org.a.user("finance"))
    assert invoice.total == Decimal("35.80")
    assert open_orders_amount(shop.org.a.customer) == Decimal("0.00")


def test_a_prepayment_above_what_was_kept_does_not_lower_other_orders_exposure(shop):
    customer = shop.org.a.customer
    order = draft(shop, quantity="5")
    record_prepayment(order, actor=shop.org.a.user("finance"), amount="400.00")
    order = submit_order(order, actor=shop.org.a.user("sales_rep"))
    assert order.status == OrderStatus.CONFIRMED
    ship(shop, order, "2")
    other = confirmed(shop, quantity="1")
    assert open_orders_amount(customer) == Decimal("165.00") + Decimal("113.00")  # 565.00 - 400.00 prepaid

    cancel(shop, order)

    # 226.00 kept, 400.00 prepaid: the order is covered and counts zero, not -174.00.
    assert reload(order).open_amount == Decimal("0.00")
    assert open_orders_amount(customer) == Decimal("113.00")
    assert open_orders_amount(customer, excluding=other) == Decimal("0.00")


def test_the_credit_check_no_longer_counts_a_cancelled_remainder(shop):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit="400.00")
    order = confirmed(shop, quantity="3")  # 339.00
    ship(shop, order, "1")
    held = submit_order(draft(shop, quantity="1"), actor=org.a.user("sales_rep"))
    assert held.status == OrderStatus.ON_HOLD  # 339.00 + 113.00 is above 400.00

    cancel(shop, order)  # 2 units cancelled: 113.00 stays open

    accepted = submit_order(draft(shop, quantity="1"), actor=org.a.user("sales_rep"))
    assert accepted.status == OrderStatus.CONFIRMED  # 113.00 + 113.00 is within 400.00


def test_the_order_page_and_api_show_the_cancelled_remainder(shop, client_for, client):
    order = confirmed(shop)
    ship(shop, order, "2")
    cancel(shop, order)
    rep = shop.org.a.user("sales_rep")

    page = client_for(rep).get(reverse("orders:detail", args=[order.pk]))
    assert page.status_code == 200
    assert 'data-testid="cancelled-amount">¥339.00<' in page.content.decode()

    answer = client.get(f"/api/v1/orders/{order.pk}", **bearer(api_key_for(rep, ["orders:read"])))
    assert answer.status_code == 200
    assert answer.json()["cancelled_amount"] == "339.00"


def test_the_migration_values_remainders_cancelled_before_the_column_existed(shop):
    first = confirmed(shop)
    ship(shop, first, "2")
    cancel(shop, first)
    second = confirmed(shop, quantity="1")
    SalesOrder.objects.update(cancelled_amount=Decimal("0.00"))  # as the column was added
    migration = importlib.import_module("salesops.orders.migrations.0005_salesorder_cancelled_amount")

    migration.value_cancelled_remainders(apps, None)
    migration.value_cancelled_remainders(apps, None)  # idempotent

    assert reload(first).cancelled_amount == Decimal("339.00")
    assert reload(second).cancelled_amount == Decimal("0.00")
