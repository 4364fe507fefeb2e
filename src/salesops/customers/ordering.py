"""The fields customer, contact and address lists can be ordered by: public name -> ORM path."""

ORDERING = {
    "name": "name",
    "credit_code": "credit_code",
    "status": "status",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "region": "region__name",
    "office": "office__name",
    "owner": "owner__username",
}
DEFAULT_ORDERING = "name"

CONTACT_ORDERING = {
    "name": "name",
    "customer": "customer__name",
    "job_title": "job_title",
    "department": "department",
    "is_primary": "is_primary",
    "is_active": "is_active",
    "created_at": "created_at",
    "updated_at": "updated_at",
}
CONTACT_DEFAULT_ORDERING = "customer,-is_primary,name"

ADDRESS_ORDERING = {
    "kind": "kind",
    "label": "label",
    "city": "city",
    "is_default": "is_default",
    "created_at": "created_at",
    "updated_at": "updated_at",
}
ADDRESS_DEFAULT_ORDERING = "kind,-is_default,label"
