"""Importing customers from CSV or Excel: each row becomes one `create_customer` call (see core/imports.py)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesops.accounts.models import OrgUnit, User
from salesops.core.imports import (
    Column,
    Importer,
    Lookup,
    Row,
    choice_value,
    register_importer,
    validated,
)
from salesops.customers import actions
from salesops.customers.models import Customer, CustomerGroup


@register_importer
class CustomerImporter(Importer):
    kind = "customers"
    label = gettext_lazy("Customers")
    scope = "customers"
    model = Customer
    unique = ("credit_code",)
    columns = (
        Column("name", "名称", gettext_lazy("Company name."), required=True, aliases=("客户名称", "公司名称")),
        Column(
            "credit_code",
            "统一社会信用代码",
            gettext_lazy("Unified social credit code, 18 characters; unique."),
            required=True,
            aliases=("信用代码",),
        ),
        Column(
            "office",
            "办事处",
            gettext_lazy("Office code or name. Empty: your own office."),
            error_keys=("office_id",),
        ),
        Column("owner", "负责人", gettext_lazy("Username of the owner. Empty: you."), error_keys=("owner_id",)),
        Column("status", "状态", gettext_lazy("prospect, active (the default) or inactive.")),
        Column("group", "客户组", gettext_lazy("Customer group code or name. Empty: none."), error_keys=("group_id",)),
    )

    def check_permission(self, actor) -> None:
        actions.check_may_change(actor)

    def prepare(self, actor) -> dict[str, Lookup]:
        offices = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE)
        return {
            "office": Lookup(offices, "code", "name", missing=_("No office has this code or name.")),
            "owner": Lookup(User.objects.all(), "username", missing=_("No user has this username.")),
            "group": Lookup(
                CustomerGroup.objects.all(), "code", "name", missing=_("No customer group has this code or name.")
            ),
        }

    def parse(self, row: Row, *, actor, context) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        office, owner, group = (
            context[name].cell(errors, name, row.get(name)) for name in ("office", "owner", "group")
        )
        values = {
            "name": row.get("name") or "",
            "credit_code": row.get("credit_code") or "",
            "office": office or (own_office(actor) if row.get("office") is None else None),
            "owner": owner or actor,
            "status": choice_value(row.get("status"), Customer.Status, Customer.Status.ACTIVE),
            "group": group,
            "custom_fields": row.custom_fields,
        }
        # The action's own checks: credit code, reach over office and owner, custom fields.
        return validated(values, errors, lambda checked: actions.clean_fields(actor, checked, instance=None))

    def apply(self, values: dict[str, Any], *, actor) -> Customer:
        return actions.create_customer(actor=actor, **values)


def own_office(actor: User) -> OrgUnit | None:
    return actor.org_unit.ancestor_of_kind(OrgUnit.Kind.OFFICE) if actor.org_unit_id else None
