"""/api/v1 warehouses and stock: read stock and the ledger; receipts and adjustments are POST actions."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.catalog.models import Product
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import ListParams, Page, paginate
from salesops.core.exports import export_format
from salesops.core.scoping import for_user, get_for_user
from salesops.inventory import actions
from salesops.inventory.exports import stock_export
from salesops.inventory.filters import filter_movements, filter_stock, with_availability
from salesops.inventory.models import StockLevel, StockMovement, Warehouse
from salesops.inventory.schemas import (
    AdjustmentIn,
    MovementFilters,
    MovementOut,
    ReceiptIn,
    StockFilters,
    StockLevelOut,
    WarehouseOut,
)

router = Router(tags=["stock"])


def visible(request: HttpRequest, model, pk: int, field: str):
    """An object the caller may see, or a 422 naming the field (for ids in a request body)."""
    try:
        return for_user(model.objects.all(), request.user).get(pk=pk)
    except model.DoesNotExist:
        raise ValidationError({field: [f"No {model._meta.model_name} with id {pk}."]}) from None


def level_out(request: HttpRequest, level: StockLevel) -> StockLevel:
    return get_for_user(with_availability(StockLevel.objects.all()), request.user, pk=level.pk)


@router.get("/warehouses", response={200: Page[WarehouseOut], **READ_ERRORS}, summary="List warehouses")
def list_warehouses(request: HttpRequest, params: Query[ListParams]):
    require_scope(request, "stock:read")
    return paginate(for_user(Warehouse.objects.order_by("code"), request.user), params)


@router.get("/stock", response={200: Page[StockLevelOut], **READ_ERRORS}, summary="List stock levels")
def list_stock(request: HttpRequest, filters: Query[StockFilters]):
    """On hand, reserved and available per product and warehouse."""
    require_scope(request, "stock:read")
    return paginate(filter_stock(for_user(StockLevel.objects.all(), request.user), filters), filters)


@export_routes(router, "/stock/export", summary="Export stock levels")
def export_stock(request: HttpRequest, filters: Query[StockFilters]):
    require_scope(request, "stock:read")
    return stock_export(filter_stock(for_user(StockLevel.objects.all(), request.user), filters), export_format(request))


@router.get("/stock/movements", response={200: Page[MovementOut], **READ_ERRORS}, summary="The stock ledger")
def list_movements(request: HttpRequest, filters: Query[MovementFilters]):
    """Every receipt, reservation, release, shipment and adjustment, with its source document."""
    require_scope(request, "stock:read")
    return paginate(filter_movements(for_user(StockMovement.objects.all(), request.user), filters), filters)


@router.post(
    "/stock/receipts",
    response={201: StockLevelOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Receive stock",
)
@idempotent
def receive(request: HttpRequest, payload: ReceiptIn):
    """Goods in: on hand grows. Warehouse staff and administrators only."""
    require_scope(request, "stock:write")
    level = actions.receive_stock(
        product=visible(request, Product, payload.product_id, "product_id"),
        warehouse=visible(request, Warehouse, payload.warehouse_id, "warehouse_id"),
        quantity=payload.quantity,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, StockLevelOut.from_orm(level_out(request, level)))


@router.post(
    "/stock/adjustments",
    response={201: StockLevelOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Adjust stock after a count",
)
@idempotent
def adjust(request: HttpRequest, payload: AdjustmentIn):
    """A signed correction with a reason; on hand never drops below what is reserved."""
    require_scope(request, "stock:write")
    level = actions.adjust_stock(
        product=visible(request, Product, payload.product_id, "product_id"),
        warehouse=visible(request, Warehouse, payload.warehouse_id, "warehouse_id"),
        change=payload.change,
        reason=payload.reason,
        actor=request.user,
    )
    return Status(201, StockLevelOut.from_orm(level_out(request, level)))


# Declared after the POST routes above, so /stock/receipts is not taken for a level id.
@router.get("/stock/{level_id}", response={200: StockLevelOut, **READ_ERRORS}, summary="Read a stock level")
def read_stock(request: HttpRequest, level_id: int):
    require_scope(request, "stock:read")
    return get_for_user(with_availability(StockLevel.objects.all()), request.user, pk=level_id)
