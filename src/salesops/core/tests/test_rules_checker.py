"""Rule language: unknown names and type mismatches are found before a rule runs, each at its place."""

import pytest

from salesops.core import rules

from .rule_fixtures import SCHEMA, problems


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("order.totl > 5", ("unknown_field", 1, 7, 4, "order has no field totl. Did you mean total?")),
        ("ordr.total > 5", ("unknown_field", 1, 1, 4, "Unknown name ordr. Did you mean order?")),
        (
            "customer.custom.employes > 5",
            ("unknown_field", 1, 17, 8, "custom has no field employes. Did you mean employees?"),
        ),
        (
            "order.lines.exists(l, l.discount > 5)",
            ("unknown_field", 1, 25, 8, "line has no field discount. Did you mean discount_percent?"),
        ),
        ("region == 'east'", ("unknown_field", 1, 1, 6, "Unknown name region.")),
    ],
)
def test_an_unknown_field_is_reported_at_its_name_with_a_suggestion(source, expected):
    assert problems(source) == [expected]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("order.total == 'big'", ("type", 1, 13, 2, "Cannot compare decimal with string.")),
        ("order.created_on < '2026-10-01'", ("type", 1, 18, 1, "Cannot compare date with string.")),
        ("order.created_on < order.submitted_at", ("type", 1, 18, 1, "Cannot compare date with datetime.")),
        ("order.is_rush < true", ("type", 1, 15, 1, "bool values cannot be ordered with <.")),
        ("order.total && order.is_rush", ("type", 1, 1, 11, "&& needs bool operands, this is a decimal.")),
        ("order.is_rush || order.line_count", ("type", 1, 18, 16, "|| needs bool operands, this is an int.")),
        ("!order.total", ("type", 1, 2, 11, "! needs a bool operand, this is a decimal.")),
        ("-order.payment_term == 'x'", ("type", 1, 2, 18, "- needs a number, this is a string.")),
        ("order.total", ("type", 1, 1, 11, "A condition must be true or false, this is a decimal.")),
        ("customer.tier", ("type", 1, 1, 13, "A condition must be true or false, this is a string or null.")),
        ("order.total + 'x' > 1", ("type", 1, 13, 1, "+ cannot combine decimal with string.")),
        ("order.payment_term * 2 == 'x'", ("type", 1, 20, 1, "* cannot combine string with int.")),
        ("order.total > null", ("type", 1, 13, 1, "Cannot order by null with >: compare with == null or != null.")),
        (
            "order.total == null",
            ("type", 1, 13, 2, "This decimal is never null, so comparing it with null always gives the same answer."),
        ),
        ("'A' in customer.tier", ("type", 1, 8, 13, "in needs a list on its right, this is a string or null.")),
        ("order.line_count in order.tags", ("type", 1, 18, 2, "Cannot look for an int in a list of string.")),
        (
            "order.lines.sku == 'x'",
            (
                "type",
                1,
                13,
                3,
                "A list has no fields: to test its items use exists(), all() or map(), such as exists(x, x.sku ...).",
            ),
        ),
        ("order.total.amount > 1", ("type", 1, 13, 6, "This is a decimal, which has no fields.")),
        ("order.total[0] > 1", ("type", 1, 1, 11, "Only lists can be indexed, this is a decimal.")),
        ("order.tags['a'] == 'x'", ("type", 1, 12, 3, "A list index must be an int, this is a string.")),
        (
            "[1, 'a'] == []",
            ("type", 1, 5, 3, "All items of a list must have one type: this is a string, the items before are int."),
        ),
        ("(order.is_rush ? 1 : 'a') == 1", ("type", 1, 22, 3, "Both sides of : must have one type: int and string.")),
        (
            "(order.total ? 1 : 2) == 1",
            ("type", 1, 2, 11, "The condition before ? must be true or false, this is a decimal."),
        ),
        ("order == customer", ("type", 1, 7, 2, "Cannot compare order with customer.")),
    ],
)
def test_a_type_mismatch_is_reported_at_the_operator_or_operand(source, expected):
    assert problems(source) == [expected]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("foo(order.total)", ("type", 1, 1, 3, "Unknown function foo.")),
        ("sise(order.tags) > 1", ("type", 1, 1, 4, "Unknown function sise. Did you mean size?")),
        (
            "startsWith(order.payment_term, 'n')",
            ("type", 1, 1, 10, "startsWith is a method: write it after a value, such as x.startsWith(...)."),
        ),
        (
            "order.payment_term.startswith('n')",
            ("type", 1, 20, 10, "This is a string, which has no method startswith. Did you mean startsWith?"),
        ),
        ("size(order.tags, 1) > 1", ("type", 1, 1, 4, "size takes 1 argument, not 2.")),
        ("order.payment_term.startsWith() ", ("type", 1, 20, 10, "startsWith takes 1 argument, not 0.")),
        ("max() > 1", ("type", 1, 1, 3, "max takes 1 argument, not 0.")),
        ("size(order.total) > 1", ("type", 1, 6, 11, "size needs a string or a list, this is a decimal.")),
        ("order.total.startsWith('5')", ("type", 1, 1, 11, "startsWith needs a string, this is a decimal.")),
        ("order.payment_term.startsWith(5)", ("type", 1, 31, 1, "startsWith needs a string, this is an int.")),
        ("sum(order.tags) > 1", ("type", 1, 5, 10, "sum needs a list of numbers, this is a list of string.")),
        ("max(order.total, 'a') > 1", ("type", 1, 18, 3, "max cannot compare decimal with string.")),
        (
            "max(order.total) > 1",
            ("type", 1, 5, 11, "max needs a list of numbers, strings or dates, this is a decimal."),
        ),
        (
            "string(order.tags) == ''",
            ("type", 1, 8, 10, "string needs a bool, number, string, date or datetime, this is a list of string."),
        ),
        (
            "date('2026-13-01') < order.created_on",
            ("type", 1, 6, 12, "'2026-13-01' is not a date: write it as YYYY-MM-DD, such as 2026-10-01."),
        ),
        (
            "datetime('2026-10-01T09:00:00') < order.submitted_at",
            ("type", 1, 10, 21, "'2026-10-01T09:00:00' has no time zone: add one, such as +08:00."),
        ),
        ("int('1.5') > 1", ("type", 1, 5, 5, "'1.5' is not a whole number.")),
        ("decimal('1,5') > 1", ("type", 1, 9, 5, "'1,5' is not a number.")),
    ],
)
def test_functions_check_their_name_arity_and_arguments(source, expected):
    assert problems(source) == [expected]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "order.lines.exists(l.sku, true)",
            ("syntax", 1, 20, 5, "The first argument of exists must be a variable name, such as x."),
        ),
        (
            "order.lines.exists(order, true)",
            ("type", 1, 20, 5, "The name order is already in use: choose another name for the variable."),
        ),
        (
            "order.lines.exists(l, l.amount)",
            ("type", 1, 23, 8, "The condition of exists must be true or false, this is a decimal."),
        ),
        (
            "order.lines.all(l)",
            ("type", 1, 13, 3, "all takes a variable name and an expression, such as all(x, x > 0)."),
        ),
        ("order.total.exists(x, true)", ("type", 1, 1, 11, "exists works on lists, this is a decimal.")),
        (
            "order.lines.exists(a, order.lines.exists(b, order.lines.exists(c, order.lines.exists(d, true))))",
            ("limit", 1, 79, 6, "Macros can be nested at most 3 deep."),
        ),
    ],
)
def test_macros_check_their_variable_and_condition(source, expected):
    assert problems(source) == [expected]


def test_several_problems_are_reported_together_in_source_order():
    source = "order.totl > 5 && customer.credit_status == 1 && custmer.tier == 'A'"

    assert problems(source) == [
        ("unknown_field", 1, 7, 4, "order has no field totl. Did you mean total?"),
        ("type", 1, 42, 2, "Cannot compare string with int."),
        ("unknown_field", 1, 50, 7, "Unknown name custmer. Did you mean customer?"),
    ]


def test_one_mistake_is_reported_once_not_at_every_operator_above_it():
    assert problems("(order.totl + 1) * 2 > order.total && order.is_rush") == [
        ("unknown_field", 1, 8, 4, "order has no field totl. Did you mean total?")
    ]


def test_a_bad_macro_variable_is_not_reported_again_at_its_uses():
    assert problems("order.lines.exists(order, order.amount > 1 && order.sku == 'x')") == [
        ("type", 1, 20, 5, "The name order is already in use: choose another name for the variable.")
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("__class__", ("unknown_field", 1, 1, 9, "Unknown name __class__.")),
        ("order.__dict__ == null", ("unknown_field", 1, 7, 8, "order has no field __dict__.")),
        ("order.__class__.__bases__", ("unknown_field", 1, 7, 9, "order has no field __class__.")),
        ("order.payment_term.__len__() > 1", ("type", 1, 20, 7, "This is a string, which has no method __len__.")),
        ("__import__('os').system('ls')", ("type", 1, 1, 10, "Unknown function __import__.")),
        ("eval('1') == 1", ("type", 1, 1, 4, "Unknown function eval.")),
        ("getattr(order, 'total') > 1", ("type", 1, 1, 7, "Unknown function getattr.")),
    ],
)
def test_python_attributes_and_functions_are_refused_at_validation(source, expected):
    assert problems(source) == [expected]
    with pytest.raises(rules.RuleError):
        rules.compile_rule(source, SCHEMA)


def test_nullable_values_are_accepted_where_their_type_is_expected():
    assert problems("customer.custom.employees > 100 && customer.tier.startsWith('A')") == []
    assert problems("customer.custom.is_key_account") == []
    assert problems("customer.custom.revenue * 2 > order.total") == []
    assert problems("customer.tier == null || customer.tier != 'A'") == []
    assert problems("null == null") == []


def test_ints_and_decimals_mix():
    assert problems("order.line_count * 1.5 > order.total / 2") == []
    assert problems("order.line_count in [1, 2.5]") == []
    assert problems("max(order.line_count, order.total) > 1") == []


def test_fields_lists_every_path_the_rule_reads():
    compiled = rules.compile_rule(
        "order.lines.filter(l, l.sku.startsWith('T')).exists(l, l.discount_percent > submitter.discount_limit)"
        " && customer.custom.employees > 10 && order.lines[0].amount > 0",
        SCHEMA,
    )

    assert compiled.fields == {
        "order.lines",
        "order.lines[].sku",
        "order.lines[].discount_percent",
        "order.lines[].amount",
        "submitter.discount_limit",
        "customer.custom.employees",
    }
