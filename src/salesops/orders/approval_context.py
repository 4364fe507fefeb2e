"""What approval conditions read about priced documents (sales orders and quotes), their customers and their
submitters: the rule schema, the context (one document live, many in bulk for simulation) and the fingerprint.

Orders and quotes share their shape (`PricedDocument`, `PricedLine`), so their contexts are built by the same
code under different root names (`order`, `quote`). Other subject types (credit releases) reuse the customer and
submitter sections through `ContextBuilder`.
"""

import hashlib
import itertools
import json
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.functional import cached_property

from salesops.accounts.models import OrgUnit
from salesops.approvals.context import custom_record, custom_values
from salesops.approvals.subjects import Past
from salesops.catalog.authorisations import Grant, beyond_limit, grants_at, grants_between, needs_grants
from salesops.catalog.models import DiscountLimit
from salesops.core import clock
from salesops.core.models import CustomFieldDefinition
from salesops.core.rules import types as t
from salesops.customers.models import Customer

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
        "beyond_limit": t.BOOL,
        "authorisation": t.Nullable(t.STRING),
    },
)
DOCUMENT_TYPES = {
    "number": t.STRING,
    "total": t.DECIMAL,
    "subtotal": t.DECIMAL,
    "discount_percent": t.DECIMAL,
    "discount_amount": t.DECIMAL,
    "tax_amount": t.DECIMAL,
    "payment_term": t.STRING,
    "warehouse": t.STRING,
    "max_line_discount_percent": t.DECIMAL,
    "beyond_limit": t.BOOL,
    "authorisation": t.Nullable(t.STRING),
    "lines": t.ListOf(LINE),
}


def document_schema(name: str, **extra: t.Type) -> t.Record:
    """The root record of a priced document's context: `<name>` (its amounts, terms and lines, plus `extra`
    fields), `customer` and `submitter`."""
    return t.Record(
        "context",
        {
            name: t.Record(name, {**DOCUMENT_TYPES, **extra}),
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


# A document's context fields and where they come from (model paths), for a model instance (`walk`) and for
# `values()` rows (simulation reads thousands of documents without building model instances).
DOCUMENT_FIELDS = {
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


def walk(instance, path: str):
    for name in path.split("__"):
        if instance is None:
            return None
        instance = getattr(instance, name)
    return instance


def document_section(row: dict, lines: list[dict]) -> dict:
    for line in lines:
        line["product_line"] = line["product_line"] or ""
    return {
        **row,
        "max_line_discount_percent": max((line["discount_percent"] for line in lines), default=Decimal(0)),
        "lines": lines,
    }


def discounts_of(section: dict) -> list[Decimal]:
    return [section["discount_percent"], *(line["discount_percent"] for line in section["lines"])]


def mark_limits(section: dict, own_limit: Decimal, grants: list[Grant]) -> dict:
    """Set `beyond_limit` and `authorisation` on a document section and its lines: a discount above the
    submitter's own limit that no valid authorisation in `grants` covers is beyond the limit (see
    `catalog/authorisations.py`, where the decision is made)."""
    section["beyond_limit"], section["authorisation"] = beyond_limit(
        own_limit, grants, None, section["discount_percent"]
    )
    for line in section["lines"]:
        line["beyond_limit"], line["authorisation"] = beyond_limit(
            own_limit, grants, line["product_line"] or None, line["discount_percent"]
        )
    return section


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
    """Builds contexts. What many documents share (custom field definitions, discount limits, product lines,
    org units, submitters) is read once per builder, so a simulation over many documents does not read it per
    document; live routing uses a new builder per submission, so it always reads the current values."""

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

    def context(self, name: str, document, lines, submitter, roots: frozenset[str], **extra) -> dict:
        """The sections named in `roots` of one document's context, the document under `name` (with `extra`
        fields); `lines` are its lines with their products."""
        context = {}
        if name in roots:
            row = {field: walk(document, path) for field, path in DOCUMENT_FIELDS.items()}
            lines = [{n: walk(line, p) for n, p in LINE_FIELDS.items()} for line in lines]
            section = document_section(row, lines)
            own = self.submitter(submitter)["discount_limit"]
            grants = []
            if needs_grants(own, discounts_of(section)):  # one query, only when a discount is above the own limit
                customer = document.customer
                grants = grants_at(customer.pk, customer.group_id, clock.now())
            context[name] = {**mark_limits(section, own, grants), **extra}
        if "customer" in roots:
            context["customer"] = self.customer(document.customer)
        if "submitter" in roots:
            context["submitter"] = self.submitter(submitter)
        return context


def document_lines(document) -> list:
    """A document's lines in position order, from its prefetch cache when the caller loaded them."""
    prefetched = getattr(document, "_prefetched_objects_cache", {}).get("lines")
    lines = prefetched if prefetched is not None else document.lines.select_related("product__line")
    return sorted(lines, key=lambda line: line.position)


def document_fingerprint(document, *extra) -> str:
    """What an approval of an order or a quote is about: customer, terms, warehouse, discount, total, every line's
    product, quantity, price and discount, and `extra` (JSON-safe: a quote's validity). Changing any of them
    needs a new approval."""
    lines = document.lines.order_by("position").values_list("product_id", "quantity", "unit_price", "discount_percent")
    content = [
        document.customer_id,
        document.payment_term,
        document.warehouse_id,
        str(document.discount_percent),
        str(document.total),
        [
            [product, str(quantity.normalize()), str(price), str(discount)]
            for product, quantity, price, discount in lines
        ],
        *extra,
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def document_history(
    name: str, documents, line_model, parent: str, *, extra_fields: dict | None = None, chunk: int = 2000
) -> Iterator[Past]:
    """`documents` (a queryset of orders or quotes, oldest first, submitted) as `Past` records with the context live
    routing builds under `name`. Read as rows in chunks (documents, then their lines through `line_model`'s
    `parent` key, then the discount authorisations of the chunk's customers), with customers and submitters read
    once each; the customer is read as it is now, not as it was when the document was submitted, while the
    authorisations are those valid at the document's submission time. `extra_fields` (context name -> model
    path) are added to the section."""
    extra_fields = extra_fields or {}
    builder = ContextBuilder()
    customers: dict[int, dict] = {}
    groups: dict[int, int | None] = {}
    users: dict[int, object] = {}
    paths = {*DOCUMENT_FIELDS.values(), *extra_fields.values()}
    rows = documents.values("pk", "customer_id", "submitted_by_id", "submitted_at", "region_id", *paths).iterator(
        chunk_size=chunk
    )
    while batch := list(itertools.islice(rows, chunk)):
        lines: dict[int, list[dict]] = {}
        for line in (
            line_model.objects.filter(**{f"{parent}_id__in": [row["pk"] for row in batch]})
            .order_by(f"{parent}_id", "position")
            .values(f"{parent}_id", *LINE_FIELDS.values())
        ):
            lines.setdefault(line[f"{parent}_id"], []).append(
                {field: line[path] for field, path in LINE_FIELDS.items()}
            )
        missing = {row["customer_id"] for row in batch} - customers.keys()
        for customer in Customer.objects.select_related("group").filter(pk__in=missing):
            customers[customer.pk] = builder.customer(customer)
            groups[customer.pk] = customer.group_id
        missing = {row["submitted_by_id"] for row in batch} - users.keys()
        users.update(User.objects.in_bulk(missing))
        sections = {}
        for row in batch:
            sections[row["pk"]] = document_section(
                {field: row[path] for field, path in DOCUMENT_FIELDS.items()}, lines.get(row["pk"], [])
            )
        own = {row["pk"]: builder.submitter(users[row["submitted_by_id"]])["discount_limit"] for row in batch}
        beyond = [row for row in batch if needs_grants(own[row["pk"]], discounts_of(sections[row["pk"]]))]
        grants = (
            grants_between(
                {row["customer_id"]: groups[row["customer_id"]] for row in beyond},
                min(row["submitted_at"] for row in beyond),
                max(row["submitted_at"] for row in beyond),
            )
            if beyond
            else []
        )
        for row in batch:
            submitter = users[row["submitted_by_id"]]
            at, customer_id = row["submitted_at"], row["customer_id"]
            valid = [g for g in grants if g.applies_to(customer_id, groups[customer_id]) and g.is_valid_at(at)]
            section = mark_limits(sections[row["pk"]], own[row["pk"]], valid)
            context = {
                name: {**section, **{field: row[path] for field, path in extra_fields.items()}},
                "customer": customers[row["customer_id"]],
                "submitter": builder.submitter(submitter),
            }
            yield Past(row["pk"], row["submitted_at"], submitter, row["region_id"], context)
