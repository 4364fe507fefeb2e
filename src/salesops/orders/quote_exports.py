"""Quote export columns, shared by the page export and the API export (CSV and Excel)."""

from salesops.core.exports import export_response
from salesops.orders.exports import DOCUMENT_COLUMNS, TOTAL_COLUMNS

COLUMNS = [
    *DOCUMENT_COLUMNS,
    ("valid_until", lambda q: q.valid_until),
    *TOTAL_COLUMNS,
    ("order", lambda q: q.converted_order.number if q.converted_order_id else ""),
    ("created_at", lambda q: q.created_at),
    ("sent_at", lambda q: q.sent_at),
]


def quotes_export(queryset, format: str):
    return export_response("quotes", format, COLUMNS, queryset.iterator(chunk_size=500))
