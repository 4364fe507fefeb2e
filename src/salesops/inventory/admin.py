from django.contrib import admin

from salesops.core.admin import AuditedAdmin, ReadOnlyAdmin
from salesops.inventory.models import SafetyStock, StockLevel, StockMovement, Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(AuditedAdmin):
    list_display = ("code", "name", "region", "is_active")
    list_filter = ("region", "is_active")
    search_fields = ("code", "name")


@admin.register(SafetyStock)
class SafetyStockAdmin(AuditedAdmin):
    list_display = ("product", "warehouse", "minimum")
    list_filter = ("warehouse",)
    search_fields = ("product__sku", "product__name")
    raw_id_fields = ("product",)


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    """Stock changes only through receipts, adjustments and documents, never by editing a number."""

    list_display = ("product", "warehouse", "on_hand", "reserved", "updated_at")
    list_filter = ("warehouse",)
    search_fields = ("product__sku", "product__name")
    list_select_related = ("product", "warehouse")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "product",
        "warehouse",
        "on_hand_change",
        "reserved_change",
        "source_type",
        "source_id",
        "actor",
    )
    list_filter = ("kind", "warehouse")
    search_fields = ("product__sku", "source_id", "note")
    list_select_related = ("product", "warehouse", "actor")
