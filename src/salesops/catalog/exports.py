"""Product export columns, shared by the page export and the API export (CSV and Excel)."""

from salesops.catalog.models import Product
from salesops.core.exports import export_response

COLUMNS = [
    ("id", lambda p: p.pk),
    ("sku", lambda p: p.sku),
    ("name", lambda p: p.name),
    ("line", lambda p: p.line.code),
    ("unit", lambda p: p.unit),
    ("list_price", lambda p: p.list_price),
    ("standard_cost", lambda p: p.standard_cost),
    ("tax_rate", lambda p: p.tax_rate),
    ("is_active", lambda p: "true" if p.is_active else "false"),
    ("created_at", lambda p: p.created_at),
]


def products_export(queryset, format: str, *, include_cost: bool):
    """All matching products; the standard cost column is left out for callers who may not see costs."""
    columns = [column for column in COLUMNS if include_cost or column[0] != "standard_cost"]
    return export_response("products", format, columns, queryset.iterator(chunk_size=500), model=Product)
