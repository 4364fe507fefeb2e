"""List endpoints: limit/offset pagination and the parameter types every list shares."""

from typing import Annotated

from django.db import models
from ninja import Field, Schema
from pydantic import AfterValidator

MAX_ID = 2**62
MAX_OFFSET = 10**9


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
