"""Customer export columns, shared by the page export and the API export (CSV and Excel)."""

from salesops.core.exports import export_response
from salesops.customers.models import Customer

COLUMNS = [
    ("id", lambda c: c.pk),
    ("name", lambda c: c.name),
    ("credit_code", lambda c: c.credit_code),
    ("status", lambda c: c.status),
    ("region", lambda c: c.region.name),
    ("office", lambda c: c.office.name),
    ("owner", lambda c: c.owner.username),
    ("created_at", lambda c: c.created_at),
]


def customers_export(queryset, format: str):
    return export_response("customers", format, COLUMNS, queryset.iterator(chunk_size=500), model=Customer)
