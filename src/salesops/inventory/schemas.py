"""API schemas for warehouses and stock."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from salesops.core.api.listing import MAX_ID, ListParams, Text
from salesops.core.querying import ordering_pattern
from salesops.inventory.models import as_quantity
from salesops.inventory.ordering import MOVEMENT_ORDERING, STOCK_ORDERING

QUANTITY_DESCRIPTION = 'Decimal with up to 3 places, sent as a string or a number (e.g. "12.5").'


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    region_id: int
    is_active: bool


class ProductRef(Schema):
    id: int
    sku: str
    name: str
    unit: str


class WarehouseRef(Schema):
    id: int
    code: str
    name: str


class StockLevelOut(Schema):
    id: int
    product: ProductRef
    warehouse: WarehouseRef
    on_hand: Decimal
    reserved: Decimal
    available: Decimal = Field(description="on_hand - reserved; never negative.")
    safety_minimum: Decimal | None = Field(None, description="Available below this raises stock.below_safety.")
    updated_at: datetime

    @staticmethod
    def resolve_safety_minimum(level) -> Decimal | None:
        return as_quantity(getattr(level, "safety_minimum", None))


class MovementOut(Schema):
    id: int
    product: ProductRef
    warehouse: WarehouseRef
    kind: str
    on_hand_change: Decimal
    reserved_change: Decimal
    source_type: str
    source_id: str
    note: str
    actor: str | None
    created_at: datetime

    @staticmethod
    def resolve_actor(movement) -> str | None:
        return movement.actor.username if movement.actor_id else None


class ReceiptIn(Schema):
    product_id: int = Field(ge=1, le=MAX_ID)
    warehouse_id: int = Field(ge=1, le=MAX_ID)
    quantity: Decimal = Field(gt=0, lt=Decimal("1e10"), decimal_places=3, description=QUANTITY_DESCRIPTION)
    note: Text = Field("", max_length=200)


class AdjustmentIn(Schema):
    product_id: int = Field(ge=1, le=MAX_ID)
    warehouse_id: int = Field(ge=1, le=MAX_ID)
    change: Decimal = Field(
        gt=-Decimal("1e10"),
        lt=Decimal("1e10"),
        decimal_places=3,
        description="Positive adds, negative removes. " + QUANTITY_DESCRIPTION,
    )
    reason: Text = Field(min_length=1, max_length=200)


class StockFilters(ListParams):
    ordering: str | None = Field(None, pattern=ordering_pattern(STOCK_ORDERING), description="e.g. -available,sku")
    q: Text | None = Field(None, max_length=100, description="Matches SKU or product name.")
    product_id: int | None = Field(None, ge=1, le=MAX_ID)
    warehouse_id: int | None = Field(None, ge=1, le=MAX_ID)
    below_safety: bool | None = Field(None, description="Only levels whose available stock is below safety stock.")


class MovementFilters(ListParams):
    ordering: str | None = Field(None, pattern=ordering_pattern(MOVEMENT_ORDERING), description="e.g. -created_at")
    product_id: int | None = Field(None, ge=1, le=MAX_ID)
    warehouse_id: int | None = Field(None, ge=1, le=MAX_ID)
    kind: Text | None = Field(None, max_length=20)
    created_from: date | None = None
    created_to: date | None = None
