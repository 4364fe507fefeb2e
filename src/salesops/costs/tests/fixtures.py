"""Costs test helpers: invoiced sales in both regions (one with returned goods), through the real actions."""

from dataclasses import dataclass
from decimal import Decimal

from salesops.billing.actions import confirm_correction, issue_invoice, request_correction
from salesops.billing.models import Invoice
from salesops.orders.actions import submit_order
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import Shop, draft


@dataclass
class Sales:
    shop: Shop
    invoice_a: Invoice
    invoice_b: Invoice


def invoiced(shop: Shop, region, *, quantity: str, warehouse) -> Invoice:
    org = shop.org
    order = draft(
        shop, actor=region.user("sales_rep"), customer=region.customer, warehouse=warehouse, quantity=quantity
    )
    order = submit_order(order, actor=region.user("sales_rep"))
    ship_order(order, actor=region.user("warehouse"), lines=None)
    return issue_invoice(order, actor=org.admin)


def build_sales(shop: Shop) -> Sales:
    """Region a: 4 units invoiced (400.00 net, standard cost 50.00 each), 1 returned by a credit note (-100.00).
    Region b: 2 units invoiced (200.00 net)."""
    org = shop.org
    invoice_a = invoiced(shop, org.a, quantity="4", warehouse=shop.warehouse)
    invoice_b = invoiced(shop, org.b, quantity="2", warehouse=shop.warehouse_b)
    line = invoice_a.lines.get()
    request = request_correction(
        invoice_a,
        actor=org.a.user("finance"),
        kind="return",
        reason="客户退货 1 台",
        lines=[{"invoice_line_id": line.pk, "quantity": Decimal(1)}],
    )
    confirm_correction(request, actor=org.admin)
    return Sales(shop, invoice_a, invoice_b)
