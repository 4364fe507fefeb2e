"""Shipping: goods leave the order's warehouse, consuming its reservation. One action, one transaction.

Lock order as in `actions.py`: the order row first, then stock rows (through `inventory.actions.ship_stock`).
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.catalog.pricing import company_today
from salesops.core import clock
from salesops.core.events import record_event
from salesops.core.numbering import next_document_number
from salesops.inventory.actions import StockLine, clean_quantity, ship_stock
from salesops.orders.actions import clean_comment, line_quantities, lock
from salesops.orders.models import OrderLine, OrderStatus, SalesOrder, Shipment, ShipmentLine, transition
from salesops.orders.queries import may_ship

SHIPPABLE = (OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_SHIPPED)
MAX_TEXT = 100


def clean_text(raw, field: str, errors: dict, limit: int = MAX_TEXT) -> str:
    value = (raw or "").strip()
    if len(value) > limit:
        errors[field] = [_("At most %(count)s characters.") % {"count": limit}]
    return value


def shipment_quantities(
    order_lines: dict[int, OrderLine], requested: list[dict[str, Any]] | None, errors: dict
) -> list[tuple[OrderLine, Decimal]]:
    """The (order line, quantity) pairs to ship. No lines asked for means everything still to ship."""
    if requested is None:
        return [(line, line.remaining_quantity) for line in order_lines.values() if line.remaining_quantity > 0]
    if not requested:
        errors["lines"] = [_("Ship at least one line.")]
        return []
    result, seen = [], set()
    for index, raw in enumerate(requested):
        line = order_lines.get(raw.get("order_line_id"))
        if line is None:
            errors[f"lines.{index}.order_line_id"] = [_("Choose a line of this order.")]
            continue
        if line.pk in seen:
            errors[f"lines.{index}.order_line_id"] = [_("Each line once per shipment.")]
            continue
        seen.add(line.pk)
        try:
            quantity = clean_quantity(raw.get("quantity"), f"lines.{index}.quantity")
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if quantity > line.remaining_quantity:
            errors[f"lines.{index}.quantity"] = [
                _("Only %(remaining)s of %(sku)s remain to ship.")
                % {"remaining": line.remaining_quantity.normalize(), "sku": line.product.sku}
            ]
            continue
        result.append((line, quantity))
    return result


def ship_order(
    order: SalesOrder,
    *,
    actor: User,
    lines: list[dict[str, Any]] | None = None,
    carrier: str = "",
    tracking_number: str = "",
    note: str = "",
) -> Shipment:
    """Ship all or part of a confirmed order from its warehouse: `lines` are dicts with `order_line_id` and
    `quantity` (omitted: everything still to ship). The reserved stock is consumed (ledger movements with the
    shipment as source), each line's shipped quantity grows, and the order becomes partially shipped or shipped.
    Records `shipment.created` and, when the status changes, `order.<status>`. Nothing changes on any error."""
    if not may_ship(actor):
        raise PermissionDenied(_("Only warehouse staff ship orders."))
    errors: dict[str, list[str]] = {}
    carrier = clean_text(carrier, "carrier", errors)
    tracking_number = clean_text(tracking_number, "tracking_number", errors)
    note = clean_comment(note, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock(order)
        if locked.status not in SHIPPABLE:
            raise ValidationError({"status": [_("Only confirmed orders can be shipped.")]})
        order_lines = {line.pk: line for line in locked.lines.select_related("product")}
        quantities = shipment_quantities(order_lines, lines, errors)
        if errors:
            raise ValidationError(errors)
        if not quantities:
            raise ValidationError({"lines": [_("Nothing is left to ship on this order.")]})
        shipment = Shipment.objects.create(
            number=next_document_number("SH", company_today().year),
            order=locked,
            warehouse=locked.warehouse,
            carrier=carrier,
            tracking_number=tracking_number,
            note=note,
            shipped_by=actor,
            shipped_at=clock.now(),
        )
        ShipmentLine.objects.bulk_create(
            [
                ShipmentLine(shipment=shipment, order_line=line, product=line.product, quantity=q)
                for line, q in quantities
            ]
        )
        ship_stock(
            [StockLine(line.product, locked.warehouse, quantity) for line, quantity in quantities],
            source=shipment,
            actor=actor,
        )
        for line, quantity in quantities:
            line.shipped_quantity += quantity
        OrderLine.objects.bulk_update([line for line, _quantity in quantities], ["shipped_quantity"])
        record_event(
            "shipment.created",
            shipment,
            actor=actor,
            after={
                "order": locked.pk,
                "warehouse": locked.warehouse_id,
                "carrier": carrier,
                "tracking_number": tracking_number,
            },
            data={"lines": line_quantities(quantities)},
        )
        complete = all(line.remaining_quantity == 0 for line in order_lines.values())
        if complete:
            locked.is_stock_reserved = False
            locked.save(update_fields=["is_stock_reserved", "updated_at"])
            transition(locked, OrderStatus.SHIPPED, actor=actor, data={"shipment": shipment.number})
        elif locked.status != OrderStatus.PARTIALLY_SHIPPED:
            transition(locked, OrderStatus.PARTIALLY_SHIPPED, actor=actor, data={"shipment": shipment.number})
    return shipment
