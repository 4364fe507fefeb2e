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


CORRECTION_COLUMNS = [
    ("id", lambda c: c.pk),
    ("number", lambda c: c.number),
    ("invoice", lambda c: c.invoice.number),
    ("customer", lambda c: c.invoice.customer.name),
    ("kind", lambda c: c.kind),
    ("status", lambda c: c.status),
    ("reason", lambda c: c.reason),
    ("net_amount", lambda c: c.net_amount),
    ("tax_amount", lambda c: c.tax_amount),
    ("total", lambda c: c.total),
    ("requested_by", lambda c: c.requested_by.username),
    ("decided_by", lambda c: c.decided_by.username if c.decided_by else ""),
    ("created_at", lambda c: c.created_at),
]
CREDIT_NOTE_COLUMNS = [
    ("id", lambda n: n.pk),
    ("number", lambda n: n.number),
    ("invoice", lambda n: n.invoice.number),
    ("customer", lambda n: n.customer.name),
    ("issue_date", lambda n: n.issue_date),
    ("net_amount", lambda n: n.net_amount),
    ("tax_amount", lambda n: n.tax_amount),
    ("total", lambda n: n.total),
    ("credited_on_invoice", lambda n: n.invoice_amount),
    ("customer_credit_left", lambda n: n.unapplied_amount),
]
MONTH_END_COLUMNS = [
    ("customer", lambda r: r.customer.name),
    ("month", lambda r: r.month.strftime("%Y-%m")),
    ("open_amount", lambda r: r.open_amount),
    ("overdue_amount", lambda r: r.overdue_amount),
    ("days_past_due", lambda r: r.days_past_due),
]


def corrections_export(queryset, format: str):
    return export_response("corrections", format, CORRECTION_COLUMNS, queryset.iterator(chunk_size=500))


def credit_notes_export(queryset, format: str):
    return export_response("credit-notes", format, CREDIT_NOTE_COLUMNS, queryset.iterator(chunk_size=500))


def month_ends_export(queryset, format: str):
    return export_response("month-end-receivables", format, MONTH_END_COLUMNS, queryset.iterator(chunk_size=500))
