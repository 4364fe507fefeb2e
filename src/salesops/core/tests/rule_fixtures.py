"""The schema and data the rule language tests share: an order as the approvals engine will describe it."""

import datetime
from decimal import Decimal

from django.utils import translation

from salesops.core import rules
from salesops.core.rules import types as t

LINE = t.Record(
    "line",
    {
        "sku": t.STRING,
        "quantity": t.DECIMAL,
        "discount_percent": t.DECIMAL,
        "amount": t.DECIMAL,
        "product_line": t.STRING,
    },
)
SCHEMA = t.Record(
    "order",
    {
        "order": t.Record(
            "order",
            {
                "total": t.DECIMAL,
                "discount_percent": t.DECIMAL,
                "lines": t.ListOf(LINE),
                "payment_term": t.STRING,
                "created_on": t.DATE,
                "submitted_at": t.DATETIME,
                "line_count": t.INT,
                "is_rush": t.BOOL,
                "tags": t.ListOf(t.STRING),
            },
        ),
        "customer": t.Record(
            "customer",
            {
                "tier": t.Nullable(t.STRING),
                "credit_status": t.STRING,
                "custom": t.Record(
                    "custom",
                    {
                        "employees": t.Nullable(t.INT),
                        "revenue": t.Nullable(t.DECIMAL),
                        "founded_on": t.Nullable(t.DATE),
                        "is_key_account": t.Nullable(t.BOOL),
                        "industry": t.Nullable(t.STRING),
                    },
                ),
            },
        ),
        "submitter": t.Record("user", {"role": t.STRING, "discount_limit": t.DECIMAL, "region": t.STRING}),
    },
)

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def line(sku: str, amount: str, discount_percent: str = "0", product_line: str = "tea") -> dict:
    return {
        "sku": sku,
        "quantity": Decimal(1),
        "discount_percent": Decimal(discount_percent),
        "amount": Decimal(amount),
        "product_line": product_line,
    }


def context(**changes) -> dict:
    """An order of two lines by a rep whose discount limit is 10%, for a customer without a tier."""
    data = {
        "order": {
            "total": Decimal("300.50"),
            "discount_percent": Decimal("5"),
            "lines": [line("TEA-1", "100.50", "3"), line("CUP-2", "200.00", "12", "cups")],
            "payment_term": "net30",
            "created_on": datetime.date(2026, 10, 2),
            "submitted_at": datetime.datetime(2026, 10, 2, 9, 30, tzinfo=SHANGHAI),
            "line_count": 2,
            "is_rush": False,
            "tags": ["export", "vip"],
        },
        "customer": {"tier": None, "credit_status": "active", "custom": {"employees": 120}},
        "submitter": {"role": "sales_rep", "discount_limit": Decimal("10"), "region": "east"},
    }
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for parent in parents:
            target = target[parent]
        target[last] = value
    return data


def problems(source: str, expect=t.BOOL) -> list[tuple]:
    """The problems of a rule, in English, as (kind, line, column, length, message)."""
    with translation.override("en"):
        found = rules.validate_rule(source, SCHEMA, expect=expect)
    return [(p.kind, p.line, p.column, p.length, p.message) for p in found]


def evaluate(source: str, data: dict | None = None, expect=None):
    """The value of a rule (of any type unless `expect` says) for `data` (default: `context()`)."""
    return rules.compile_rule(source, SCHEMA, expect=expect).evaluate(context() if data is None else data)
