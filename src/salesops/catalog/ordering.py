"""The fields catalog lists can be ordered by: public name -> ORM path."""

PRODUCT_ORDERING = {
    "sku": "sku",
    "name": "name",
    "line": "line__code",
    "list_price": "list_price",
    "is_active": "is_active",
    "created_at": "created_at",
    "updated_at": "updated_at",
}
PRODUCT_DEFAULT_ORDERING = "sku"

PRODUCT_LINE_ORDERING = {"code": "code", "name": "name", "created_at": "created_at"}
PRODUCT_LINE_DEFAULT_ORDERING = "code"

PRICE_LIST_ORDERING = {
    "name": "name",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "customer_group": "customer_group__code",
    "created_at": "created_at",
}
PRICE_LIST_DEFAULT_ORDERING = "-valid_from,name"
