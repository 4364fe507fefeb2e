"""Order export columns, shared by the page export and the API export (CSV and Excel)."""

from salesops.core.exports import export_response

# The columns of every priced document (an order or a quote, see `PricedDocument`): who and where, then totals.
DOCUMENT_COLUMNS = [
    ("id", lambda d: d.pk),
    ("number", lambda d: d.number),
    ("status", lambda d: d.status),
    ("customer", lambda d: d.customer.name),
    ("region", lambda d: d.region.name),
    ("office", lambda d: d.office.name),
    ("owner", lambda d: d.owner.username),
    ("warehouse", lambda d: d.warehouse.code),
    ("payment_term", lambda d: d.payment_term),
]
TOTAL_COLUMNS = [
    ("subtotal", lambda d: d.subtotal),
    ("discount", lambda d: d.discount_amount),
    ("tax", lambda d: d.tax_amount),
    ("total", lambda d: d.total),
]
COLUMNS = [
    *DOCUMENT_COLUMNS,
    *TOTAL_COLUMNS,
    ("prepayment", lambda o: o.prepayment_amount),
    ("hold_reason", lambda o: o.hold_reason),
    ("created_at", lambda o: o.created_at),
    ("submitted_at", lambda o: o.submitted_at),
    ("confirmed_at", lambda o: o.confirmed_at),
]


def orders_export(queryset, format: str):
    return export_response("orders", format, COLUMNS, queryset.iterator(chunk_size=500))


SHIPMENT_COLUMNS = [
    ("id", lambda s: s.pk),
    ("number", lambda s: s.number),
    ("order", lambda s: s.order.number),
    ("customer", lambda s: s.order.customer.name),
    ("warehouse", lambda s: s.warehouse.code),
    ("shipped_at", lambda s: s.shipped_at),
    ("shipped_by", lambda s: s.shipped_by.username),
    ("carrier", lambda s: s.carrier),
    ("tracking_number", lambda s: s.tracking_number),
    ("lines", lambda s: "; ".join(f"{line.product.sku} × {line.quantity.normalize():f}" for line in s.lines.all())),
]


def shipments_export(queryset, format: str):
    queryset = queryset.prefetch_related("lines__product")
    return export_response("shipments", format, SHIPMENT_COLUMNS, queryset.iterator(chunk_size=500))
