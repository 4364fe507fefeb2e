from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.core.models import Event
from salesops.inventory.models import StockMovement
from salesops.orders.actions import cancel_order, submit_order
from salesops.orders.models import OrderStatus, Shipment
from salesops.orders.queries import credit_exposure
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import draft, reload
from salesops.testing.stock import ledger_totals, level

pytestmark = pytest.mark.django_db


def confirmed(shop, quantity="5"):
    order = submit_order(draft(shop, quantity=quantity), actor=shop.org.a.user("sales_rep"))
    assert order.status == OrderStatus.CONFIRMED
    return order


def test_a_partial_shipment_consumes_that_much_reservation_and_marks_the_order_partially_shipped(shop):
    order = confirmed(shop)
    line = order.lines.get()
    clerk = shop.org.a.user("warehouse")

    shipment = ship_order(
        order, actor=clerk, lines=[{"order_line_id": line.pk, "quantity": "2"}], carrier="顺丰", tracking_number="SF1"
    )

    assert shipment.number.startswith("SH-") and shipment.number.endswith("-000001")
    assert reload(order).status == OrderStatus.PARTIALLY_SHIPPED
    line.refresh_from_db()
    assert (line.shipped_quantity, line.remaining_quantity) == (Decimal(2), Decimal(3))
    stock = level(shop.product, shop.warehouse)
    assert (stock.on_hand, stock.reserved) == (Decimal(8), Decimal(3))
    assert ledger_totals(shop.product, shop.warehouse) == (Decimal(8), Decimal(3))
    movement = StockMovement.objects.get(kind=StockMovement.Kind.SHIPMENT)
    assert movement.source_id == str(shipment.pk)
    assert Event.objects.filter(type="shipment.created", subject_id=str(shipment.pk)).count() == 1
    assert Event.objects.filter(type="order.partially_shipped", subject_id=str(order.pk)).count() == 1


def test_the_last_shipment_ships_the_order_and_a_second_partial_adds_no_status_event(shop):
    order = confirmed(shop)
    line = order.lines.get()
    clerk = shop.org.a.user("warehouse")
    ship_order(order, actor=clerk, lines=[{"order_line_id": line.pk, "quantity": "1"}])
    ship_order(order, actor=clerk, lines=[{"order_line_id": line.pk, "quantity": "1"}])
    ship_order(order, actor=clerk)  # the rest

    order = reload(order)
    assert order.status == OrderStatus.SHIPPED and not order.is_stock_reserved
    assert Shipment.objects.filter(order=order).count() == 3
    assert Event.objects.filter(type="order.partially_shipped", subject_id=str(order.pk)).count() == 1
    assert Event.objects.filter(type="order.shipped", subject_id=str(order.pk)).count() == 1
    stock = level(shop.product, shop.warehouse)
    assert (stock.on_hand, stock.reserved) == (Decimal(5), Decimal(0))


@pytest.mark.parametrize(
    "lines, field",
    [
        ([], "lines"),
        ([{"order_line_id": 999999, "quantity": "1"}], "lines.0.order_line_id"),
        ([{"order_line_id": "LINE", "quantity": "6"}], "lines.0.quantity"),
        ([{"order_line_id": "LINE", "quantity": "0"}], "lines.0.quantity"),
        ([{"order_line_id": "LINE", "quantity": "x"}], "lines.0.quantity"),
        (
            [{"order_line_id": "LINE", "quantity": "1"}, {"order_line_id": "LINE", "quantity": "1"}],
            "lines.1.order_line_id",
        ),
    ],
)
def test_bad_shipment_lines_name_the_field_and_change_nothing(shop, lines, field):
    order = confirmed(shop)
    line_id = order.lines.get().pk
    lines = [
        {**line, "order_line_id": line_id if line["order_line_id"] == "LINE" else line["order_line_id"]}
        for line in lines
    ]
    movements = StockMovement.objects.count()

    with pytest.raises(ValidationError) as error:
        ship_order(order, actor=shop.org.a.user("warehouse"), lines=lines)

    assert field in error.value.message_dict
    assert Shipment.objects.count() == 0 and StockMovement.objects.count() == movements
    assert reload(order).status == OrderStatus.CONFIRMED


def test_only_confirmed_orders_ship_and_only_warehouse_staff_ship_them(shop):
    order = draft(shop)
    with pytest.raises(ValidationError) as error:
        ship_order(order, actor=shop.org.a.user("warehouse"))
    assert "status" in error.value.message_dict
    order = confirmed(shop)
    with pytest.raises(PermissionDenied):
        ship_order(order, actor=shop.org.a.user("sales_rep"))
    assert Shipment.objects.count() == 0


def test_cancelling_a_partially_shipped_order_releases_only_the_remainder(shop):
    order = confirmed(shop)
    line = order.lines.get()
    ship_order(order, actor=shop.org.a.user("warehouse"), lines=[{"order_line_id": line.pk, "quantity": "2"}])

    order = cancel_order(order, actor=shop.org.a.user("sales_rep"), comment="客户不要了")

    assert order.status == OrderStatus.SHIPPED
    line.refresh_from_db()
    assert (line.shipped_quantity, line.cancelled_quantity, line.remaining_quantity) == (2, 3, 0)
    stock = level(shop.product, shop.warehouse)
    assert (stock.on_hand, stock.reserved) == (Decimal(8), Decimal(0))
    assert ledger_totals(shop.product, shop.warehouse) == (Decimal(8), Decimal(0))
    with pytest.raises(ValidationError):
        ship_order(order, actor=shop.org.a.user("warehouse"))


def test_shipping_does_not_change_credit_exposure(shop):
    order = confirmed(shop)
    before = credit_exposure(draft(shop), shop.org.a.customer)
    ship_order(order, actor=shop.org.a.user("warehouse"))
    assert credit_exposure(draft(shop), shop.org.a.customer) == before
