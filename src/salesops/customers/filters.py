"""Filtering and ordering of customer, contact and address lists, shared by the API, the pages and the CSV exports."""

import re

from django.db.models import Q, QuerySet

from salesops.core.querying import filter_custom_fields, order
from salesops.core.timezones import day_end, day_start
from salesops.customers.ordering import (
    ADDRESS_DEFAULT_ORDERING,
    ADDRESS_ORDERING,
    CONTACT_DEFAULT_ORDERING,
    CONTACT_ORDERING,
    DEFAULT_ORDERING,
    ORDERING,
)


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


def filter_contacts(queryset: QuerySet, filters, query_params) -> QuerySet:
    """`q` matches name, e-mail, WeChat ID and either phone (a number typed with spaces or hyphens still matches
    the stored mobile number)."""
    if filters.q:
        text = filters.q.strip()
        matches = (
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(wechat_id__icontains=text)
            | Q(office_phone__icontains=text)
        )
        digits = re.sub(r"[\s\-]", "", text)
        if digits.isdigit():
            matches |= Q(mobile_phone__contains=digits)
        queryset = queryset.filter(matches)
    for field, lookup in (
        ("customer_id", "customer_id"),
        ("region_id", "customer__region_id"),
        ("owner_id", "customer__owner_id"),
        ("is_active", "is_active"),
        ("is_primary", "is_primary"),
    ):
        value = getattr(filters, field)
        if value is not None:
            queryset = queryset.filter(**{lookup: value})
    queryset = filter_custom_fields(queryset, query_params)
    return order(queryset, filters.ordering, CONTACT_ORDERING, CONTACT_DEFAULT_ORDERING)


def filter_addresses(queryset: QuerySet, filters) -> QuerySet:
    for field in ("kind", "is_default"):
        value = getattr(filters, field)
        if value not in (None, ""):
            queryset = queryset.filter(**{field: value})
    return order(queryset, filters.ordering, ADDRESS_ORDERING, ADDRESS_DEFAULT_ORDERING)
