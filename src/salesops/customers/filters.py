"""Filtering and ordering of customer lists, shared by the API, the pages and the CSV export."""

from django.db.models import Q, QuerySet

from salesops.core.querying import filter_custom_fields, order
from salesops.core.timezones import day_end, day_start
from salesops.customers.ordering import DEFAULT_ORDERING, ORDERING


def filter_customers(queryset: QuerySet, filters, query_params) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q.upper()))
    for field in ("status", "region_id", "office_id", "owner_id"):
        value = getattr(filters, field)
        if value not in (None, ""):
            queryset = queryset.filter(**{field: value})
    if filters.created_from:
        queryset = queryset.filter(created_at__gte=day_start(filters.created_from))
    if filters.created_to:
        queryset = queryset.filter(created_at__lt=day_end(filters.created_to))
    queryset = filter_custom_fields(queryset, query_params)
    return order(queryset, filters.ordering, ORDERING, DEFAULT_ORDERING)
