"""Filtering and ordering of catalog lists, shared by the API, the pages and the CSV export."""

from django.db.models import Q, QuerySet

from salesops.catalog.ordering import (
    PRICE_LIST_DEFAULT_ORDERING,
    PRICE_LIST_ORDERING,
    PRODUCT_DEFAULT_ORDERING,
    PRODUCT_LINE_DEFAULT_ORDERING,
    PRODUCT_LINE_ORDERING,
    PRODUCT_ORDERING,
)
from salesops.core.querying import filter_custom_fields, order


def filter_products(queryset: QuerySet, filters, query_params) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(Q(sku__icontains=filters.q) | Q(name__icontains=filters.q))
    if filters.line_id is not None:
        queryset = queryset.filter(line_id=filters.line_id)
    if filters.is_active is not None:
        queryset = queryset.filter(is_active=filters.is_active)
    if filters.list_price_min is not None:
        queryset = queryset.filter(list_price__gte=filters.list_price_min)
    if filters.list_price_max is not None:
        queryset = queryset.filter(list_price__lte=filters.list_price_max)
    queryset = filter_custom_fields(queryset, query_params)
    return order(queryset, filters.ordering, PRODUCT_ORDERING, PRODUCT_DEFAULT_ORDERING)


def filter_product_lines(queryset: QuerySet, filters) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(Q(code__icontains=filters.q) | Q(name__icontains=filters.q))
    if filters.is_active is not None:
        queryset = queryset.filter(is_active=filters.is_active)
    return order(queryset, filters.ordering, PRODUCT_LINE_ORDERING, PRODUCT_LINE_DEFAULT_ORDERING)


def filter_price_lists(queryset: QuerySet, filters) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(name__icontains=filters.q)
    if filters.customer_group_id is not None:
        queryset = queryset.filter(customer_group_id=filters.customer_group_id)
    if filters.is_default is not None:
        queryset = queryset.filter(customer_group__isnull=filters.is_default)
    if filters.is_active is not None:
        queryset = queryset.filter(is_active=filters.is_active)
    if filters.valid_on is not None:
        queryset = queryset.filter(valid_from__lte=filters.valid_on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=filters.valid_on)
        )
    return order(queryset, filters.ordering, PRICE_LIST_ORDERING, PRICE_LIST_DEFAULT_ORDERING)
