"""Rule language: syntax errors in plain words at their place, the size limits, and the caret pointer."""

import time

import pytest
from django.utils import translation

from salesops.core import rules
from salesops.core.rules import types as t

from .rule_fixtures import SCHEMA, problems


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("order.total >", ("syntax", 1, 14, 1, "The rule ends too early: expected a value.")),
        ("order.total = 5", ("syntax", 1, 13, 1, "A single = is not an operator: write == to compare.")),
        ("order.is_rush & true", ("syntax", 1, 15, 1, "A single & is not an operator: write && for and.")),
        ("order.is_rush | true", ("syntax", 1, 15, 1, "A single | is not an operator: write || for or.")),
        ("order.is_rush and true", ("syntax", 1, 15, 3, "Unexpected name 'and': write && instead.")),
        (
            "order.total 5",
            ("syntax", 1, 13, 1, "Unexpected number 5: expected an operator or the end of the rule."),
        ),
        ("order.5", ("syntax", 1, 7, 1, "Unexpected number 5: expected a name.")),
        ("order.total > > 5", ("syntax", 1, 15, 1, "Unexpected '>': expected a value.")),
        ("customer.tier == 'A", ("syntax", 1, 18, 1, "This text has no closing quote: add ' at its end.")),
        ("(order.total > 5", ("syntax", 1, 17, 1, "The rule ends too early: expected ')'.")),
        ("customer.tier in ['A', 'B'", ("syntax", 1, 27, 1, "The rule ends too early: expected ',' or ']'.")),
        ("size(order.tags 1)", ("syntax", 1, 17, 1, "Unexpected number 1: expected an operator, ',' or ')'.")),
        ("order.is_rush ? 1", ("syntax", 1, 18, 1, "The rule ends too early: expected ':'.")),
        ("order.total # 5", ("syntax", 1, 13, 1, "The character '#' cannot be used here.")),
        ("'a\\q' == 'b'", ("syntax", 1, 3, 2, "Unknown escape \\q in text: write \\\\ for a backslash.")),
        ("", ("syntax", 1, 1, 1, "The rule is empty.")),
        ("  // only a comment\n", ("syntax", 1, 1, 1, "The rule is empty.")),
    ],
)
def test_a_syntax_error_is_reported_in_plain_words_at_its_place(source, expected):
    assert problems(source) == [expected]


def test_a_syntax_error_on_a_later_line_has_that_line_and_column():
    source = "order.total > 5 &&\n  customer.tier ==\n"

    assert problems(source) == [("syntax", 2, 19, 1, "The rule ends too early: expected a value.")]


def test_in_is_a_whole_word():
    # Not `order.total in dex`: a name that starts with "in" is a name.
    assert problems("order.total index") == [
        ("syntax", 1, 13, 5, "Unexpected name 'index': expected an operator or the end of the rule.")
    ]


def test_comments_and_line_breaks_are_allowed():
    source = "// big orders\norder.total >= 500000 // in yuan\n  && customer.credit_status == 'frozen'"

    assert problems(source) == []


def test_a_rule_longer_than_the_limit_is_refused_before_parsing():
    source = "order.total > 1" + " " * rules.MAX_LENGTH

    assert problems(source) == [
        ("limit", 1, 4001, 15, f"The rule is too long: {len(source)} characters, at most 4000."),
    ]


@pytest.mark.parametrize(
    "source",
    [
        "!" * 3980 + "order.is_rush",
        "-" * 3970 + "order.line_count > 0",
        "[" * 1990 + "]" * 1990,
        "size(" * 600 + "'a'" + ")" * 600,
        " + ".join(["1"] * 999) + " > 0",
    ],
    ids=["negations", "minus signs", "lists", "calls", "a long sum"],
)
def test_deep_nesting_is_refused_quickly_without_exhausting_the_stack(source):
    started = time.perf_counter()

    found = problems(source)

    assert [(kind, message) for kind, _line, _column, _length, message in found] == [
        ("limit", "The rule is nested too deeply: at most 64 levels.")
    ]
    assert time.perf_counter() - started < 3


def test_the_depth_problem_points_at_the_first_level_too_deep():
    assert problems("!" * 70 + "order.is_rush")[0][:3] == ("limit", 1, 65)


def test_long_chains_of_and_and_or_are_not_nesting():
    source = " || ".join(f"order.line_count == {n}" for n in range(150))

    compiled = rules.compile_rule(source, SCHEMA)

    assert compiled.evaluate({"order": {"line_count": 149}}) is True
    assert compiled.evaluate({"order": {"line_count": 150}}) is False


def test_parentheses_do_not_count_as_nesting():
    source = "(" * 200 + "order.is_rush" + ")" * 200

    assert problems(source) == []


def test_the_pointer_puts_carets_under_the_fault():
    with translation.override("en"):
        (problem,) = rules.validate_rule("order.total > 5 &&\n  customer.teir == 'A'", SCHEMA)

    assert problem.pointer() == "  customer.teir == 'A'\n           ^^^^"


def test_the_pointer_counts_chinese_characters_as_two_columns():
    with translation.override("en"):
        (problem,) = rules.validate_rule("customer.tier == '大客户' && order.totl > 1", SCHEMA)

    assert (problem.line, problem.column, problem.length) == (1, 33, 4)
    assert problem.pointer() == "customer.tier == '大客户' && order.totl > 1\n" + " " * 35 + "^^^^"


def test_a_rule_error_lists_the_problems_and_names_the_first():
    with translation.override("en"), pytest.raises(rules.RuleError) as caught:
        rules.compile_rule("order.total >", SCHEMA)

    assert str(caught.value) == "1:14: The rule ends too early: expected a value."
    assert [p.as_dict() for p in caught.value.problems] == [
        {
            "message": "The rule ends too early: expected a value.",
            "line": 1,
            "column": 14,
            "length": 1,
            "kind": "syntax",
        }
    ]


def test_messages_follow_the_active_language():
    # The English source is what gettext falls back to; the catalogue's translation is the lead's to add.
    with translation.override("zh-hans"):
        (problem,) = rules.validate_rule("order.total >", SCHEMA)

    assert problem.kind == "syntax"
    assert (problem.line, problem.column) == (1, 14)


def test_a_rule_of_another_expected_type_is_checked_against_it():
    assert problems("order.total * 2", expect=t.DECIMAL) == []
    assert problems("order.line_count", expect=t.DECIMAL) == []
    assert problems("order.payment_term", expect=t.DECIMAL) == [
        ("type", 1, 1, 18, "The rule must give a decimal, this is a string.")
    ]
