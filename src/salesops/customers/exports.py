"""Customer CSV columns, shared by the page export and the API export."""

from salesops.core.exports import csv_response
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


def customers_csv(queryset):
    return csv_response("customers.csv", COLUMNS, queryset.iterator(chunk_size=500), model=Customer)
