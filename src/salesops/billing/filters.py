"""Filtering and ordering of billing lists, shared by the API, the pages and the CSV exports."""

from django.db.models import Q, QuerySet

from salesops.billing.models import Invoice
from salesops.billing.ordering import (
    CORRECTION_DEFAULT_ORDERING,
    CORRECTION_ORDERING,
    INVOICE_DEFAULT_ORDERING,
    INVOICE_ORDERING,
    PAYMENT_DEFAULT_ORDERING,
    PAYMENT_ORDERING,
)
from salesops.catalog.pricing import company_today
from salesops.core.querying import order


def equal_filters(queryset: QuerySet, filters, paths: dict[str, str]) -> QuerySet:
    for name, path in paths.items():
        value = getattr(filters, name)
        if value not in (None, ""):
            queryset = queryset.filter(**{path: value})
    return queryset


def filter_invoices(queryset: QuerySet, filters) -> QuerySet:
    if filters.q:
        queryset = queryset.filter(
            Q(number__icontains=filters.q)
            | Q(order__number__icontains=filters.q)
            | Q(customer__name__icontains=filters.q)
        )
    queryset = equal_filters(
        queryset,
        filters,
        {
            "status": "status",
            "customer_id": "customer_id",
            "region_id": "region_id",
            "owner_id": "owner_id",
            "order_id": "order_id",
            "issued_from": "issue_date__gte",
            "issued_to": "issue_date__lte",
        },
    )
    if filters.overdue:
        queryset = queryset.filter(status=Invoice.Status.OPEN, due_date__lt=company_today())
    return order(queryset, filters.ordering, INVOICE_ORDERING, INVOICE_DEFAULT_ORDERING)


def filter_payments(queryset: QuerySet, filters) -> QuerySet:
    queryset = equal_filters(
        queryset,
        filters,
        {
            "customer_id": "customer_id",
            "region_id": "customer__region_id",
            "owner_id": "customer__owner_id",
            "received_from": "received_on__gte",
            "received_to": "received_on__lte",
        },
    )
    return order(queryset, filters.ordering, PAYMENT_ORDERING, PAYMENT_DEFAULT_ORDERING)


def filter_corrections(queryset: QuerySet, filters) -> QuerySet:
    queryset = equal_filters(
        queryset,
        filters,
        {"status": "status", "invoice_id": "invoice_id", "customer_id": "invoice__customer_id"},
    )
    return order(queryset, filters.ordering, CORRECTION_ORDERING, CORRECTION_DEFAULT_ORDERING)


def filter_aging_invoices(queryset: QuerySet, filters) -> QuerySet:
    return equal_filters(
        queryset, filters, {"customer_id": "customer_id", "region_id": "region_id", "owner_id": "owner_id"}
    )


def filter_credit_notes(queryset: QuerySet, filters) -> QuerySet:
    queryset = equal_filters(queryset, filters, {"invoice_id": "invoice_id", "customer_id": "customer_id"})
    return queryset.order_by("-issue_date", "-pk")


def filter_month_ends(queryset: QuerySet, filters) -> QuerySet:
    if filters.customer_id:
        queryset = queryset.filter(customer_id=filters.customer_id)
    if filters.month_from:
        queryset = queryset.filter(month__gte=filters.month_from.replace(day=1))
    if filters.month_to:
        queryset = queryset.filter(month__lte=filters.month_to.replace(day=1))
    return queryset.order_by("customer__name", "customer_id", "month")


def filter_refunds(queryset: QuerySet, filters) -> QuerySet:
    queryset = equal_filters(
        queryset,
        filters,
        {"customer_id": "customer_id", "paid_from": "paid_on__gte", "paid_to": "paid_on__lte"},
    )
    return queryset.order_by("-paid_on", "-pk")
