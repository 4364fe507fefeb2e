"""/api/v1/shipments: parse, authorise, call the shipping action, return."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.exports import export_format
from salesops.core.scoping import get_for_user
from salesops.orders.exports import shipments_export
from salesops.orders.filters import filter_shipments
from salesops.orders.models import Shipment
from salesops.orders.queries import visible_orders, visible_shipments
from salesops.orders.schemas import ShipmentFilters, ShipmentIn, ShipmentOut
from salesops.orders.shipment_actions import ship_order

router = Router(tags=["shipments"])


def shipment_out(shipment: Shipment) -> ShipmentOut:
    fresh = (
        Shipment.objects.select_related("order__customer", "warehouse", "shipped_by")
        .prefetch_related("lines__product")
        .get(pk=shipment.pk)
    )
    return ShipmentOut.from_orm(fresh)


@router.get("/shipments", response={200: Page[ShipmentOut], **READ_ERRORS}, summary="List shipments")
def list_shipments(request: HttpRequest, filters: Query[ShipmentFilters]):
    """Shipments of orders the caller may see (warehouse staff: of their region's warehouses)."""
    require_scope(request, "orders:read")
    shipments = filter_shipments(visible_shipments(request.user).prefetch_related("lines__product"), filters)
    return paginate(shipments, filters)


@export_routes(router, "/shipments/export", summary="Export shipments")
def export_shipments(request: HttpRequest, filters: Query[ShipmentFilters]):
    require_scope(request, "orders:read")
    return shipments_export(filter_shipments(visible_shipments(request.user), filters), export_format(request))


@router.post(
    "/shipments", response={201: ShipmentOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Ship an order"
)
@idempotent
def create_shipment(request: HttpRequest, payload: ShipmentIn):
    """Warehouse staff ship all or part of a confirmed order from its warehouse; the reserved stock is consumed
    and the order becomes partially shipped or shipped. Omit `lines` to ship everything still to ship."""
    require_scope(request, "orders:write")
    order = visible_orders(request.user).filter(pk=payload.order_id).first()
    if order is None:
        raise ValidationError({"order_id": ["Choose an order you may ship."]})
    lines = [line.dict() for line in payload.lines] if payload.lines is not None else None
    shipment = ship_order(
        order,
        actor=request.user,
        lines=lines,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
        note=payload.note,
    )
    return Status(201, shipment_out(shipment))


@router.get("/shipments/{shipment_id}", response={200: ShipmentOut, **READ_ERRORS}, summary="Read a shipment")
def read_shipment(request: HttpRequest, shipment_id: int):
    require_scope(request, "orders:read")
    return shipment_out(get_for_user(visible_shipments(request.user), request.user, pk=shipment_id))


@router.get(
    "/shipments/{shipment_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="A shipment's timeline"
)
def shipment_events(request: HttpRequest, shipment_id: int):
    require_scope(request, "orders:read")
    return event_list(get_for_user(visible_shipments(request.user), request.user, pk=shipment_id))
