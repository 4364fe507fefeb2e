"""List endpoints: limit/offset pagination, ordering and custom-field filters, the same way everywhere."""

import datetime
from typing import Annotated

from django.conf import settings
from django.db import models
from ninja import Field, Schema
from pydantic import AfterValidator

from salesops.core import customfields
from salesops.core.api.errors import ApiError, django_validation_fields
from salesops.core.models import CustomFieldDefinition

MAX_ID = 2**62
MAX_OFFSET = 10**9
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(9999, 12, 30)


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


# Text from clients: PostgreSQL cannot store NUL characters, so they are refused up front with a 422.
Text = Annotated[str, AfterValidator(no_nul)]


class Page[T](Schema):
    count: int = Field(description="Total number of matching records.")
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="Offset of the next page, or null on the last page.")
    results: list[T]


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=500, description="Page size (1-500).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Number of records to skip.")
    ordering: str | None = Field(
        None, max_length=200, description="Comma-separated fields; prefix with - for descending."
    )


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
