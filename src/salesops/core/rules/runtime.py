"""The pieces compiled rules are made of: constants, decimal arithmetic, readers of the data, null handling.

A compiled expression is either a `Constant` (known when the rule is compiled) or a function of one argument, the
environment: a list whose item 0 is the context (the data the rule reads) and whose further items hold the
variables of the macros being run (`l` in `order.lines.exists(l, ...)`). Each evaluation has its own environment,
so one compiled rule can run in many threads at once.
"""

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .errors import RuleEvaluationError

# Decimal arithmetic in a context of its own, so a caller's `decimal.localcontext()` cannot change a rule's result.
# 34 digits (IEEE decimal128) keep money times rates exact; a division that does not end is rounded half up.
CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_UP,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

Function = Callable[[list], Any]


class Constant:
    """A value known when the rule is compiled (literals, and operations on literals only)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


Code = Constant | Function


def as_function(code: Code) -> Function:
    if isinstance(code, Constant):
        value = code.value
        return lambda env: value
    return code


def fail(span, message: str) -> RuleEvaluationError:
    return RuleEvaluationError(message, line=span.line, column=span.column)


def to_decimal(value: Any) -> Any:
    """An int promoted to a decimal; a decimal or null unchanged."""
    return Decimal(value) if type(value) is int else value


def int_remainder(left: int, right: int) -> int:
    """The remainder with the sign of the dividend (as `%` on decimals, and in CEL), not Python's floored one."""
    remainder = abs(left) % abs(right)
    return -remainder if left < 0 else remainder


def reader(slot: int, steps: list[tuple[str, bool, bool]], path: str, span) -> Function:
    """A function reading a path of fields from the environment: `env[slot][key1][key2]...`.

    Each step is (key, optional, container_may_be_null): an optional field may be missing from its dict (it
    reads as null); a step whose container may be null gives null. A value the schema says is always there but
    the data lacks is a `RuleEvaluationError` naming the path.
    """

    def missing() -> RuleEvaluationError:
        return fail(span, _("The data has no value for %(path)s.") % {"path": path})

    if not any(optional or nullable for _key, optional, nullable in steps):
        keys = [key for key, _optional, _nullable in steps]
        if len(keys) == 1:
            (first,) = keys

            def read_one(env):
                try:
                    return env[slot][first]
                except (KeyError, TypeError):
                    raise missing() from None

            return read_one
        if len(keys) == 2:
            first, second = keys

            def read_two(env):
                try:
                    return env[slot][first][second]
                except (KeyError, TypeError):
                    raise missing() from None

            return read_two

    if len(steps) == 2 and steps[1][1] and not (steps[0][1] or steps[0][2] or steps[1][2]):
        first, second = steps[0][0], steps[1][0]

        def read_optional(env):  # `customer.tier`: a record that is always there, a field that may be missing
            try:
                return env[slot][first].get(second)
            except (KeyError, TypeError, AttributeError):
                raise missing() from None

        return read_optional

    def read(env):
        value = env[slot]
        try:
            for key, optional, nullable in steps:
                if nullable and value is None:
                    return None
                value = value.get(key) if optional else value[key]
        except (KeyError, TypeError, AttributeError):
            raise missing() from None
        return value

    return read


def apply(function: Callable, codes: list[Code], nullable: list[bool], on_null: Any = None) -> Code:
    """`function` applied to the values of `codes`; where a nullable argument is null, `on_null` instead.

    All-constant arguments are computed once, here (unless that fails: then the failure happens at run time).
    """
    if all(isinstance(code, Constant) for code in codes):
        values = [code.value for code in codes]
        if not any(value is None for value in values):
            try:
                return Constant(function(*values))
            except (ArithmeticError, ValueError, RuleEvaluationError):
                pass
    functions = [as_function(code) for code in codes]
    checked = any(nullable)
    if len(functions) == 1:
        (first,) = functions
        if not checked:
            return lambda env: function(first(env))

        def apply_one(env):
            value = first(env)
            return on_null if value is None else function(value)

        return apply_one
    if len(functions) == 2:
        first, second = functions
        if not checked:
            if isinstance(codes[1], Constant):
                constant = codes[1].value
                return lambda env: function(first(env), constant)
            return lambda env: function(first(env), second(env))

        def apply_two(env):
            left = first(env)
            if left is None:
                return on_null
            right = second(env)
            return on_null if right is None else function(left, right)

        return apply_two

    def apply_many(env):
        values = []
        for run, may_be_null in zip(functions, nullable, strict=True):
            value = run(env)
            if may_be_null and value is None:
                return on_null
            values.append(value)
        return function(*values)

    return apply_many


def guarded(code: Code, span) -> Code:
    """`code`, turning a failure into a `RuleEvaluationError` at `span`.

    An `ArithmeticError` is a division by zero (a decimal overflow needs numbers of a million digits); a
    `ValueError` carries its own translated message (an unreadable date in the data).
    """
    if isinstance(code, Constant):
        return code

    def run(env):
        try:
            return code(env)
        except ValueError as exc:
            raise fail(span, str(exc)) from None
        except ArithmeticError:
            raise fail(span, _("Division by zero.")) from None

    return run
