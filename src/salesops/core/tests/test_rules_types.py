"""Rule language types: the help panel's field list, and custom fields as rule fields."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from salesops.core import rules
from salesops.core.rules import types as t

from .rule_fixtures import LINE


def test_describe_lists_every_path_with_its_type_entering_records_and_lists_of_records():
    schema = t.Record(
        "order",
        {
            "order": t.Record("order", {"total": t.DECIMAL, "lines": t.ListOf(LINE), "tags": t.ListOf(t.STRING)}),
            "customer": t.Record("customer", {"tier": t.Nullable(t.STRING), "founded_on": t.Nullable(t.DATE)}),
            "submitted_at": t.DATETIME,
        },
    )

    with translation.override("en"):
        rows = schema.describe()

    assert rows == [
        ("order", "order"),
        ("order.total", "decimal"),
        ("order.lines", "list of line"),
        ("order.lines[].sku", "string"),
        ("order.lines[].quantity", "decimal"),
        ("order.lines[].discount_percent", "decimal"),
        ("order.lines[].amount", "decimal"),
        ("order.lines[].product_line", "string"),
        ("order.tags", "list of string"),
        ("customer", "customer"),
        ("customer.tier", "string or null"),
        ("customer.founded_on", "date or null"),
        ("submitted_at", "datetime"),
    ]


@pytest.mark.parametrize(
    ("field_type", "rule_type"),
    [
        ("text", t.Nullable(t.STRING)),
        ("choice", t.Nullable(t.STRING)),
        ("number", t.Nullable(t.INT)),
        ("decimal", t.Nullable(t.DECIMAL)),
        ("date", t.Nullable(t.DATE)),
        ("boolean", t.Nullable(t.BOOL)),
    ],
)
def test_custom_field_types_become_nullable_rule_types(field_type, rule_type):
    assert t.from_custom_field_type(field_type) == rule_type


def test_an_unknown_custom_field_type_is_an_error():
    with pytest.raises(ValueError, match="unknown custom field type 'colour'"):
        t.from_custom_field_type("colour")


DEFINITIONS = [
    SimpleNamespace(name="industry", field_type="choice"),
    SimpleNamespace(name="employees", field_type="number"),
    SimpleNamespace(name="revenue", field_type="decimal"),
    SimpleNamespace(name="founded_on", field_type="date"),
    SimpleNamespace(name="is_key_account", field_type="boolean"),
]


def test_custom_fields_are_read_by_rules_as_customer_custom_fields():
    schema = t.Record("root", {"customer": t.Record("customer", {"custom": rules.custom_fields_record(DEFINITIONS)})})
    stored = {"industry": "tea", "employees": 120, "revenue": "1200000.50", "founded_on": "2001-05-04"}
    data = {"customer": {"custom": rules.custom_field_values(DEFINITIONS, stored)}}

    rule = rules.compile_rule(
        "customer.custom.revenue > 1000000 && customer.custom.founded_on < date('2010-01-01')"
        " && customer.custom.industry == 'tea' && customer.custom.employees >= 100"
        " && !customer.custom.is_key_account",
        schema,
    )

    assert data["customer"]["custom"] == {
        "industry": "tea",
        "employees": 120,
        "revenue": Decimal("1200000.50"),
        "founded_on": datetime.date(2001, 5, 4),
        "is_key_account": None,
    }
    assert rule.evaluate(data) is True


def test_stored_values_that_no_longer_fit_their_definition_read_as_null():
    stored = {"industry": 3, "employees": "many", "revenue": "a lot", "founded_on": "May 2001", "is_key_account": "y"}

    assert rules.custom_field_values(DEFINITIONS, stored) == dict.fromkeys(
        ["industry", "employees", "revenue", "founded_on", "is_key_account"]
    )


def test_nullable_of_nullable_is_nullable_and_types_compare_by_structure():
    assert t.Nullable(t.Nullable(t.INT)) == t.Nullable(t.INT)
    assert t.ListOf(t.Record("line", {"sku": t.STRING})) == t.ListOf(t.Record("line", {"sku": t.STRING}))
    assert t.Record("line", {"sku": t.STRING}) != t.Record("line", {"sku": t.INT})
    assert len({t.ListOf(t.INT), t.ListOf(t.INT), t.Nullable(t.INT)}) == 2


def test_unify_joins_the_types_of_list_items_and_branches():
    assert t.unify(t.INT, t.DECIMAL) == t.DECIMAL
    assert t.unify(t.NULL, t.STRING) == t.Nullable(t.STRING)
    assert t.unify(t.Nullable(t.INT), t.DECIMAL) == t.Nullable(t.DECIMAL)
    assert t.unify(t.ListOf(t.NOTHING), t.ListOf(t.STRING)) == t.ListOf(t.STRING)
    assert t.unify(t.STRING, t.INT) is None
