"""Billing export columns, shared by the page exports and the API exports (CSV and Excel)."""

from salesops.core.exports import export_response

INVOICE_COLUMNS = [
    ("id", lambda i: i.pk),
    ("number", lambda i: i.number),
    ("status", lambda i: i.status),
    ("order", lambda i: i.order.number),
    ("customer", lambda i: i.customer.name),
    ("region", lambda i: i.region.name),
    ("owner", lambda i: i.owner.username),
    ("issue_date", lambda i: i.issue_date),
    ("due_date", lambda i: i.due_date),
    ("net_amount", lambda i: i.net_amount),
    ("tax_amount", lambda i: i.tax_amount),
    ("total", lambda i: i.total),
    ("credited", lambda i: i.credited_amount),
    ("paid", lambda i: i.settled_amount),
    ("balance", lambda i: i.balance),
    ("settled_on", lambda i: i.settled_on),
]
PAYMENT_COLUMNS = [
    ("id", lambda p: p.pk),
    ("number", lambda p: p.number),
    ("customer", lambda p: p.customer.name),
    ("amount", lambda p: p.amount),
    ("received_on", lambda p: p.received_on),
    ("method", lambda p: p.method),
    ("reference", lambda p: p.reference),
    ("customer_credit_left", lambda p: p.unapplied_amount),
    ("recorded_by", lambda p: p.recorded_by.username),
]
AGING_COLUMNS = [
    ("customer", lambda r: r.customer_name),
    ("region", lambda r: r.region_name),
    ("current", lambda r: r.current),
    ("1-30", lambda r: r.days_1_30),
    ("31-60", lambda r: r.days_31_60),
    ("61-90", lambda r: r.days_61_90),
    ("90+", lambda r: r.days_over_90),
    ("total", lambda r: r.total),
]


def invoices_export(queryset, format: str):
    return export_response("invoices", format, INVOICE_COLUMNS, queryset.iterator(chunk_size=500))


def payments_export(queryset, format: str):
    return export_response("payments", format, PAYMENT_COLUMNS, queryset.iterator(chunk_size=500))


def aging_export(aging, format: str):
    return export_response(f"aging-{aging.as_of:%Y%m%d}", format, AGING_COLUMNS, aging.rows)
