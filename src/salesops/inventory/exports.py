"""Stock export columns, shared by the page export and the API export (CSV and Excel)."""

from salesops.core.exports import export_response
from salesops.inventory.models import as_quantity

COLUMNS = [
    ("sku", lambda level: level.product.sku),
    ("product", lambda level: level.product.name),
    ("unit", lambda level: level.product.unit),
    ("warehouse", lambda level: level.warehouse.code),
    ("on_hand", lambda level: level.on_hand),
    ("reserved", lambda level: level.reserved),
    ("available", lambda level: level.available),
    ("safety_minimum", lambda level: as_quantity(level.safety_minimum)),
]


def stock_export(queryset, format: str):
    return export_response("stock", format, COLUMNS, queryset.iterator(chunk_size=500))
