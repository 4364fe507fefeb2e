"""Catalog pages: product list (search, filters, CSV), product detail with prices and timeline, and for
administrators the product create and edit forms."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from salesops.catalog import actions
from salesops.catalog.exports import products_export
from salesops.catalog.filters import filter_products
from salesops.catalog.forms import ProductForm
from salesops.catalog.models import Product
from salesops.catalog.pricing import company_today
from salesops.catalog.queries import (
    COST_FIELDS,
    may_edit_catalog,
    sees_cost,
    visible_price_lists,
    visible_product_lines,
    visible_products,
)
from salesops.catalog.schemas import ProductFilters
from salesops.core.exports import EXPORT_FORMATS
from salesops.core.models import CustomFieldDefinition
from salesops.core.pages import filters_from_request, list_query_string
from salesops.core.querying import InvalidParameter
from salesops.core.scoping import get_for_user
from salesops.core.timeline import timeline_entries

PAGE_SIZE = 25


def scoped_product(request, product_id: int) -> Product:
    return get_for_user(visible_products(request.user), request.user, pk=product_id)


def require_edit_rights(request) -> None:
    if not may_edit_catalog(request.user):
        raise PermissionDenied(_("Only administrators may change the catalog."))


@login_required
def product_list(request):
    filters = filters_from_request(request, ProductFilters)
    try:
        products = filter_products(visible_products(request.user), filters, request.GET)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        products = filter_products(visible_products(request.user), ProductFilters(), {})
    if request.GET.get("format") in EXPORT_FORMATS:
        return products_export(products, request.GET["format"], include_cost=sees_cost(request.user))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "lines": visible_product_lines(request.user),
        "can_change": may_edit_catalog(request.user),
        "custom_fields": CustomFieldDefinition.objects.for_model(Product),
        "query_string": list_query_string(request),
    }
    template = "catalog/product_list.html#results" if request.htmx else "catalog/product_list.html"
    return render(request, template, context)


def is_valid_on(price_list, day: datetime.date) -> bool:
    return (
        price_list.is_active
        and price_list.valid_from <= day
        and (price_list.valid_to is None or day <= price_list.valid_to)
    )


def product_timeline(product: Product, user) -> list:
    """The product's timeline; cost changes are left out for users who may not see costs."""
    entries = timeline_entries(product)
    if not sees_cost(user):
        hidden = {str(Product._meta.get_field(name).verbose_name) for name in COST_FIELDS}
        for entry in entries:
            entry.changes = [change for change in entry.changes if change.label not in hidden]
    return entries


@login_required
def product_detail(request, product_id: int):
    product = scoped_product(request, product_id)
    today = company_today()
    items = (
        product.price_items.filter(price_list__in=visible_price_lists(request.user).values("pk"))
        .select_related("price_list__customer_group")
        # The default lists first (the same on every database), then by group, newest first.
        .order_by(
            F("price_list__customer_group__code").asc(nulls_first=True), "-price_list__valid_from", "-price_list_id"
        )
    )
    prices = [(item.price_list, item.unit_price, is_valid_on(item.price_list, today)) for item in items]
    definitions = CustomFieldDefinition.objects.for_model(Product)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "prices": prices,
            "today": today,
            "custom_values": [(d.display_label(), product.custom_fields.get(d.name)) for d in definitions],
            "sees_cost": sees_cost(request.user),
            "can_change": may_edit_catalog(request.user),
            "timeline": product_timeline(product, request.user),
        },
    )


@login_required
def product_create(request):
    require_edit_rights(request)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = actions.create_product(actor=request.user, **form.action_values())
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Product created."))
            return redirect("catalog:product_detail", product_id=product.pk)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": _("New product"), "cancel_url": reverse("catalog:product_list")},
    )


@login_required
def product_edit(request, product_id: int):
    product = scoped_product(request, product_id)
    require_edit_rights(request)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_product(product, actor=request.user, changes=form.action_values())
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Product saved."))
            return redirect("catalog:product_detail", product_id=product.pk)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": str(product), "cancel_url": reverse("catalog:product_detail", args=[product.pk])},
    )
