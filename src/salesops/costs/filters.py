"""List filtering shared by the API and the pages."""

from django.db.models import QuerySet


def ordered(queryset: QuerySet, ordering: str | None) -> QuerySet:
    """The list in the chosen order (already checked against the schema's pattern), ties by newest first."""
    return queryset.order_by(ordering, "-pk") if ordering else queryset


def within(queryset: QuerySet, filters) -> QuerySet:
    """The period and the region and product line dimensions cost entries and ledger lines share."""
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    if filters.region_id:
        queryset = queryset.filter(region_id=filters.region_id)
    if filters.product_line_id:
        queryset = queryset.filter(product_line_id=filters.product_line_id)
    return queryset


def filter_costs(queryset: QuerySet, filters) -> QuerySet:
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    queryset = within(queryset, filters)
    if filters.pool_id:
        queryset = queryset.filter(pool_id=filters.pool_id)
    if filters.allocated is not None:
        queryset = queryset.filter(pool__isnull=not filters.allocated)
    return ordered(queryset, filters.ordering)


def filter_pools(queryset: QuerySet, filters) -> QuerySet:
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return ordered(queryset, filters.ordering)


def filter_ledger(queryset: QuerySet, filters) -> QuerySet:
    return ordered(within(queryset, filters), filters.ordering)
