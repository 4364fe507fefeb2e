"""The fields order lists can be ordered by: public name -> ORM path."""

ORDERING = {
    "number": "number",
    "status": "status",
    "total": "total",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "submitted_at": "submitted_at",
    "customer": "customer__name",
    "owner": "owner__username",
    "region": "region__name",
}
DEFAULT_ORDERING = "-created_at"

SHIPMENT_ORDERING = {
    "number": "number",
    "shipped_at": "shipped_at",
    "order": "order__number",
    "customer": "order__customer__name",
    "warehouse": "warehouse__code",
}
SHIPMENT_DEFAULT_ORDERING = "-shipped_at"

QUOTE_ORDERING = {
    "number": "number",
    "status": "status",
    "total": "total",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "sent_at": "sent_at",
    "valid_until": "valid_until",
    "customer": "customer__name",
    "owner": "owner__username",
    "region": "region__name",
}
