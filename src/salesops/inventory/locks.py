"""The only statements that change stock quantities: single conditional UPDATEs.

Each one checks and changes in the same statement (`... WHERE on_hand - reserved >= n`), so two clients can
never both take the last unit, whatever the database: PostgreSQL re-checks the condition on the row it waited
for, and SQLite runs writers one at a time (immediate transactions). They return whether the row changed.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
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


def stock(product_id: int, warehouse_id: int):
    return StockLevel.objects.filter(product_id=product_id, warehouse_id=warehouse_id)


def take_available(product_id: int, warehouse_id: int, quantity: Decimal) -> bool:
    """Reserve `quantity` if that much is available."""
    return bool(
        stock(product_id, warehouse_id)
        .filter(on_hand__gte=F("reserved") + quantity)
        .update(reserved=F("reserved") + quantity, updated_at=timezone.now())
    )


def give_back(product_id: int, warehouse_id: int, quantity: Decimal) -> bool:
    """Release a reservation of `quantity`."""
    return bool(
        stock(product_id, warehouse_id)
        .filter(reserved__gte=quantity)
        .update(reserved=F("reserved") - quantity, updated_at=timezone.now())
    )


def consume_reserved(product_id: int, warehouse_id: int, quantity: Decimal) -> bool:
    """Ship reserved stock: it leaves both on hand and reserved."""
    return bool(
        stock(product_id, warehouse_id)
        .filter(reserved__gte=quantity, on_hand__gte=quantity)
        .update(on_hand=F("on_hand") - quantity, reserved=F("reserved") - quantity, updated_at=timezone.now())
    )


def change_on_hand(product_id: int, warehouse_id: int, change: Decimal) -> bool:
    """Add (or, when negative, remove) stock on hand, never below what is reserved."""
    level_row(product_id, warehouse_id)
    return bool(
        stock(product_id, warehouse_id)
        .filter(on_hand__gte=F("reserved") - change)
        .update(on_hand=F("on_hand") + change, updated_at=timezone.now())
    )
