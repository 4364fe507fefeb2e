"""Filtering and ordering of order, shipment and quote lists, shared by the API, the pages and the CSV exports."""

from django.db.models import Q, QuerySet

from salesops.core.querying import order
from salesops.core.timezones import day_end, day_start
from salesops.orders.ordering import (
    DEFAULT_ORDERING,
    ORDERING,
    QUOTE_ORDERING,
    SHIPMENT_DEFAULT_ORDERING,
    SHIPMENT_ORDERING,
)


def filter_orders(queryset: QuerySet, filters, allowed_ordering: dict[str, str] = ORDERING) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(Q(number__icontains=filters.q) | Q(customer__name__icontains=filters.q))
    for field in ("status", "customer_id", "region_id", "owner_id"):
        value = getattr(filters, field)
        if value not in (None, ""):
            queryset = queryset.filter(**{field: value})
    if filters.created_from:
        queryset = queryset.filter(created_at__gte=day_start(filters.created_from))
    if filters.created_to:
        queryset = queryset.filter(created_at__lt=day_end(filters.created_to))
    return order(queryset, filters.ordering, allowed_ordering, DEFAULT_ORDERING)


def filter_shipments(queryset: QuerySet, filters) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(
            Q(number__icontains=filters.q)
            | Q(order__number__icontains=filters.q)
            | Q(order__customer__name__icontains=filters.q)
        )
    for field, path in (
        ("order_id", "order_id"),
        ("customer_id", "order__customer_id"),
        ("warehouse_id", "warehouse_id"),
        ("region_id", "order__region_id"),
        ("owner_id", "order__owner_id"),
    ):
        value = getattr(filters, field)
        if value is not None:
            queryset = queryset.filter(**{path: value})
    if filters.shipped_from:
        queryset = queryset.filter(shipped_at__gte=day_start(filters.shipped_from))
    if filters.shipped_to:
        queryset = queryset.filter(shipped_at__lt=day_end(filters.shipped_to))
    return order(queryset, filters.ordering, SHIPMENT_ORDERING, SHIPMENT_DEFAULT_ORDERING)


def filter_quotes(queryset: QuerySet, filters) -> QuerySet:
    """The order filters (number or customer, status, customer, region, owner, creation dates) plus a range of
    validity dates."""
    if filters.valid_until_from:
        queryset = queryset.filter(valid_until__gte=filters.valid_until_from)
    if filters.valid_until_to:
        queryset = queryset.filter(valid_until__lte=filters.valid_until_to)
    return filter_orders(queryset, filters, QUOTE_ORDERING)
