"""The only statements that change stock quantities: single conditional UPDATEs.

Each one checks and changes in the same statement (`... WHERE on_hand - reserved >= n`), so two clients can
never both take the last unit, whatever the database: PostgreSQL re-checks the condition on the row it waited
for, and SQLite runs writers one at a time (immediate transactions). They return whether the row changed.
"""

from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from salesops.inventory.models import StockLevel


def level_row(product_id: int, warehouse_id: int) -> StockLevel:
    """The stock level row, created at zero the first time (the unique constraint settles a race)."""
    try:
        with transaction.atomic():
            level, _created = StockLevel.objects.get_or_create(product_id=product_id, warehouse_id=warehouse_id)
    except IntegrityError:
        level = StockLevel.objects.get(product_id=product_id, warehouse_id=warehouse_id)
    return level


def update_level(assignments: str, condition: str, product_id: int, warehouse_id: int, quantity: Decimal) -> bool:
    """Run one conditional UPDATE on a stock level row; `assignments` and `condition` use %(q)s for the quantity.

    Hand-written because it is the hottest statement of the order path and compiling it through the ORM costs more
    than running it; the SQL is the same on SQLite and PostgreSQL.
    """
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    quantity_sql = "CAST(%s AS NUMERIC)"
    sql = (
        f"UPDATE {table} SET {assignments.replace('%(q)s', quantity_sql)}, updated_at = %s "
        f"WHERE product_id = %s AND warehouse_id = %s AND {condition.replace('%(q)s', quantity_sql)}"
    )
    params = [str(quantity)] * assignments.count("%(q)s") + [timezone.now(), product_id, warehouse_id]
    params += [str(quantity)] * condition.count("%(q)s")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
