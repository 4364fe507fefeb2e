"""Order export columns, shared by the page export and the API export (CSV and Excel)."""

from salesops.core.exports import export_response

COLUMNS = [
    ("id", lambda o: o.pk),
    ("number", lambda o: o.number),
    ("status", lambda o: o.status),
    ("customer", lambda o: o.customer.name),
    ("region", lambda o: o.region.name),
    ("office", lambda o: o.office.name),
    ("owner", lambda o: o.owner.username),
    ("warehouse", lambda o: o.warehouse.code),
    ("payment_term", lambda o: o.payment_term),
    ("subtotal", lambda o: o.subtotal),
    ("discount", lambda o: o.discount_amount),
    ("tax", lambda o: o.tax_amount),
    ("total", lambda o: o.total),
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
