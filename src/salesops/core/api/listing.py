"""List endpoints: limit/offset pagination, ordering and custom-field filters, the same way everywhere."""

from django.conf import settings
from django.db import models
from ninja import Field, Schema

from salesops.core import customfields
from salesops.core.api.errors import ApiError, django_validation_fields
from salesops.core.models import CustomFieldDefinition


class Page[T](Schema):
    count: int = Field(description="Total number of matching records.")
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="Offset of the next page, or null on the last page.")
    results: list[T]


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=500, description="Page size (1-500).")
    offset: int = Field(0, ge=0, description="Number of records to skip.")
    ordering: str | None = Field(None, description="Comma-separated fields; prefix with - for descending.")


def paginate(queryset: models.QuerySet, params: ListParams) -> dict:
    count = queryset.count()
    rows = list(queryset[params.offset : params.offset + params.limit])
    next_offset = params.offset + params.limit if params.offset + params.limit < count else None
    return {"count": count, "limit": params.limit, "offset": params.offset, "next_offset": next_offset, "results": rows}


def order(queryset: models.QuerySet, ordering: str | None, allowed: dict[str, str], default: str) -> models.QuerySet:
    """Apply `?ordering=`; `allowed` maps public names to ORM paths. Unknown names are a 400 naming the field."""
    terms = []
    for raw in (ordering or default).split(","):
        term = raw.strip()
        if not term:
            continue
        descending = term.startswith("-")
        name = term.lstrip("-")
        if name not in allowed:
            raise ApiError(
                400,
                "invalid_parameter",
                f"Cannot order by {name!r}.",
                {"ordering": [f"Allowed: {', '.join(sorted(allowed))}"]},
            )
        terms.append(("-" if descending else "") + allowed[name])
    # A unique tie-breaker keeps pages stable.
    return queryset.order_by(*terms, "pk")


def filter_custom_fields(queryset: models.QuerySet, query_params) -> models.QuerySet:
    """Apply ``cf_<name>=value`` (and ``__gte``/``__lte``) filters for the model's custom fields."""
    params = {key: value for key, value in query_params.items() if key.startswith("cf_")}
    if not params:
        return queryset
    definitions = CustomFieldDefinition.objects.for_model(queryset.model)
    try:
        lookups = customfields.filter_lookups(definitions, params)
    except customfields.ValidationError as exc:
        raise ApiError(
            400, "invalid_parameter", "Invalid custom field filter.", django_validation_fields(exc)
        ) from None
    return queryset.filter(**lookups)


def page_size_default() -> int:
    return getattr(settings, "SALESOPS_API_PAGE_SIZE", 50)
