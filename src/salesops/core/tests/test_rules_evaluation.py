"""Rule language: what every operator, function and macro computes, exactly, with decimals and nulls."""

import datetime
import decimal
import threading
from decimal import Decimal

import pytest
from django.utils import translation

from salesops.core import rules
from salesops.core.rules import types as t

from .rule_fixtures import SCHEMA, SHANGHAI, context, evaluate, line

# The four example conditions of the approvals issue.


def test_an_order_under_half_a_million_needs_no_director():
    rule = rules.compile_rule("order.total < 500000", SCHEMA)

    assert rule.evaluate(context(order__total=Decimal("499999.99"))) is True
    assert rule.evaluate(context(order__total=Decimal("500000.00"))) is False


def test_an_order_of_half_a_million_or_more_goes_to_the_director():
    rule = rules.compile_rule("order.total >= 500000", SCHEMA)

    assert rule.evaluate(context(order__total=Decimal("500000"))) is True
    assert rule.evaluate(context(order__total=Decimal("499999.99"))) is False


def test_a_line_discounted_beyond_the_submitters_limit_needs_approval():
    rule = rules.compile_rule("order.lines.exists(l, l.discount_percent > submitter.discount_limit)", SCHEMA)

    assert rule.evaluate(context()) is True  # the second line has 12% and the limit is 10%
    assert rule.evaluate(context(submitter__discount_limit=Decimal("12"))) is False
    assert rule.evaluate(context(order__lines=[])) is False
    assert rule.fields == {"order.lines", "order.lines[].discount_percent", "submitter.discount_limit"}


def test_a_low_tier_or_frozen_customer_needs_finance():
    rule = rules.compile_rule("customer.tier in ['C', 'D', 'E'] || customer.credit_status == 'frozen'", SCHEMA)

    assert rule.evaluate(context(customer__tier="D")) is True
    assert rule.evaluate(context(customer__tier="A")) is False
    assert rule.evaluate(context(customer__tier=None)) is False
    assert rule.evaluate(context(customer__tier="A", customer__credit_status="frozen")) is True
    assert rule.source == "customer.tier in ['C', 'D', 'E'] || customer.credit_status == 'frozen'"
    assert rule.result_type == t.BOOL


# Literals and arithmetic: decimals stay decimals, never floats.


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("1.5", Decimal("1.5")),
        ("0.1 + 0.2", Decimal("0.3")),
        ("0.1 + 0.2 == 0.3", True),
        ("1 + 2", 3),
        ("7 - 10", -3),
        ("6 * 7", 42),
        ("7 / 2", Decimal("3.5")),
        ("10 / 5", Decimal("2")),
        ("1 / 3", Decimal("0.3333333333333333333333333333333333")),
        ("2 / 3", Decimal("0.6666666666666666666666666666666667")),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ("7 % -3", 1),
        ("7.5 % 2", Decimal("1.5")),
        ("-7.5 % 2", Decimal("-1.5")),
        ("1 + 1.50", Decimal("2.50")),
        ("2 * 1.25", Decimal("2.50")),
        ("19.99 * 3", Decimal("59.97")),
        ("-order.total", Decimal("-300.50")),
        ("-order.line_count", -2),
        ("--1", 1),
        ("order.total * 1.13", Decimal("339.5650")),
        ("order.total - 0.50", Decimal("300.00")),
        ("'tea' + ' ' + 'cup'", "tea cup"),
        ("order.tags + ['new']", ["export", "vip", "new"]),
        ("[1] + [2.5]", [Decimal(1), Decimal("2.5")]),
        ("[] + [1]", [1]),
        ("99999999999999999999 * 99999999999999999999", 9999999999999999999800000000000000000001),
        ("'雨前龙井' + '\\u0021'", "雨前龙井!"),
        ("\"it's\" + '\\n'", "it's\n"),
    ],
)
def test_arithmetic_is_exact(source, value):
    result = evaluate(source)

    assert result == value
    assert type(result) is type(value)
    assert not isinstance(result, float)


def test_an_int_result_is_a_decimal_when_a_decimal_is_expected():
    rule = rules.compile_rule("order.line_count * 2", SCHEMA, expect=t.DECIMAL)

    assert rule.result_type == t.DECIMAL
    assert rule.evaluate(context()) == Decimal(4)
    assert type(rule.evaluate(context())) is Decimal


def test_results_do_not_depend_on_the_callers_decimal_context():
    with decimal.localcontext(prec=3, rounding=decimal.ROUND_DOWN):
        assert evaluate("order.total * 1.13") == Decimal("339.5650")
        assert evaluate("2 / 3") == Decimal("0.6666666666666666666666666666666667")


# Comparisons


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("order.total == 300.5", True),
        ("order.total != 300.50", False),
        ("order.total < 300.51", True),
        ("order.total <= 300.50", True),
        ("order.total > 300.50", False),
        ("order.total >= 301", False),
        ("order.line_count == 2.0", True),
        ("order.line_count < 2.5", True),
        ("'abc' < 'abd'", True),
        ("'b' >= 'abc'", True),
        ("order.payment_term == 'net30'", True),
        ("order.created_on == date('2026-10-02')", True),
        ("order.created_on > date('2026-10-01')", True),
        ("order.created_on <= date('2026-10-01')", False),
        ("order.submitted_at == datetime('2026-10-02T01:30:00Z')", True),
        ("order.submitted_at < datetime('2026-10-02T09:30:01+08:00')", True),
        ("order.is_rush == false", True),
        ("order.is_rush != true", True),
        ("order.tags == ['export', 'vip']", True),
        ("order.tags != ['vip', 'export']", True),
        ("[1, 2] == [1.0, 2.00]", True),
        ("'vip' in order.tags", True),
        ("'retail' in order.tags", False),
        ("order.line_count in [1, 2, 3]", True),
        ("order.total in [300.5, 1]", True),
        ("2 in []", False),
        ("order.created_on in [date('2026-10-02')]", True),
        ("order.tags in [['export', 'vip'], []]", True),
        ("order.payment_term in order.tags", False),
    ],
)
def test_comparisons(source, value):
    assert evaluate(source) is value


# Logic and short circuits


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("true && true", True),
        ("true && false", False),
        ("false || true", True),
        ("false || false", False),
        ("!true", False),
        ("!!order.is_rush", False),
        ("order.is_rush || order.total > 300 && order.line_count == 2", True),
        ("(order.is_rush || order.total > 300) && order.line_count == 3", False),
        ("false || false || false || true", True),
        ("true && true && true && false", False),
        ("order.is_rush ? 'rush' : 'normal'", "normal"),
        ("order.total > 100 ? order.total : 0", Decimal("300.50")),
        ("order.is_rush ? 1 : 2.5", Decimal("2.5")),
        ("order.is_rush ? 1 : order.is_rush ? 2 : 3", 3),
    ],
)
def test_logic_and_choice(source, value):
    result = evaluate(source)

    assert result == value
    assert type(result) is type(value)


def test_and_does_not_evaluate_its_right_side_when_the_left_is_false():
    # The right side would divide by zero, and the data has no customer at all.
    rule = rules.compile_rule("order.total < 0 && (1 / order.line_count > 0 || customer.tier == 'A')", SCHEMA)

    assert rule.evaluate({"order": {"total": Decimal(1), "line_count": 0}}) is False


def test_or_does_not_evaluate_its_right_side_when_the_left_is_true():
    rule = rules.compile_rule("order.total > 0 || 1 / order.line_count > 0 || customer.tier == 'A'", SCHEMA)

    assert rule.evaluate({"order": {"total": Decimal(1), "line_count": 0}}) is True


def test_a_choice_evaluates_only_the_branch_taken():
    rule = rules.compile_rule("(order.is_rush ? 1 / order.line_count : order.total) > 0", SCHEMA)

    assert rule.evaluate({"order": {"is_rush": False, "line_count": 0, "total": Decimal(1)}}) is True


def test_exists_stops_at_the_first_match():
    lines = [line("A", "1"), {"sku": "B"}]  # the second line has no amount: reading it would fail

    assert evaluate("order.lines.exists(l, l.amount > 0)", context(order__lines=lines)) is True
    with pytest.raises(rules.RuleEvaluationError):
        evaluate("order.lines.all(l, l.amount > 0)", context(order__lines=lines))


# Functions


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("size('雨前龙井')", 4),
        ("order.payment_term.size()", 5),
        ("size(order.lines)", 2),
        ("order.tags.size()", 2),
        ("size([])", 0),
        ("order.payment_term.startsWith('net')", True),
        ("order.payment_term.startsWith('Net')", False),
        ("order.payment_term.endsWith('30')", True),
        ("order.payment_term.contains('t3')", True),
        ("order.payment_term.contains('x')", False),
        ("date('2026-10-01')", datetime.date(2026, 10, 1)),
        ("datetime('2026-10-01T09:30:00+08:00')", datetime.datetime(2026, 10, 1, 9, 30, tzinfo=SHANGHAI)),
        ("int(order.total)", 300),
        ("int(-2.9)", -2),
        ("int('-12')", -12),
        ("int(7)", 7),
        ("decimal('12.50')", Decimal("12.50")),
        ("decimal(order.line_count)", Decimal(2)),
        ("decimal(1.5)", Decimal("1.5")),
        ("string(order.total)", "300.50"),
        ("string(100 / 0.1)", "1000"),
        ("string(order.line_count)", "2"),
        ("string(order.is_rush)", "false"),
        ("string(order.created_on)", "2026-10-02"),
        ("string(order.submitted_at)", "2026-10-02T09:30:00+08:00"),
        ("string('x')", "x"),
        ("sum(order.lines.map(l, l.amount))", Decimal("300.50")),
        ("sum([1, 2, 3])", 6),
        ("sum([])", 0),
        ("sum(order.lines.filter(l, l.amount > 1000).map(l, l.amount))", Decimal(0)),
        ("max(order.lines.map(l, l.discount_percent))", Decimal(12)),
        ("min(order.lines.map(l, l.discount_percent))", Decimal(3)),
        ("max(order.tags)", "vip"),
        ("max(3, 2.5)", Decimal(3)),
        ("min(3, 2.5, order.line_count)", Decimal(2)),
        ("max(order.created_on, date('2027-01-01'))", datetime.date(2027, 1, 1)),
        ("max(order.lines.filter(l, false).map(l, l.amount))", None),
    ],
)
def test_functions(source, value):
    result = evaluate(source)

    assert result == value
    assert type(result) is type(value)


# Macros


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("order.lines.exists(l, l.product_line == 'cups')", True),
        ("order.lines.exists(l, l.product_line == 'pots')", False),
        ("order.lines.all(l, l.amount > 100)", True),
        ("order.lines.all(l, l.amount > 150)", False),
        ("order.lines.exists_one(l, l.amount > 150)", True),
        ("order.lines.exists_one(l, l.amount > 1)", False),
        ("order.lines.exists_one(l, l.amount > 1000)", False),
        ("order.lines.filter(l, l.discount_percent > 5).map(l, l.sku)", ["CUP-2"]),
        ("order.lines.map(l, l.quantity * l.amount)", [Decimal("100.50"), Decimal("200.00")]),
        ("order.tags.map(x, x.size())", [6, 3]),
        ("order.tags.filter(x, x.startsWith('v'))", ["vip"]),
        ("[1, 2, 3].filter(x, x % 2 == 1).map(x, x * 10)", [10, 30]),
        ("[[1, 2], [3]].exists(xs, xs.exists(x, x == 3))", True),
        ("[[1, 2], [3]].map(xs, xs.all(x, x < 3))", [True, False]),
        ("order.lines.exists(l, order.tags.exists(tag, l.sku.contains(tag)))", False),
        ("order.lines.exists(l, order.lines.exists(m, m.amount > l.amount))", True),
        ("order.lines.filter(l, false).all(l, l.amount > 1000)", True),
        ("order.lines.filter(l, false).exists(l, l.amount > 0)", False),
    ],
)
def test_macros(source, value):
    assert evaluate(source) == value


# Null: comparisons false, == and != treat null as a value, arithmetic and functions give null.


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("customer.tier == null", True),
        ("customer.tier != null", False),
        ("customer.tier == 'A'", False),
        ("customer.tier != 'A'", True),
        ("customer.tier < 'A'", False),
        ("customer.tier >= 'A'", False),
        ("customer.tier in ['A', 'B']", False),
        ("null in [null, 'A']", True),
        ("customer.custom.revenue > 0", False),
        ("customer.custom.revenue <= 0", False),
        ("customer.custom.revenue + 1", None),
        ("customer.custom.revenue * order.total", None),
        ("-customer.custom.revenue", None),
        ("customer.custom.revenue + 1 > 0", False),
        ("size(customer.tier)", None),
        ("customer.tier.size() == 0", False),
        ("customer.tier.startsWith('A')", False),
        ("customer.tier.contains('A')", False),
        ("string(customer.custom.founded_on)", None),
        ("customer.custom.is_key_account", None),
        ("customer.custom.is_key_account || order.total > 0", True),
        ("customer.custom.is_key_account && true", False),
        ("!customer.custom.is_key_account", True),
        ("customer.custom.is_key_account ? 1 : 2", 2),
        ("max(customer.custom.revenue, 5)", Decimal(5)),
        ("max(customer.custom.revenue, customer.custom.revenue)", None),
        ("sum([customer.custom.employees, 5])", 125),
        ("sum([customer.custom.revenue, 5])", Decimal(5)),
        ("[1, 2].exists(x, customer.custom.is_key_account)", False),
        ("customer.custom.employees == 120", True),
        ("customer.custom.employees / 4", Decimal(30)),
    ],
)
def test_null_semantics(source, value):
    result = evaluate(source)

    assert result == value
    assert type(result) is type(value)


def test_a_condition_that_is_null_counts_as_false():
    rule = rules.compile_rule("customer.custom.is_key_account", SCHEMA)

    assert rule.result_type == t.BOOL
    assert rule.evaluate(context()) is False
    assert rule.evaluate(context(customer__custom={"is_key_account": True})) is True


def test_a_nullable_result_of_another_type_says_so():
    rule = rules.compile_rule("customer.custom.revenue", SCHEMA, expect=t.DECIMAL)

    assert rule.result_type == t.Nullable(t.DECIMAL)
    assert rule.evaluate(context()) is None


# Failures at run time


def test_division_by_zero_fails_at_the_operator():
    rule = rules.compile_rule("order.total / (order.line_count - 2) > 1", SCHEMA)

    with translation.override("en"), pytest.raises(rules.RuleEvaluationError) as caught:
        rule.evaluate(context())

    assert (caught.value.message, caught.value.line, caught.value.column) == ("Division by zero.", 1, 13)


@pytest.mark.parametrize("source", ["order.line_count % 0 == 1", "0 / 0 > 1", "1.5 % 0 > 1"])
def test_every_division_by_zero_is_a_rule_evaluation_error(source):
    with pytest.raises(rules.RuleEvaluationError):
        evaluate(source)


def test_an_index_outside_the_list_fails():
    with translation.override("en"), pytest.raises(rules.RuleEvaluationError) as caught:
        evaluate("order.lines[2].amount > 0")

    assert caught.value.message == "Index 2 is outside the list, which has 2 items."
    assert (caught.value.line, caught.value.column) == (1, 1)
    with pytest.raises(rules.RuleEvaluationError):
        evaluate("order.tags[-1] == 'x'")


def test_a_value_the_data_lacks_fails_with_its_path():
    rule = rules.compile_rule("order.total > 5 && customer.credit_status == 'frozen'", SCHEMA)
    data = context()
    del data["customer"]["credit_status"]

    with translation.override("en"), pytest.raises(rules.RuleEvaluationError) as caught:
        rule.evaluate(data)

    assert (caught.value.message, caught.value.column) == ("The data has no value for customer.credit_status.", 20)


def test_a_missing_nullable_value_reads_as_null():
    assert evaluate("customer.custom.industry == null", context(customer__custom={})) is True


def test_unreadable_text_in_the_data_fails_at_the_call():
    with translation.override("en"), pytest.raises(rules.RuleEvaluationError) as caught:
        evaluate("date(order.payment_term) > order.created_on")

    assert caught.value.message == "'net30' is not a date: write it as YYYY-MM-DD, such as 2026-10-01."
    assert (caught.value.line, caught.value.column) == (1, 1)


def test_data_of_another_type_than_the_schema_fails_cleanly():
    with pytest.raises(rules.RuleEvaluationError):
        evaluate("order.total + 1 > 5", context(order__total="12"))


# Compiled rules are shared


def test_a_list_the_rule_returns_is_the_callers_to_change():
    rule = rules.compile_rule("order.is_rush ? [[1], [2]] : [[3]]", SCHEMA, expect=None)
    first = rule.evaluate(context())

    first[0].append(4)
    first.append([5])

    assert rule.evaluate(context()) == [[3]]


def test_one_compiled_rule_runs_in_many_threads_at_once():
    rule = rules.compile_rule(
        "order.lines.exists(l, l.discount_percent > submitter.discount_limit"
        " && order.lines.exists(m, m.sku != l.sku && m.amount > l.amount))",
        SCHEMA,
    )
    results: dict[int, list[bool]] = {}

    def run(limit: int) -> None:
        data = context(submitter__discount_limit=Decimal(limit))
        results[limit] = [rule.evaluate(data) for _ in range(2000)]

    threads = [threading.Thread(target=run, args=(limit,)) for limit in (2, 20, 2, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # With a limit of 2 the first line (3%) has a dearer line beside it; with 20 no line is over the limit.
    assert results[2] == [True] * 2000
    assert results[20] == [False] * 2000
