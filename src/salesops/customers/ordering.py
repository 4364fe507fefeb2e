"""The fields customer lists can be ordered by: public name -> ORM path."""

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
