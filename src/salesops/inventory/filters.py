"""Filtering of stock levels and movements, shared by the API, the pages and the CSV export."""

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from salesops.core.querying import order
from salesops.core.timezones import day_end, day_start
from salesops.inventory.models import SafetyStock
from salesops.inventory.ordering import MOVEMENT_ORDERING, STOCK_ORDERING


def with_availability(queryset: QuerySet) -> QuerySet:
    """Annotate `available_quantity` and `safety_minimum` in SQL, so lists can filter and order on them."""
    safety = SafetyStock.objects.filter(product_id=OuterRef("product_id"), warehouse_id=OuterRef("warehouse_id"))
    return queryset.select_related("product", "warehouse").annotate(
        available_quantity=ExpressionWrapper(
            F("on_hand") - F("reserved"), output_field=DecimalField(max_digits=14, decimal_places=3)
        ),
        safety_minimum=Subquery(
            safety.values("minimum")[:1], output_field=DecimalField(max_digits=14, decimal_places=3)
        ),
    )


def filter_stock(queryset: QuerySet, filters) -> QuerySet:
    queryset = with_availability(queryset)
    if filters.q:
        queryset = queryset.filter(Q(product__sku__icontains=filters.q) | Q(product__name__icontains=filters.q))
    if filters.product_id:
        queryset = queryset.filter(product_id=filters.product_id)
    if filters.warehouse_id:
        queryset = queryset.filter(warehouse_id=filters.warehouse_id)
    if filters.below_safety is not None:
        below = Q(safety_minimum__isnull=False, available_quantity__lt=F("safety_minimum"))
        queryset = queryset.filter(below) if filters.below_safety else queryset.exclude(below)
    return order(queryset, filters.ordering, STOCK_ORDERING, "sku,warehouse")


def filter_movements(queryset: QuerySet, filters) -> QuerySet:
    queryset = queryset.select_related("product", "warehouse", "actor")
    for field in ("product_id", "warehouse_id", "kind"):
        value = getattr(filters, field)
        if value:
            queryset = queryset.filter(**{field: value})
    if filters.created_from:
        queryset = queryset.filter(created_at__gte=day_start(filters.created_from))
    if filters.created_to:
        queryset = queryset.filter(created_at__lt=day_end(filters.created_to))
    return order(queryset, filters.ordering, MOVEMENT_ORDERING, "-created_at")
