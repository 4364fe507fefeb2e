"""The only statements that change stock quantities: single conditional UPDATEs.

Each one checks and changes in the same statement (`... WHERE on_hand - reserved >= n`), so two clients can
never both take the last unit, whatever the database: PostgreSQL re-checks the condition on the row it waited
for, and SQLite runs writers one at a time (immediate transactions). They return whether the row changed.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from salesops.inventory.models import SafetyStock, StockLevel


def level_row(product_id: int, warehouse_id: int) -> StockLevel:
    """The stock level row, created at zero the first time (the unique constraint settles a race)."""
    try:
        with transaction.atomic():
            level, _created = StockLevel.objects.get_or_create(product_id=product_id, warehouse_id=warehouse_id)
    except IntegrityError:
        level = StockLevel.objects.get(product_id=product_id, warehouse_id=warehouse_id)
    return level


def update_level(
    assignments: str, condition: str, product_id: int, warehouse_id: int, quantity: Decimal, *, returning: str = ""
):
    """Run one conditional UPDATE on a stock level row; `assignments` and `condition` use %(q)s for the quantity.
    Returns whether the row changed, or with `returning` (columns of the row as changed) that row, None when the
    row did not change.

    Hand-written because it is the hottest statement of the order path and compiling it through the ORM costs more
    than running it; the SQL is the same on SQLite and PostgreSQL.
    """
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    quantity_sql = "CAST(%s AS NUMERIC)"
    sql = (
        f"UPDATE {table} SET {assignments.replace('%(q)s', quantity_sql)}, updated_at = %s "
        f"WHERE product_id = %s AND warehouse_id = %s AND {condition.replace('%(q)s', quantity_sql)}"
    )
    if returning:
        sql += f" RETURNING {returning.format(table=table)}"
    params = [str(quantity)] * assignments.count("%(q)s") + [timezone.now(), product_id, warehouse_id]
    params += [str(quantity)] * condition.count("%(q)s")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            return cursor.fetchone()
        return cursor.rowcount == 1


# Every sum is rounded to the column's 3 places: SQLite does this arithmetic in binary floating point, where
# 0.1 + 0.2 > 0.3, so an unrounded sum would refuse the last 0.2 of 0.3 units or break the CHECK on_hand >= reserved.
# Rounded, every value is the one nearest its 3-place decimal and comparisons are exact. On PostgreSQL (numeric)
# the rounding changes nothing.


def take_available(product_id: int, warehouse_id: int, quantity: Decimal) -> bool:
    """Reserve `quantity` if that much is available."""
    return update_level(
        "reserved = ROUND(reserved + %(q)s, 3)",
        "on_hand >= ROUND(reserved + %(q)s, 3)",
        product_id,
        warehouse_id,
        quantity,
    )


@dataclass(frozen=True)
class TakenLevel:
    """A stock level row as a reservation left it, with its safety minimum (None when it has none)."""

    pk: int
    on_hand: Decimal
    reserved: Decimal
    safety_minimum: Decimal | None


def take_available_reporting_safety(product_id: int, warehouse_id: int, quantity: Decimal) -> TakenLevel | None:
    """`take_available`, returning the row as it is afterwards with its safety minimum, or None when that much is
    not available. The minimum is read in the UPDATE's RETURNING clause (the same on SQLite and PostgreSQL), so
    the safety check of a reservation costs no statement of its own."""
    safety = connection.ops.quote_name(SafetyStock._meta.db_table)
    row = update_level(
        "reserved = ROUND(reserved + %(q)s, 3)",
        "on_hand >= ROUND(reserved + %(q)s, 3)",
        product_id,
        warehouse_id,
        quantity,
        returning=(
            f"id, on_hand, reserved, (SELECT s.minimum FROM {safety} s WHERE s.product_id = {{table}}.product_id "
            "AND s.warehouse_id = {table}.warehouse_id)"
        ),
    )
    if row is None:
        return None
    pk, on_hand, reserved, minimum = row
    return TakenLevel(pk, exact(on_hand, 3), exact(reserved, 3), None if minimum is None else exact(minimum, 3))


def exact(value, places: int) -> Decimal:
    """A decimal column's value as the ORM reads it: SQLite hands them back as numbers (str() gives the shortest
    decimal that reads the same), with the column's places."""
    return Decimal(str(value) if isinstance(value, float) else value).quantize(Decimal(1).scaleb(-places))


def give_back(product_id: int, warehouse_id: int, quantity: Decimal) -> bool:
    """Release a reservation of `quantity`."""
    return update_level(
        "reserved = ROUND(reserved - %(q)s, 3)", "reserved >= %(q)s", product_id, warehouse_id, quantity
    )


def consume_reserved(product_id: int, warehouse_id: int, quantity: Decimal) -> bool:
    """Ship reserved stock: it leaves both on hand and reserved."""
    return update_level(
        "on_hand = ROUND(on_hand - %(q)s, 3), reserved = ROUND(reserved - %(q)s, 3)",
        "reserved >= %(q)s AND on_hand >= %(q)s",
        product_id,
        warehouse_id,
        quantity,
    )


def change_on_hand(product_id: int, warehouse_id: int, change: Decimal) -> bool:
    """Add (or, when negative, remove) stock on hand, never below what is reserved."""
    level_row(product_id, warehouse_id)
    return update_level(
        "on_hand = ROUND(on_hand + %(q)s, 3)", "ROUND(on_hand + %(q)s, 3) >= reserved", product_id, warehouse_id, change
    )
