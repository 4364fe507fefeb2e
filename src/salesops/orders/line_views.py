"""The live line preview of the order and quote forms (htmx): price, amount and available stock of one line."""

import re
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from salesops.catalog.models import Product
from salesops.catalog.pricing import quote_for
from salesops.core.scoping import for_user
from salesops.customers.queries import visible_customers
from salesops.inventory.models import Warehouse
from salesops.orders.queries import available_stock, may_sell
from salesops.orders.totals import LineInput, compute_totals

LINE_PREFIX = re.compile(r"lines-\d{1,3}")
MAX_QUANTITY = Decimal("1e10")


def number(raw: str | None, *, maximum: Decimal) -> Decimal | None:
    """A decimal from 0 to `maximum` from the query string, or None when it is missing or not one."""
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 <= value <= maximum else None


def pick(queryset, raw: str | None):
    return queryset.filter(pk=int(raw)).first() if raw and raw.isdigit() and len(raw) < 19 else None


@login_required
@require_GET
def line_preview(request):
    """For the line `line` (a formset prefix such as `lines-0`) of the order or quote form: the unit price the
    chosen customer pays today (catalog pricing), the line amount (as totals.py computes it) and the available
    stock in the chosen warehouse, with a warning when the quantity is more than is available."""
    if not may_sell(request.user):
        raise PermissionDenied(_("Your role may not take orders."))
    prefix = request.GET.get("line", "")
    if not LINE_PREFIX.fullmatch(prefix):
        return render(request, "orders/line_preview.html", {})
    user = request.user
    product = pick(for_user(Product.objects.filter(is_active=True), user), request.GET.get(f"{prefix}-product"))
    if product is None:
        return render(request, "orders/line_preview.html", {})
    customer = pick(visible_customers(user), request.GET.get("customer"))
    warehouse = pick(for_user(Warehouse.objects.filter(is_active=True), user), request.GET.get("warehouse"))
    quantity = number(request.GET.get(f"{prefix}-quantity"), maximum=MAX_QUANTITY)
    discount = number(request.GET.get(f"{prefix}-discount_percent"), maximum=Decimal(100)) or Decimal(0)
    unit_price = quote_for(product, customer).unit_price
    amount = None
    if quantity:
        amount = (
            compute_totals([LineInput(quantity, unit_price, discount, product.tax_rate)], Decimal(0)).lines[0].amount
        )
    available = None
    if warehouse is not None:
        available = available_stock(user, warehouse.pk, [product.pk]).get(product.pk, Decimal("0.000"))
    context = {
        "product": product,
        "customer": customer,
        "warehouse": warehouse,
        "unit_price": unit_price,
        "quantity": quantity,
        "amount": amount,
        "available": available,
        "is_short": quantity is not None and available is not None and quantity > available,
    }
    return render(request, "orders/line_preview.html", context)
