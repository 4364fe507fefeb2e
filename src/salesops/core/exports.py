"""CSV export of list pages and API lists, with the model's custom fields as extra columns."""

import csv
from collections.abc import Callable, Iterable
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

from salesops.core.models import CustomFieldDefinition

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    def write(self, value):
        return value


def csv_response(
    filename: str, columns: list[tuple[str, Callable[[Any], Any]]], rows: Iterable, *, model=None
) -> StreamingHttpResponse:
    """Stream `rows` as CSV (UTF-8 with BOM, so Excel opens Chinese text correctly)."""
    definitions = CustomFieldDefinition.objects.for_model(model) if model is not None else []
    header = [title for title, _ in columns] + [definition.display_label() for definition in definitions]

    def render(value):
        if value is None:
            return ""
        if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
            # A cell starting with = + - @ runs as a formula in Excel; the quote makes it plain text.
            return "'" + value
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        return value

    def lines():
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            values = [render(getter(row)) for _, getter in columns]
            values += [render((row.custom_fields or {}).get(d.name)) for d in definitions]
            yield writer.writerow(values)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
