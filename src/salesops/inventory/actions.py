"""Writes for stock. Each action is one transaction: conditional updates (locks.py), ledger rows, events."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.catalog.models import Product
from salesops.core import clock
from salesops.core.events import record_event, to_json
from salesops.core.instances import insert
from salesops.inventory import locks
from salesops.inventory.models import SafetyStock, StockLevel, StockMovement, Warehouse
from salesops.inventory.queries import may_change_stock

MAX_QUANTITY = Decimal("1e10")


@dataclass(frozen=True)
class StockLine:
    """A quantity of one product in one warehouse, as documents (orders, shipments) ask for it."""

    product: Product
    warehouse: Warehouse
    quantity: Decimal


class InsufficientStock(ValidationError):
    """Not enough available stock for one or more lines; nothing was reserved."""

    def __init__(self, shortages: list[dict]):
        self.shortages = shortages
        super().__init__(
            {
                "lines": [
                    _("%(sku)s at %(warehouse)s: %(requested)s requested, %(available)s available.") % shortage
                    for shortage in shortages
                ]
            }
        )


def clean_quantity(raw, field: str, *, allow_negative: bool = False) -> Decimal:
    try:
        quantity = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not quantity.is_finite() or abs(quantity) >= MAX_QUANTITY:
        raise ValidationError({field: [_("Enter a realistic quantity.")]})
    if quantity != quantity.quantize(Decimal("0.001")):
        raise ValidationError({field: [_("At most 3 decimal places.")]})
    if quantity == 0 or (quantity < 0 and not allow_negative):
        raise ValidationError({field: [_("Enter a quantity above zero.")]})
    return quantity


def check_stock_keeper(actor: User) -> None:
    if not may_change_stock(actor):
        raise PermissionDenied(_("Only warehouse staff may change stock."))


def source_key(source: models.Model | None) -> tuple[str, str]:
    if source is None:
        return "", ""
    return source._meta.label_lower, str(source.pk)


def movement(
    line: StockLine, kind: str, *, on_hand: Decimal, reserved: Decimal, source, actor, note=""
) -> StockMovement:
    """An unsaved ledger row (callers save a document's rows in one INSERT)."""
    source_type, source_id = source_key(source)
    return StockMovement(
        product=line.product,
        warehouse=line.warehouse,
        kind=kind,
        on_hand_change=on_hand,
        reserved_change=reserved,
        source_type=source_type,
        source_id=source_id,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now(),
    )


def check_safety(lines: list[StockLine], *, available_change: int, actor) -> None:
    """Raise `stock.below_safety` for each line whose available stock just crossed below its safety minimum (once
    per crossing). `available_change` is -1 when the lines took stock, +1 when they gave it back.

    Two queries whatever the number of lines, and one when no line has a safety minimum. The levels read here
    are locked by this transaction's own UPDATEs, so they are exactly this change's result.
    """
    keys = {(line.product.pk, line.warehouse.pk): line for line in lines}
    safeties = {key: minimum for key, minimum in safety_minimums(keys).items() if key in keys}
    if not safeties:
        return
    levels = StockLevel.objects.select_related("product", "warehouse").filter(
        product_id__in={p for p, _ in safeties}, warehouse_id__in={w for _, w in safeties}
    )
    for level in levels:
        key = (level.product_id, level.warehouse_id)
        if key in safeties:
            before = level.available - available_change * keys[key].quantity
            raise_if_crossed(level, safeties[key], before_available=before, actor=actor)


def safety_minimums(keys) -> dict[tuple[int, int], Decimal]:
    """(product id, warehouse id) -> safety minimum, for the products and warehouses of `keys` (such pairs).

    Hand-written SQL (the same on SQLite and PostgreSQL): every reservation reads it, and the ORM took longer to
    build the statement than the database took to run it."""
    products, warehouses = sorted({p for p, _ in keys}), sorted({w for _, w in keys})
    if not products:
        return {}
    sql = (
        f"SELECT product_id, warehouse_id, minimum FROM {connection.ops.quote_name(SafetyStock._meta.db_table)} "
        f"WHERE product_id IN ({', '.join(['%s'] * len(products))}) "
        f"AND warehouse_id IN ({', '.join(['%s'] * len(warehouses))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*products, *warehouses])
        rows = cursor.fetchall()
    places = Decimal(1).scaleb(-SafetyStock._meta.get_field("minimum").decimal_places)
    # SQLite hands back its decimal columns as numbers: str() gives the shortest decimal that reads the same.
    return {(p, w): Decimal(str(m) if isinstance(m, float) else m).quantize(places) for p, w, m in rows}


def raise_if_crossed(level: StockLevel, minimum: Decimal, *, before_available: Decimal, actor) -> None:
    if level.available < minimum <= before_available:
        record_event(
            "stock.below_safety",
            level,
            actor=actor,
            data={
                "product": level.product.sku,
                "warehouse": level.warehouse.code,
                "available": level.available,
                "minimum": minimum,
            },
        )


def merged(lines: Iterable[StockLine]) -> list[StockLine]:
    """One line per product and warehouse, in a fixed order so concurrent transactions lock rows alike."""
    totals: dict[tuple[int, int], StockLine] = {}
    for line in lines:
        key = (line.product.pk, line.warehouse.pk)
        if key in totals:
            line = StockLine(line.product, line.warehouse, totals[key].quantity + line.quantity)
        totals[key] = line
    return [totals[key] for key in sorted(totals)]


def level_of(line: StockLine) -> StockLevel:
    return StockLevel.objects.select_related("product", "warehouse").get(
        product_id=line.product.pk, warehouse_id=line.warehouse.pk
    )


def reserve_stock(lines: Iterable[StockLine], *, source: models.Model, actor) -> None:
    """Reserve every line or none: on any shortage, InsufficientStock lists all short lines and nothing changes."""
    lines = merged(lines)
    with transaction.atomic():
        shortages, taken = [], []
        for line in lines:
            level = locks.take_available_reporting_safety(line.product.pk, line.warehouse.pk, line.quantity)
            if level is not None:
                taken.append((line, level))
            else:
                current = StockLevel.objects.filter(product_id=line.product.pk, warehouse_id=line.warehouse.pk).first()
                shortages.append(
                    {
                        "sku": line.product.sku,
                        "warehouse": line.warehouse.code,
                        "requested": line.quantity,
                        "available": current.available if current else 0,
                    }
                )
        if shortages:
            raise InsufficientStock(shortages)  # rolls back the lines already taken
        insert(
            [
                movement(
                    line,
                    StockMovement.Kind.RESERVATION,
                    on_hand=Decimal(0),
                    reserved=line.quantity,
                    source=source,
                    actor=actor,
                )
                for line in lines
            ]
        )
        # The levels as the UPDATEs left them, with their safety minimums: no statement of its own (check_safety).
        for line, level in taken:
            if level.safety_minimum is not None:
                row = StockLevel(
                    pk=level.pk,
                    product=line.product,
                    warehouse=line.warehouse,
                    on_hand=level.on_hand,
                    reserved=level.reserved,
                )
                row._state.adding = False
                raise_if_crossed(row, level.safety_minimum, before_available=row.available + line.quantity, actor=actor)
        record_event("stock.reserved", source, actor=actor, data={"lines": lines_data(lines)})


def release_stock(lines: Iterable[StockLine], *, source: models.Model, actor) -> None:
    """Give reserved stock back (an order cancelled or rejected)."""
    lines = merged(lines)
    with transaction.atomic():
        for line in lines:
            if not locks.give_back(line.product.pk, line.warehouse.pk, line.quantity):
                raise ValidationError(
                    {"lines": [_("%(sku)s: less is reserved than released.") % {"sku": line.product.sku}]}
                )
        StockMovement.objects.bulk_create(
            [
                movement(
                    line,
                    StockMovement.Kind.RELEASE,
                    on_hand=Decimal(0),
                    reserved=-line.quantity,
                    source=source,
                    actor=actor,
                )
                for line in lines
            ]
        )
        record_event("stock.released", source, actor=actor, data={"lines": lines_data(lines)})


def ship_stock(lines: Iterable[StockLine], *, source: models.Model, actor) -> None:
    """Consume reserved stock: it leaves the warehouse."""
    lines = merged(lines)
    with transaction.atomic():
        for line in lines:
            if not locks.consume_reserved(line.product.pk, line.warehouse.pk, line.quantity):
                raise ValidationError(
                    {"lines": [_("%(sku)s: less is reserved than shipped.") % {"sku": line.product.sku}]}
                )
        StockMovement.objects.bulk_create(
            [
                movement(
                    line,
                    StockMovement.Kind.SHIPMENT,
                    on_hand=-line.quantity,
                    reserved=-line.quantity,
                    source=source,
                    actor=actor,
                )
                for line in lines
            ]
        )
        record_event("stock.shipped", source, actor=actor, data={"lines": lines_data(lines)})


def return_stock(lines: Iterable[StockLine], *, source: models.Model, actor) -> None:
    """Goods a customer sent back come in again (a receipt whose source is the credit note)."""
    lines = merged(lines)
    with transaction.atomic():
        for line in lines:
            locks.change_on_hand(line.product.pk, line.warehouse.pk, line.quantity)
        StockMovement.objects.bulk_create(
            [
                movement(
                    line,
                    StockMovement.Kind.RECEIPT,
                    on_hand=line.quantity,
                    reserved=Decimal(0),
                    source=source,
                    actor=actor,
                )
                for line in lines
            ]
        )
        record_event("stock.returned", source, actor=actor, data={"lines": lines_data(lines)})


def receive_stock(*, product: Product, warehouse: Warehouse, quantity, actor: User, note: str = "") -> StockLevel:
    """Goods in: on hand grows by `quantity`."""
    check_stock_keeper(actor)
    quantity = clean_quantity(quantity, "quantity")
    line = StockLine(product, warehouse, quantity)
    with transaction.atomic():
        locks.change_on_hand(product.pk, warehouse.pk, quantity)
        receipt = movement(
            line, StockMovement.Kind.RECEIPT, on_hand=quantity, reserved=Decimal(0), source=None, actor=actor, note=note
        )
        receipt.save()
        level = level_of(line)
        record_event(
            "stock.received", level, actor=actor, data={"quantity": quantity, "movement": receipt.pk, "note": note}
        )
    return level


def adjust_stock(*, product: Product, warehouse: Warehouse, change, reason: str, actor: User) -> StockLevel:
    """A stock count correction (positive or negative, with a reason); never below what is reserved."""
    check_stock_keeper(actor)
    change = clean_quantity(change, "change", allow_negative=True)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the stock is adjusted.")]})
    line = StockLine(product, warehouse, change)
    with transaction.atomic():
        if not locks.change_on_hand(product.pk, warehouse.pk, change):
            raise ValidationError({"change": [_("That would take stock on hand below what is reserved.")]})
        adjustment = movement(
            line,
            StockMovement.Kind.ADJUSTMENT,
            on_hand=change,
            reserved=Decimal(0),
            source=None,
            actor=actor,
            note=reason.strip(),
        )
        adjustment.save()
        level = level_of(line)
        record_event(
            "stock.adjusted",
            level,
            actor=actor,
            data={"change": change, "reason": reason.strip(), "movement": adjustment.pk},
        )
        check_safety([line], available_change=1, actor=actor)
    return level


def lines_data(lines: list[StockLine]) -> list[dict]:
    return to_json(
        [{"product": line.product.sku, "warehouse": line.warehouse.code, "quantity": line.quantity} for line in lines]
    )
