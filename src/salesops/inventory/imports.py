"""Importing opening stock from CSV or Excel: each row becomes one `receive_stock` call with the note
"opening balance" (see core/imports.py). Opening balances are for stock not yet kept: a product that already has
movements in a warehouse is refused there, so importing the same file twice cannot double the stock."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesops.catalog.models import Product
from salesops.core.imports import (
    Column,
    Importer,
    Lookup,
    Row,
    decimal_text,
    register_importer,
    validate_with,
)
from salesops.inventory import actions
from salesops.inventory.models import StockLevel, StockMovement, Warehouse

OPENING_NOTE = "opening balance"


@register_importer
class OpeningStockImporter(Importer):
    kind = "stock"
    label = gettext_lazy("Opening stock")
    scope = "stock"
    unique = ("sku", "warehouse")
    columns = (
        Column("sku", "SKU", gettext_lazy("The product's SKU."), required=True, aliases=("物料编码", "编码")),
        Column("warehouse", "仓库", gettext_lazy("Warehouse code or name."), required=True),
        Column(
            "quantity",
            "数量",
            gettext_lazy("Quantity on hand, above zero, 3 decimal places."),
            required=True,
            text=False,
        ),
    )

    def check_permission(self, actor) -> None:
        actions.check_stock_keeper(actor)

    def prepare(self, actor) -> dict[str, Lookup]:
        warehouses = Warehouse.objects.filter(is_active=True)
        return {
            "sku": Lookup(Product.objects.all(), "sku", missing=_("No product has this SKU.")),
            "warehouse": Lookup(warehouses, "code", "name", missing=_("No active warehouse has this code or name.")),
        }

    def parse(self, row: Row, *, actor, context) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        product = context["sku"].cell(errors, "sku", row.get("sku"), required=True)
        warehouse = context["warehouse"].cell(errors, "warehouse", row.get("warehouse"), required=True)
        quantity = validate_with(errors, actions.clean_quantity, decimal_text(row.get("quantity")), "quantity")
        if product is not None and warehouse is not None:
            validate_with(errors, check_new_stock, product, warehouse)
        if errors:
            raise ValidationError(errors)
        return {"product": product, "warehouse": warehouse, "quantity": quantity}

    def apply(self, values: dict[str, Any], *, actor) -> StockLevel:
        # Checked again inside the import's transaction: someone may have received goods since validation.
        check_new_stock(values["product"], values["warehouse"])
        return actions.receive_stock(**values, actor=actor, note=OPENING_NOTE)


def check_new_stock(product: Product, warehouse: Warehouse) -> None:
    if StockMovement.objects.filter(product=product, warehouse=warehouse).exists():
        raise ValidationError(
            {"sku": [_("This product already has stock movements in this warehouse: use goods in or a correction.")]}
        )
