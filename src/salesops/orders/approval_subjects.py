"""Sales orders as an approval subject: what a policy's conditions can read about an order, and what
happens to the order when its approval ends (see approvals/subjects.py).

Conditions read `order` (its amounts, discounts, payment term, warehouse, lines), `customer` (incl. its custom
fields as `customer.custom.<name>`) and `submitter` (role, discount limit, office and region codes).
"""

import hashlib
import itertools
import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit
from salesops.approvals.context import custom_record, custom_values
from salesops.approvals.default_policies import ORDER_POLICY
from salesops.approvals.subjects import Past, SubjectType, Summary, register_subject
from salesops.catalog.models import DiscountLimit
from salesops.core.models import CustomFieldDefinition
from salesops.core.rules import types as t
from salesops.customers.models import Customer
from salesops.orders import actions as order_actions
from salesops.orders.models import OrderLine, SalesOrder
from salesops.orders.queries import ORDER_SUBJECT

User = get_user_model()

LINE = t.Record(
    "line",
    {
        "position": t.INT,
        "sku": t.STRING,
        "product_line": t.STRING,
        "quantity": t.DECIMAL,
        "unit_price": t.DECIMAL,
        "list_price": t.DECIMAL,
        "discount_percent": t.DECIMAL,
        "amount": t.DECIMAL,
    },
)


def order_schema() -> t.Record:
    return t.Record(
        "context",
        {
            "order": t.Record(
                "order",
                {
                    "number": t.STRING,
                    "total": t.DECIMAL,
                    "subtotal": t.DECIMAL,
                    "discount_percent": t.DECIMAL,
                    "discount_amount": t.DECIMAL,
                    "tax_amount": t.DECIMAL,
                    "payment_term": t.STRING,
                    "warehouse": t.STRING,
                    "max_line_discount_percent": t.DECIMAL,
                    "lines": t.ListOf(LINE),
                },
            ),
            "customer": customer_schema(),
            "submitter": submitter_schema(),
        },
    )


def customer_schema() -> t.Record:
    return t.Record(
        "customer",
        {
            "name": t.STRING,
            "group": t.Nullable(t.STRING),
            "region": t.Nullable(t.STRING),
            "office": t.Nullable(t.STRING),
            "payment_term": t.STRING,
            "credit_status": t.STRING,
            "credit_limit": t.DECIMAL,
            "receivable_balance": t.DECIMAL,
            "custom": custom_record(CustomFieldDefinition.objects.for_model(Customer)),
        },
    )


def submitter_schema() -> t.Record:
    return t.Record(
        "user",
        {
            "username": t.STRING,
            "role": t.STRING,
            "discount_limit": t.DECIMAL,
            "office": t.Nullable(t.STRING),
            "region": t.Nullable(t.STRING),
        },
    )


# The order's context fields and where they come from (model paths), for a model instance (`walk`) and for
# `values()` rows (simulation reads thousands of orders without building model instances).
ORDER_FIELDS = {
    "number": "number",
    "total": "total",
    "subtotal": "subtotal",
    "discount_percent": "discount_percent",
    "discount_amount": "discount_amount",
    "tax_amount": "tax_amount",
    "payment_term": "payment_term",
    "warehouse": "warehouse__code",
}
LINE_FIELDS = {
    "position": "position",
    "sku": "product__sku",
    "product_line": "product__line__code",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "list_price": "product__list_price",
    "discount_percent": "discount_percent",
    "amount": "amount",
}
ALL_ROOTS = frozenset({"order", "customer", "submitter"})


def walk(instance, path: str):
    for name in path.split("__"):
        if instance is None:
            return None
        instance = getattr(instance, name)
    return instance


def order_section(row: dict, lines: list[dict]) -> dict:
    for line in lines:
        line["product_line"] = line["product_line"] or ""
    return {
        **row,
        "max_line_discount_percent": max((line["discount_percent"] for line in lines), default=Decimal(0)),
        "lines": lines,
    }


def submitter_terms(user) -> tuple[Decimal, dict[str, str]]:
    """The user's discount limit (`catalog.pricing.discount_limit_for`: 0 when their role has none) and the codes
    of their line of org units by kind (team, office, region, company), read now.

    One hand-written statement (the same on SQLite and PostgreSQL): every submission under a policy that reads
    `submitter` runs it, and the ORM took longer to build it than the database to run it. A unit's path
    ("/1/4/9/") starts with the paths of the units above it; paths hold only digits and slashes."""
    quote = connection.ops.quote_name
    units, limits = quote(OrgUnit._meta.db_table), quote(DiscountLimit._meta.db_table)
    limit_sql = f"(SELECT max_discount_percent FROM {limits} WHERE role = %s)"
    with connection.cursor() as cursor:
        if user.org_unit_id is None:
            cursor.execute(f"SELECT {limit_sql}", [user.role])
            rows = [(None, None, cursor.fetchone()[0])]
        else:
            cursor.execute(
                f"SELECT u.kind, u.code, {limit_sql} FROM {units} own JOIN {units} u ON own.path LIKE u.path || '%%' "
                "WHERE own.id = %s",
                [user.role, user.org_unit_id],
            )
            rows = cursor.fetchall()
    limit = rows[0][2] if rows else None
    places = DiscountLimit._meta.get_field("max_discount_percent").decimal_places
    limit = Decimal(str(limit)).quantize(Decimal(1).scaleb(-places)) if limit is not None else Decimal("0")
    return limit, {kind: code for kind, code, _limit in rows if kind}


class ContextBuilder:
    """Builds order contexts. What many orders share (custom field definitions, discount limits, product lines,
    org units, submitters) is read once per builder, so a simulation over many orders does not read it per
    order; live routing uses a new builder per submission, so it always reads the current values."""

    def __init__(self):
        self.units: dict[int, OrgUnit] = {}
        self.submitters: dict[int, dict] = {}

    @cached_property
    def definitions(self) -> list:
        return CustomFieldDefinition.objects.for_model(Customer)

    def unit(self, unit_id: int | None) -> OrgUnit | None:
        if unit_id is None:
            return None
        if unit_id not in self.units:
            self.units[unit_id] = OrgUnit.objects.only("pk", "code", "kind", "path").get(pk=unit_id)
        return self.units[unit_id]

    def unit_code(self, unit_id: int | None) -> str | None:
        unit = self.unit(unit_id)
        return unit.code if unit is not None else None

    def submitter(self, user) -> dict:
        if user.pk not in self.submitters:
            limit, kinds = submitter_terms(user)
            self.submitters[user.pk] = {
                "username": user.get_username(),
                "role": user.role,
                "discount_limit": limit,
                "office": kinds.get(OrgUnit.Kind.OFFICE),
                "region": kinds.get(OrgUnit.Kind.REGION),
            }
        return self.submitters[user.pk]

    def customer(self, customer: Customer) -> dict:
        return {
            "name": customer.name,
            "group": customer.group.code if customer.group_id else None,
            "region": self.unit_code(customer.region_id),
            "office": self.unit_code(customer.office_id),
            "payment_term": customer.payment_term,
            "credit_status": customer.credit_status,
            "credit_limit": customer.credit_limit,
            "receivable_balance": customer.receivable_balance,
            "custom": custom_values(self.definitions, customer.custom_fields),
        }

    def context(self, order: SalesOrder, lines, submitter, roots=ALL_ROOTS) -> dict:
        """The sections named in `roots` of one order's context (`lines`: its lines with their products)."""
        context = {}
        if "order" in roots:
            row = {name: walk(order, path) for name, path in ORDER_FIELDS.items()}
            context["order"] = order_section(
                row, [{n: walk(line, p) for n, p in LINE_FIELDS.items()} for line in lines]
            )
        if "customer" in roots:
            context["customer"] = self.customer(order.customer)
        if "submitter" in roots:
            context["submitter"] = self.submitter(submitter)
        return context


def order_context(order: SalesOrder, submitter, roots=ALL_ROOTS) -> dict:
    """The context of one order as live routing reads it now (the sections in `roots`; its lines from the
    order's prefetch cache when the caller loaded them)."""
    prefetched = getattr(order, "_prefetched_objects_cache", {}).get("lines")
    lines = prefetched if prefetched is not None else order.lines.select_related("product__line")
    lines = sorted(lines, key=lambda line: line.position)
    return ContextBuilder().context(order, lines, submitter, roots)


def fingerprint(order: SalesOrder) -> str:
    """What an approval of an order is about: customer, terms, warehouse, discount, total and every line's
    product, quantity, price and discount. Changing any of them needs a new approval."""
    lines = order.lines.order_by("position").values_list("product_id", "quantity", "unit_price", "discount_percent")
    content = [
        order.customer_id,
        order.payment_term,
        order.warehouse_id,
        str(order.discount_percent),
        str(order.total),
        [
            [product, str(quantity.normalize()), str(price), str(discount)]
            for product, quantity, price, discount in lines
        ],
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def summary(order: SalesOrder) -> Summary:
    return Summary(
        title=f"{order.number} · {order.customer.name}",
        amount=order.total,
        url=reverse("orders:detail", args=[order.pk]),
        region_id=order.region_id,
        lines=[
            {"label": "customer", "value": order.customer.name},
            {"label": "payment_term", "value": order.get_payment_term_display()},
            {"label": "discount_percent", "value": str(order.discount_percent)},
        ],
    )


def lock(pk: int) -> SalesOrder:
    return (
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer", "warehouse", "owner", "office", "region")
        .get(pk=pk)
    )


def history(start, end, *, chunk: int = 2000):
    """Orders submitted in [start, end) with the context live routing builds, oldest first. Read as rows in
    chunks (orders, then their lines), with customers and submitters read once each; the customer is read as it
    is now, not as it was when the order was submitted."""
    builder = ContextBuilder()
    customers: dict[int, dict] = {}
    users: dict[int, object] = {}
    orders = (
        SalesOrder.objects.filter(submitted_at__gte=start, submitted_at__lt=end, submitted_by__isnull=False)
        .order_by("submitted_at", "pk")
        .values("pk", "customer_id", "submitted_by_id", "submitted_at", "region_id", *ORDER_FIELDS.values())
    )
    rows = orders.iterator(chunk_size=chunk)
    while batch := list(itertools.islice(rows, chunk)):
        lines: dict[int, list[dict]] = {}
        for line in (
            OrderLine.objects.filter(order_id__in=[row["pk"] for row in batch])
            .order_by("order_id", "position")
            .values("order_id", *LINE_FIELDS.values())
        ):
            lines.setdefault(line["order_id"], []).append({name: line[path] for name, path in LINE_FIELDS.items()})
        missing = {row["customer_id"] for row in batch} - customers.keys()
        for customer in Customer.objects.select_related("group").filter(pk__in=missing):
            customers[customer.pk] = builder.customer(customer)
        missing = {row["submitted_by_id"] for row in batch} - users.keys()
        users.update(User.objects.in_bulk(missing))
        for row in batch:
            submitter = users[row["submitted_by_id"]]
            context = {
                "order": order_section(
                    {name: row[path] for name, path in ORDER_FIELDS.items()}, lines.get(row["pk"], [])
                ),
                "customer": customers[row["customer_id"]],
                "submitter": builder.submitter(submitter),
            }
            yield Past(row["pk"], row["submitted_at"], submitter, row["region_id"], context)


register_subject(
    SubjectType(
        key=ORDER_SUBJECT,
        label=SalesOrder._meta.verbose_name,
        model=SalesOrder,
        schema=order_schema,
        context=order_context,
        fingerprint=fingerprint,
        summary=summary,
        lock=lock,
        on_approved=order_actions.confirm_approved,
        on_rejected=order_actions.reject_rejected,
        on_returned=order_actions.return_to_draft,
        history=history,
        default_policy=ORDER_POLICY,
        default_policy_name=_("Sales order approval"),
    )
)
