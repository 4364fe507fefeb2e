"""/api/v1/orders: parse, authorise, call an action, return."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.accounts.models import User
from salesops.catalog.models import Product
from salesops.core.api.actions import action_endpoint
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.exports import export_format
from salesops.core.instances import with_related
from salesops.core.scoping import for_user, get_for_user
from salesops.customers.models import Customer
from salesops.inventory.models import Warehouse
from salesops.orders import actions
from salesops.orders.exports import orders_export
from salesops.orders.filters import filter_orders
from salesops.orders.models import OrderLine, SalesOrder
from salesops.orders.queries import visible_orders
from salesops.orders.schemas import CommentIn, OrderFilters, OrderIn, OrderLineIn, OrderOut, OrderPatch, PrepaymentIn

router = Router(tags=["orders"])


def visible(request: HttpRequest, model, pk: int | None):
    """The object with `pk` if the caller may see it, else None (the action names the field at fault)."""
    if pk is None:
        return None
    found = with_related(for_user(model.objects.filter(pk=pk), request.user))
    return found[0] if found else None


def owner_of(pk: int | None) -> User | None:
    if pk is None:
        return None
    owner = User.objects.filter(pk=pk).first()
    if owner is None:  # the same answer as for a user the caller may not assign
        raise ValidationError({"owner_id": ["You may not assign orders to this user."]})
    return owner


def lines_of(request: HttpRequest, lines: list[OrderLineIn]) -> list[dict]:
    chosen = Product.objects.filter(pk__in={line.product_id for line in lines})
    products = {product.pk: product for product in with_related(for_user(chosen, request.user), "line")}
    return [
        {
            "product": products.get(line.product_id),
            "quantity": line.quantity,
            "discount_percent": line.discount_percent,
        }
        for line in lines
    ]


def get_order(request: HttpRequest, order_id: int) -> SalesOrder:
    """The order if the caller may see it, else 404. Only its id is read: every action locks and re-reads it."""
    return get_for_user(SalesOrder.objects.only("pk"), request.user, pk=order_id)


def order_out(order: SalesOrder) -> OrderOut:
    """The order as stored now: two queries (the order with its references, the lines with their products)."""
    fresh = (
        SalesOrder.objects.select_related("customer", "owner", "office", "region", "warehouse")
        .prefetch_related(Prefetch("lines", OrderLine.objects.select_related("product").order_by("position")))
        .get(pk=order.pk)
    )
    return OrderOut.from_orm(fresh)


@router.get("/orders", response={200: Page[OrderOut], **READ_ERRORS}, summary="List sales orders")
def list_orders(request: HttpRequest, filters: Query[OrderFilters]):
    """Orders the caller may see; filters by status, customer, region, owner and creation date."""
    require_scope(request, "orders:read")
    orders = filter_orders(visible_orders(request.user).prefetch_related("lines__product"), filters)
    return paginate(orders, filters)


@export_routes(router, "/orders/export", summary="Export sales orders")
def export_orders(request: HttpRequest, filters: Query[OrderFilters]):
    """The same filters and ordering as the list, all pages."""
    require_scope(request, "orders:read")
    return orders_export(filter_orders(visible_orders(request.user), filters), export_format(request))


@router.post(
    "/orders",
    response={201: OrderOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Create a draft order (and submit it)",
)
@idempotent
def create_order(request: HttpRequest, payload: OrderIn):
    """A draft for one of the caller's customers; unit prices come from the price list on today's date. With
    `submit`, the draft is submitted in the same transaction."""
    require_scope(request, "orders:write")
    order = (actions.place_order if payload.submit else actions.create_order)(
        actor=request.user,
        # A reference is enough: the action reads the customer through the caller's scope (and its current terms).
        customer=Customer(pk=payload.customer_id),
        warehouse=visible(request, Warehouse, payload.warehouse_id),
        owner=owner_of(payload.owner_id),
        discount_percent=payload.discount_percent,
        lines=lines_of(request, payload.lines),
    )
    return Status(201, OrderOut.from_orm(order))  # both actions return the order as stored, lines included


# Declared after /orders/export.csv and .xlsx, so those paths is not taken for an order id.
@router.get("/orders/{order_id}", response={200: OrderOut, **READ_ERRORS}, summary="Read a sales order")
def read_order(request: HttpRequest, order_id: int):
    require_scope(request, "orders:read")
    return order_out(get_order(request, order_id))


@router.patch("/orders/{order_id}", response={200: OrderOut, **WRITE_ERRORS}, summary="Change a draft order")
def update_order(request: HttpRequest, order_id: int, payload: OrderPatch):
    """Drafts only: warehouse, order discount, or all lines (replaced and re-priced)."""
    require_scope(request, "orders:write")
    order = get_order(request, order_id)
    sent = payload.dict(exclude_unset=True)
    changes = {}
    if "warehouse_id" in sent:
        changes["warehouse"] = visible(request, Warehouse, sent["warehouse_id"])
    if "discount_percent" in sent:
        changes["discount_percent"] = sent["discount_percent"]
    if "lines" in sent:
        changes["lines"] = lines_of(request, payload.lines or [])
    return order_out(actions.update_draft(order, actor=request.user, changes=changes))


@router.get(
    "/orders/{order_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="A sales order's timeline"
)
def order_events(request: HttpRequest, order_id: int):
    require_scope(request, "orders:read")
    return event_list(get_order(request, order_id))


# POST /orders/{order_id}/<verb>: the order within the caller's scope, the action with the comment, the order.
order_action = partial(
    action_endpoint,
    router,
    "/orders/{order_id}",
    load=get_order,
    answer=order_out,  # the order as stored after the action
    response=OrderOut,
    body=CommentIn,
    scopes=["orders:write"],
)
order_action(
    "submit",
    summary="Submit a draft order",
    description="Credit check (over the limit, or credit frozen or on hold: on_hold with the reason, unless "
    "prepay), then the approval policy (rejects, or routes the order to its approvers: see /approval-requests), "
    "then stock reservation (short: on_hold).",
    call=lambda order, *, actor, comment: actions.submit_order(order, actor=actor),
    answer=OrderOut.from_orm,  # submit_order returns the order with everything its answer shows
    answer_returned=True,
)
order_action(
    "approve",
    summary="Approve an order waiting for approval",
    description="The caller's approval task on the order (or one they stand in for) is approved; when the chain "
    "is complete the order is confirmed with its stock reserved.",
    call=actions.approve_order,
)
order_action(
    "reject",
    summary="Reject an order waiting for approval",
    description="The caller's approval task on the order is rejected, and the order with it; `comment` is required.",
    call=actions.reject_order,
)
order_action(
    "cancel",
    summary="Cancel an order",
    description="Drafts, submitted, held and confirmed orders; reserved stock is released.",
    call=actions.cancel_order,
)
order_action(
    "hold",
    summary="Put an order on hold",
    description="Submitted or confirmed orders; `comment` (the reason) is required.",
    call=actions.hold_order,
)
order_action(
    "release",
    summary="Release an order from hold",
    description="Runs the credit check, the approval gate and the stock reservation again; refused (422) if they fail.",
    call=actions.release_order,
)


@router.post(
    "/orders/{order_id}/prepayments",
    response={200: OrderOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Record a prepayment",
)
@idempotent
def record_prepayment(request: HttpRequest, order_id: int, payload: PrepaymentIn):
    """Finance only. Counts toward the order's payment and reduces its credit exposure."""
    require_scope(request, "orders:write")
    order = get_order(request, order_id)
    return Status(200, order_out(actions.record_prepayment(order, actor=request.user, amount=payload.amount)))
