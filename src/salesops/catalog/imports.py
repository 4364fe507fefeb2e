"""Importing products from CSV or Excel: each row becomes one `create_product` call (see core/imports.py)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesops.catalog import actions
from salesops.catalog.models import Product, ProductLine
from salesops.core.imports import (
    Column,
    Importer,
    Lookup,
    Row,
    boolean_value,
    decimal_text,
    register_importer,
    validated,
)

DEFAULT_UNIT = "件"
DEFAULT_TAX_RATE = Decimal("0.13")


@register_importer
class ProductImporter(Importer):
    kind = "products"
    label = gettext_lazy("Products")
    scope = "catalog"
    model = Product
    unique = ("sku",)
    columns = (
        Column("sku", "SKU", gettext_lazy("Stock keeping unit; unique."), required=True, aliases=("物料编码", "编码")),
        Column("name", "名称", gettext_lazy("Product name."), required=True, aliases=("产品名称",)),
        Column("line", "产品线", gettext_lazy("Product line code or name."), required=True, error_keys=("line_id",)),
        Column("unit", "单位", gettext_lazy("Unit of sale. Empty: 件.")),
        Column("list_price", "标价", gettext_lazy("List price in CNY, 2 decimal places."), required=True, text=False),
        Column(
            "standard_cost",
            "标准成本",
            gettext_lazy("Standard cost in CNY, 2 decimal places."),
            required=True,
            text=False,
        ),
        Column("tax_rate", "税率", gettext_lazy("VAT rate: 0.13 or 13%. Empty: 0.13."), text=False),
        Column("is_active", "启用", gettext_lazy("true or false (是/否). Empty: true.")),
    )

    def check_permission(self, actor) -> None:
        actions.check_may_edit(actor)

    def prepare(self, actor) -> Lookup:
        return Lookup(ProductLine.objects.all(), "code", "name", missing=_("No product line has this code or name."))

    def parse(self, row: Row, *, actor, context) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        line = context.cell(errors, "line", row.get("line"))
        values = {
            "sku": row.get("sku") or "",
            "name": row.get("name") or "",
            "line": line,
            "unit": row.get("unit") or DEFAULT_UNIT,
            "list_price": decimal_text(row.get("list_price")),
            "standard_cost": decimal_text(row.get("standard_cost")),
            "tax_rate": decimal_text(row.get("tax_rate")) or DEFAULT_TAX_RATE,
            "is_active": boolean_value(row.get("is_active"), True),
            "custom_fields": row.custom_fields,
        }
        return validated(values, errors, lambda checked: actions.clean_product_fields(checked, instance=None))

    def apply(self, values: dict[str, Any], *, actor) -> Product:
        return actions.create_product(actor=actor, **values)
