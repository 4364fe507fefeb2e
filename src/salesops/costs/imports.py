"""Importing a historical sales ledger from CSV or Excel: each row becomes one `create_ledger_line` call (see
core/imports.py). Amounts keep every decimal place the file gives; the whole file is refused when any row is wrong."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesops.accounts.models import OrgUnit, User
from salesops.catalog.models import ProductLine
from salesops.core.imports import Column, Importer, Lookup, Row, decimal_text, register_importer, validated
from salesops.core.scoping import for_user
from salesops.costs import actions
from salesops.costs.models import SalesLedgerLine
from salesops.customers.models import Customer


@register_importer
class SalesLedgerImporter(Importer):
    kind = "sales_ledger"
    label = gettext_lazy("Historical sales ledger")
    scope = "costs"
    columns = (
        Column("date", "日期", gettext_lazy("Date of the sale: YYYY-MM-DD."), required=True, aliases=("order date",)),
        Column("order_ref", "订单号", gettext_lazy("The order's reference in the old system."), aliases=("order id",)),
        Column("region", "区域", gettext_lazy("Region code or name."), required=True, error_keys=("region_id",)),
        Column(
            "product_line",
            "产品线",
            gettext_lazy("Product line code or name."),
            required=True,
            error_keys=("product_line_id",),
        ),
        Column(
            "salesperson",
            "销售员",
            gettext_lazy("User name of the salesperson; optional."),
            error_keys=("salesperson_id",),
        ),
        Column(
            "customer", "客户", gettext_lazy("Customer credit code or name; optional."), error_keys=("customer_id",)
        ),
        Column("quantity", "数量", gettext_lazy("Quantity sold."), required=True, text=False),
        Column(
            "revenue",
            "收入",
            gettext_lazy("Revenue excluding VAT, CNY, as many decimals as kept."),
            required=True,
            text=False,
        ),
        Column("cost_of_goods", "销售成本", gettext_lazy("Cost of goods, CNY; or give the profit."), text=False),
        Column("profit", "利润", gettext_lazy("Profit, CNY; or give the cost of goods."), text=False),
    )

    def check_permission(self, actor) -> None:
        actions.check_may_edit(actor)

    def prepare(self, actor) -> dict[str, Lookup]:
        return {
            "region": Lookup(
                OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION),
                "code",
                "name",
                missing=_("No region has this code or name."),
            ),
            "product_line": Lookup(
                ProductLine.objects.all(), "code", "name", missing=_("No product line has this code or name.")
            ),
            "salesperson": Lookup(User.objects.all(), "username", missing=_("No user has this user name.")),
            "customer": Lookup(
                for_user(Customer.objects.all(), actor),
                "credit_code",
                "name",
                missing=_("No customer you may see has this credit code or name."),
            ),
        }

    def parse(self, row: Row, *, actor, context) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        found = {
            name: context[name].cell(errors, name, row.get(name), required=name in ("region", "product_line"))
            for name in ("region", "product_line", "salesperson", "customer")
        }
        values = {
            "date": row.get("date") or "",
            "order_ref": row.get("order_ref") or "",
            "quantity": decimal_text(row.get("quantity")),
            "revenue": decimal_text(row.get("revenue")),
            "cost_of_goods": decimal_text(row.get("cost_of_goods")),
            "profit": decimal_text(row.get("profit")),
            **{f"{name}_id": item.pk if item is not None else None for name, item in found.items()},
        }
        if values["quantity"] is None:
            errors["quantity"] = [_("Fill in this cell.")]
        if values["revenue"] is None:
            errors["revenue"] = [_("Fill in this cell.")]
        # A cell already found wrong is reported once, under its column, not again by the action's check.
        known = set(errors) | {f"{name}_id" for name in found if name in errors}

        def check(checked: dict[str, Any]) -> None:
            try:
                actions.clean_ledger_fields(checked, actor=actor)
            except ValidationError as exc:
                remaining = {key: messages for key, messages in exc.message_dict.items() if key not in known}
                if remaining:
                    raise ValidationError(remaining) from None

        return validated(values, errors, check)

    def apply(self, values: dict[str, Any], *, actor) -> SalesLedgerLine:
        return actions.create_ledger_line(actor=actor, **values)
