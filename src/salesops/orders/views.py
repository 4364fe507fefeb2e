"""Order pages: list (with the approval queue), new order and draft editing, detail with actions and timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.accounts.models import Role
from salesops.approvals.views import approval_panel
from salesops.core.exports import EXPORT_FORMATS
from salesops.core.pages import filters_from_request, list_query_string
from salesops.core.querying import InvalidParameter
from salesops.core.scoping import get_for_user
from salesops.core.timeline import timeline_entries
from salesops.inventory.models import StockLevel
from salesops.orders import actions
from salesops.orders.exports import orders_export, shipments_export
from salesops.orders.filters import filter_orders, filter_shipments
from salesops.orders.forms import OrderForm, add_action_errors, line_formset
from salesops.orders.models import TRANSITIONS, OrderStatus, SalesOrder
from salesops.orders.queries import (
    may_decide,
    may_hold,
    may_record_prepayment,
    may_sell,
    may_ship,
    visible_orders,
    visible_shipments,
    waiting_for_approval,
)
from salesops.orders.schemas import OrderFilters, ShipmentFilters
from salesops.orders.shipment_actions import SHIPPABLE, ship_order

PAGE_SIZE = 25
ACTIONS = {
    "submit": lambda order, actor, comment: actions.submit_order(order, actor=actor),
    "approve": lambda order, actor, comment: actions.approve_order(order, actor=actor, comment=comment),
    "reject": lambda order, actor, comment: actions.reject_order(order, actor=actor, comment=comment),
    "cancel": lambda order, actor, comment: actions.cancel_order(order, actor=actor, comment=comment),
    "hold": lambda order, actor, comment: actions.hold_order(order, actor=actor, comment=comment),
    "release": lambda order, actor, comment: actions.release_order(order, actor=actor, comment=comment),
}


def scoped_order(request, order_id: int) -> SalesOrder:
    return get_for_user(visible_orders(request.user), request.user, pk=order_id)


@login_required
def order_list(request):
    filters = filters_from_request(request, OrderFilters)
    queue = request.GET.get("queue")
    if queue == "approval":
        base = waiting_for_approval(request.user)
    elif queue == "shipping":
        base = visible_orders(request.user).filter(status__in=SHIPPABLE)
    else:
        queue, base = None, visible_orders(request.user)
    try:
        orders = filter_orders(base, filters)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        orders = filter_orders(base, OrderFilters())
    if request.GET.get("format") in EXPORT_FORMATS:
        return orders_export(orders, request.GET["format"])
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "queue": queue,
        "statuses": OrderStatus.choices,
        "can_sell": may_sell(request.user),
        "can_ship": may_ship(request.user),
        "waiting_count": waiting_for_approval(request.user).count(),
        "query_string": list_query_string(request),
    }
    template = "orders/list.html#results" if request.htmx else "orders/list.html"
    return render(request, template, context)


def require_seller(request) -> None:
    if not may_sell(request.user):
        raise PermissionDenied(_("Your role may not take orders."))


@login_required
def order_create(request):
    require_seller(request)
    form = OrderForm(request.POST or None, user=request.user)
    formset = line_formset(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        submit_now = "submit_now" in request.POST  # "Save and submit": one transaction, no draft left on refusal
        try:
            order = (actions.place_order if submit_now else actions.create_order)(
                actor=request.user,
                customer=data["customer"],
                warehouse=data["warehouse"],
                discount_percent=data["discount_percent"],
                lines=formset.action_lines(),
            )
        except ValidationError as exc:
            add_action_errors(form, formset, exc)
        else:
            if submit_now:
                message = _("Order %(number)s submitted: %(status)s.")
            else:
                message = _("Order %(number)s saved as a draft.")
            messages.success(request, message % {"number": order.number, "status": order.get_status_display()})
            return redirect("orders:detail", order_id=order.pk)
    context = {"form": form, "formset": formset, "title": _("New order"), "submit_now": True}
    return render(request, "orders/form.html", context)


@login_required
def order_edit(request, order_id: int):
    order = scoped_order(request, order_id)
    require_seller(request)
    if order.status != OrderStatus.DRAFT:
        messages.error(request, _("Only draft orders can be changed."))
        return redirect("orders:detail", order_id=order.pk)
    form = OrderForm(
        request.POST or None,
        user=request.user,
        editing=True,
        initial={"warehouse": order.warehouse_id, "discount_percent": order.discount_percent},
    )
    formset = line_formset(request, order)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            actions.update_draft(
                order,
                actor=request.user,
                changes={
                    "warehouse": data["warehouse"],
                    "discount_percent": data["discount_percent"],
                    "lines": formset.action_lines(),
                },
            )
        except ValidationError as exc:
            add_action_errors(form, formset, exc)
        else:
            messages.success(request, _("Order saved."))
            return redirect("orders:detail", order_id=order.pk)
    return render(
        request, "orders/form.html", {"form": form, "formset": formset, "order": order, "title": order.number}
    )


def available_actions(user, order: SalesOrder) -> list[str]:
    targets = TRANSITIONS.get(order.status, frozenset())
    allowed = []
    if may_sell(user) and order.status == OrderStatus.DRAFT:
        allowed.append("submit")
    if order.is_waiting_for_approval and may_decide(user, order):
        allowed += ["approve", "reject"]
    if may_hold(user) and OrderStatus.ON_HOLD in targets:
        allowed.append("hold")
    if may_hold(user) and order.status == OrderStatus.ON_HOLD:
        allowed.append("release")
    if may_sell(user) and OrderStatus.CANCELLED in targets:
        allowed.append("cancel")
    return allowed


@login_required
def order_detail(request, order_id: int):
    order = scoped_order(request, order_id)
    lines = list(order.lines.select_related("product"))
    levels = {
        level.product_id: level
        for level in StockLevel.objects.filter(
            warehouse_id=order.warehouse_id, product_id__in=[line.product_id for line in lines]
        )
    }
    rows = [(line, levels[line.product_id].available if line.product_id in levels else 0) for line in lines]
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "rows": rows,
            "shipments": visible_shipments(request.user).filter(order=order),
            "can_ship": may_ship(request.user) and order.status in SHIPPABLE,
            # Finance invoices what was shipped (the invoice itself is billing's business).
            "can_invoice": may_record_prepayment(request.user)
            and any(line.shipped_quantity > line.invoiced_quantity for line in lines),
            "invoices": order.invoices.all() if request.user.role != Role.WAREHOUSE else [],
            "actions": available_actions(request.user, order),
            "can_edit": may_sell(request.user) and order.status == OrderStatus.DRAFT,
            "timeline": timeline_entries(order),
            "approval": approval_panel(order, request.user),
        },
    )


@login_required
@require_POST
def order_action(request, order_id: int, action: str):
    order = scoped_order(request, order_id)
    if action not in ACTIONS:
        raise Http404("unknown action")
    try:
        order = ACTIONS[action](order, request.user, request.POST.get("comment", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Order %(number)s is now %(status)s.") % {"number": order.number, "status": order.get_status_display()},
        )
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def order_ship(request, order_id: int):
    """The ship form on the order page: one quantity per line (blank or 0: not in this shipment)."""
    order = scoped_order(request, order_id)
    lines = []
    for line in order.lines.all():
        quantity = request.POST.get(f"quantity_{line.pk}", "").strip()
        if quantity not in ("", "0"):
            lines.append({"order_line_id": line.pk, "quantity": quantity})
    try:
        shipment = ship_order(
            order,
            actor=request.user,
            lines=lines,
            carrier=request.POST.get("carrier", ""),
            tracking_number=request.POST.get("tracking_number", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("orders:detail", order_id=order.pk)
    messages.success(request, _("Shipment %(number)s recorded.") % {"number": shipment.number})
    return redirect("orders:shipment_detail", shipment_id=shipment.pk)


@login_required
def shipment_list(request):
    filters = filters_from_request(request, ShipmentFilters)
    base = visible_shipments(request.user)
    try:
        shipments = filter_shipments(base, filters)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        shipments = filter_shipments(base, ShipmentFilters())
    if request.GET.get("format") in EXPORT_FORMATS:
        return shipments_export(shipments, request.GET["format"])
    page = Paginator(shipments.prefetch_related("lines__product"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query_string": list_query_string(request)}
    return render(request, "orders/shipment_list.html", context)


@login_required
def shipment_detail(request, shipment_id: int):
    shipment = get_for_user(visible_shipments(request.user), request.user, pk=shipment_id)
    return render(
        request,
        "orders/shipment_detail.html",
        {
            "shipment": shipment,
            "lines": shipment.lines.select_related("product"),
            "timeline": timeline_entries(shipment),
        },
    )
