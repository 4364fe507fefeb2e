"""Stock pages: levels with availability (search, warehouse filter, CSV), a level's ledger, goods in, corrections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from salesops.core.exports import EXPORT_FORMATS
from salesops.core.pages import filters_from_request, list_query_string
from salesops.core.scoping import for_user, get_for_user
from salesops.core.timeline import timeline_entries
from salesops.inventory import actions
from salesops.inventory.exports import stock_export
from salesops.inventory.filters import filter_stock, with_availability
from salesops.inventory.forms import AdjustmentForm, ReceiptForm
from salesops.inventory.models import StockLevel, StockMovement, Warehouse
from salesops.inventory.queries import may_change_stock
from salesops.inventory.schemas import StockFilters

PAGE_SIZE = 50


def visible_levels(request):
    return for_user(StockLevel.objects.all(), request.user)


@login_required
def stock_list(request):
    filters = filters_from_request(request, StockFilters)
    levels = filter_stock(visible_levels(request), filters)
    if request.GET.get("format") in EXPORT_FORMATS:
        return stock_export(levels, request.GET["format"])
    context = {
        "page": Paginator(levels, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "warehouses": for_user(Warehouse.objects.filter(is_active=True), request.user),
        "can_change": may_change_stock(request.user),
        "query_string": list_query_string(request),
    }
    template = "inventory/list.html#results" if request.htmx else "inventory/list.html"
    return render(request, template, context)


@login_required
def stock_detail(request, level_id: int):
    level = get_for_user(with_availability(StockLevel.objects.all()), request.user, pk=level_id)
    movements = (
        StockMovement.objects.filter(product_id=level.product_id, warehouse_id=level.warehouse_id)
        .select_related("actor")
        .order_by("-id")[:100]
    )
    return render(
        request,
        "inventory/detail.html",
        {
            "level": level,
            "movements": movements,
            "timeline": timeline_entries(level),
            "can_change": may_change_stock(request.user),
        },
    )


def stock_change_page(request, form_class, title: str, apply):
    if not may_change_stock(request.user):
        raise PermissionDenied(_("Only warehouse staff may change stock."))
    form = form_class(request.POST or None, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        try:
            level = apply(form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Stock saved: %(available)s %(unit)s available.")
                % {"available": level.available, "unit": level.product.unit},
            )
            return redirect("inventory:detail", level_id=level.pk)
    return render(request, "form_page.html", {"form": form, "title": title, "cancel_url": reverse("inventory:list")})


@login_required
def receive(request):
    return stock_change_page(
        request,
        ReceiptForm,
        _("Receive stock"),
        lambda data: actions.receive_stock(
            product=data["product"],
            warehouse=data["warehouse"],
            quantity=data["quantity"],
            note=data["note"],
            actor=request.user,
        ),
    )


@login_required
def adjust(request):
    return stock_change_page(
        request,
        AdjustmentForm,
        _("Adjust stock"),
        lambda data: actions.adjust_stock(
            product=data["product"],
            warehouse=data["warehouse"],
            change=data["change"],
            reason=data["reason"],
            actor=request.user,
        ),
    )
