"""Customer and contact export columns, shared by the page exports and the API exports (CSV and Excel)."""

from salesops.core.exports import export_response
from salesops.customers.models import Contact, Customer

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


CONTACT_COLUMNS = [
    ("id", lambda c: c.pk),
    ("customer_id", lambda c: c.customer_id),
    ("customer", lambda c: c.customer.name),
    ("name", lambda c: c.name),
    ("job_title", lambda c: c.job_title),
    ("department", lambda c: c.department),
    ("mobile_phone", lambda c: c.mobile_phone),
    ("office_phone", lambda c: c.office_phone),
    ("email", lambda c: c.email),
    ("wechat_id", lambda c: c.wechat_id),
    ("is_primary", lambda c: c.is_primary),
    ("is_active", lambda c: c.is_active),
    ("notes", lambda c: c.notes),
    ("created_at", lambda c: c.created_at),
]


def contacts_export(queryset, format: str):
    return export_response("contacts", format, CONTACT_COLUMNS, queryset.iterator(chunk_size=500), model=Contact)
