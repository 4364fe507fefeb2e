"""Quote export columns, shared by the page export and the API export (CSV and Excel)."""

from salesops.core.exports import export_response

COLUMNS = [
    ("id", lambda q: q.pk),
    ("number", lambda q: q.number),
    ("status", lambda q: q.status),
    ("customer", lambda q: q.customer.name),
    ("region", lambda q: q.region.name),
    ("office", lambda q: q.office.name),
    ("owner", lambda q: q.owner.username),
    ("warehouse", lambda q: q.warehouse.code),
    ("payment_term", lambda q: q.payment_term),
    ("valid_until", lambda q: q.valid_until),
    ("subtotal", lambda q: q.subtotal),
    ("discount", lambda q: q.discount_amount),
    ("tax", lambda q: q.tax_amount),
    ("total", lambda q: q.total),
    ("order", lambda q: q.converted_order.number if q.converted_order_id else ""),
    ("created_at", lambda q: q.created_at),
    ("sent_at", lambda q: q.sent_at),
]


def quotes_export(queryset, format: str):
    return export_response("quotes", format, COLUMNS, queryset.iterator(chunk_size=500))
