"""The fields stock lists can be ordered by: public name -> ORM path."""

STOCK_ORDERING = {
    "sku": "product__sku",
    "product": "product__name",
    "warehouse": "warehouse__code",
    "on_hand": "on_hand",
    "reserved": "reserved",
    "available": "available_quantity",
    "updated_at": "updated_at",
}
MOVEMENT_ORDERING = {"created_at": "created_at", "sku": "product__sku", "warehouse": "warehouse__code", "kind": "kind"}
