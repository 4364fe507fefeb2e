"""Billing test helpers: orders taken to shipped through the real actions."""

from decimal import Decimal

from salesops.orders.actions import record_prepayment, submit_order
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import Shop, draft


def shipped_order(
    shop: Shop, *, quantity: str = "4", prepayment: str | None = None, partial: str | None = None, **extra
) -> SalesOrder:
    """A confirmed order for region a's customer, shipped in full (or `partial` units of its line)."""
    org = shop.org
    order = submit_order(draft(shop, quantity=quantity, **extra), actor=org.a.user("sales_rep"))
    assert order.status == OrderStatus.CONFIRMED, order.hold_reason
    if prepayment:
        record_prepayment(order, actor=org.a.user("finance"), amount=Decimal(prepayment))
    lines = None
    if partial:
        lines = [{"order_line_id": order.lines.get().pk, "quantity": partial}]
    ship_order(order, actor=org.a.user("warehouse"), lines=lines)
    return SalesOrder.objects.get(pk=order.pk)
