"""Rule language properties: random valid rules compile and run, random text never crashes the checker."""

import contextlib
import datetime
import decimal
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesops.core import rules
from salesops.core.rules.errors import KINDS

from .rule_fixtures import SCHEMA, context

DECIMALS = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
INTS = st.integers(min_value=-1000, max_value=1000)


def number_literal(value) -> str:
    text = str(value)
    return f"({text})" if text.startswith("-") else text


NUMBER_LEAVES = st.one_of(
    INTS.map(number_literal),
    DECIMALS.map(number_literal),
    st.sampled_from(
        [
            "order.total",
            "order.line_count",
            "order.discount_percent",
            "customer.custom.revenue",
            "customer.custom.employees",
            "size(order.tags)",
            "order.payment_term.size()",
            "sum(order.lines.map(l, l.amount))",
            "max(order.lines.map(l, l.discount_percent))",
            "int(order.total)",
            "decimal('12.5')",
        ]
    ),
)
STRING_LEAVES = st.one_of(
    st.text(alphabet="abc 雨'\\", max_size=5).map(lambda s: "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"),
    st.sampled_from(["order.payment_term", "customer.tier", "customer.credit_status", "string(order.total)"]),
)
BOOL_LEAVES = st.sampled_from(
    [
        "true",
        "false",
        "order.is_rush",
        "customer.custom.is_key_account",
        "order.lines.exists(l, l.discount_percent > submitter.discount_limit)",
        "order.lines.all(l, l.amount > 0)",
        "order.tags.exists_one(x, x.startsWith('v'))",
        "customer.tier in ['C', 'D', 'E']",
        "order.created_on < date('2026-10-01')",
    ]
)


def numbers():
    return st.recursive(
        NUMBER_LEAVES,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%"]), inner).map(
                lambda p: f"({p[0]} {p[1]} {p[2]})"
            ),
            inner.map(lambda n: f"-({n})"),
            st.tuples(BOOL_LEAVES, inner, inner).map(lambda p: f"({p[0]} ? {p[1]} : {p[2]})"),
            st.tuples(inner, inner).map(lambda p: f"max({p[0]}, {p[1]})"),
        ),
        max_leaves=6,
    )


def conditions():
    comparisons = st.one_of(
        st.tuples(numbers(), st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), numbers()).map(" ".join),
        st.tuples(STRING_LEAVES, st.sampled_from(["==", "!=", "<", ">="]), STRING_LEAVES).map(" ".join),
        st.tuples(STRING_LEAVES, st.sampled_from(["startsWith", "endsWith", "contains"]), STRING_LEAVES).map(
            lambda p: f"{p[0]}.{p[1]}({p[2]})"
        ),
        BOOL_LEAVES,
    )
    return st.recursive(
        comparisons,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
            inner.map(lambda c: f"!({c})"),
        ),
        max_leaves=5,
    )


DATA = st.builds(
    lambda total, count, tier, revenue, flag: context(
        order__total=total,
        order__line_count=count,
        customer__tier=tier,
        customer__custom={"revenue": revenue, "is_key_account": flag, "employees": None},
    ),
    DECIMALS,
    INTS,
    st.sampled_from([None, "A", "C"]),
    st.one_of(st.none(), DECIMALS),
    st.one_of(st.none(), st.booleans()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=conditions(), data=DATA)
def test_random_valid_conditions_compile_and_evaluate_to_a_bool(source, data):
    rule = rules.compile_rule(source, SCHEMA)

    try:
        result = rule.evaluate(data)
    except rules.RuleEvaluationError:
        return  # division by zero: the one failure these rules can meet
    assert result is True or result is False


@settings(max_examples=200, deadline=None)
@given(source=numbers(), data=DATA)
def test_random_valid_numbers_are_ints_decimals_or_null_never_floats(source, data):
    rule = rules.compile_rule(source, SCHEMA, expect=None)

    try:
        result = rule.evaluate(data)
    except rules.RuleEvaluationError:
        return
    assert result is None or type(result) in (int, Decimal)


def reference_sum(terms: list[tuple[str, Decimal]]) -> Decimal:
    with decimal.localcontext(prec=34, rounding=decimal.ROUND_HALF_UP):
        total = Decimal(0)
        for operator, value in terms:
            total = total + value if operator == "+" else total - value if operator == "-" else total * value
        return total


@given(start=DECIMALS, terms=st.lists(st.tuples(st.sampled_from(["+", "-", "*"]), DECIMALS), max_size=8))
def test_decimal_arithmetic_matches_exact_decimal_arithmetic(start, terms):
    # Written left to right with explicit parentheses, so the rule and the reference apply the same steps.
    source = number_literal(start)
    for operator, value in terms:
        source = f"({source} {operator} {number_literal(value)})"

    result = rules.compile_rule(source, SCHEMA, expect=None).evaluate({})

    assert result == reference_sum([("+", start), *terms])


WORDS = ["order", "total", "lines", "exists", "size", "in", "null", "true", "&&", "||", "==", "customer", "tier"]
RULE_ALPHABET = st.sampled_from([*"abcdelorstu_.,()[]'\"!&|=<>+-*/%?:0123456789 \n\\#雨", *WORDS])


@settings(max_examples=500, deadline=None)
@given(source=st.lists(RULE_ALPHABET, max_size=40).map("".join), date=st.dates())
def test_any_text_gives_problems_or_a_rule_never_an_unexpected_exception(source, date):
    found = rules.validate_rule(source, SCHEMA)

    for problem in found:
        assert problem.kind in KINDS
        assert problem.line >= 1 and problem.column >= 1 and problem.length >= 1
        assert problem.message
        assert "^" in problem.pointer()
    if not found:
        with contextlib.suppress(rules.RuleEvaluationError):
            rules.compile_rule(source, SCHEMA).evaluate(context(order__created_on=date))


@given(day=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_date_literals_compare_like_dates(day):
    rule = rules.compile_rule(f"order.created_on >= date('{day.isoformat()}')", SCHEMA)

    assert rule.evaluate(context()) is (datetime.date(2026, 10, 2) >= day)
