"""The functions and methods of the rule language, with their types and what they do.

A method is a function whose first parameter is the value before the dot: `name.startsWith('A')` is
`startsWith(name, 'A')` with the receiver checked like any argument. Macros (`exists`, `map`, ...) bind a
variable and are in `macros.py`.

Null: a function given null gives null (`size(customer.tier)` when there is no tier); a predicate
(`startsWith`, `endsWith`, `contains`) gives false. `sum`, `max` and `min` skip nulls.
"""

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import nodes
from .runtime import CONTEXT, Code, apply, as_function, guarded, to_decimal
from .types import (
    BOOL,
    DATE,
    DATETIME,
    DECIMAL,
    ERROR,
    INT,
    NOTHING,
    NUMBERS,
    ORDERED,
    STRING,
    ListOf,
    Nullable,
    Type,
    unify,
)

DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
INT_TEXT = re.compile(r"[+-]?\d+")
DECIMAL_TEXT = re.compile(r"[+-]?\d+(\.\d+)?")


@dataclass(frozen=True)
class Param:
    """What one parameter accepts (tested on the type without `Nullable`), and how to say it in an error."""

    accepts: Callable[[Type], bool]
    wanted: Any  # lazily translated: "a string or a list"


TEXT = Param(lambda t: t is STRING, gettext_lazy("a string"))
TEXT_OR_LIST = Param(lambda t: t is STRING or isinstance(t, ListOf), gettext_lazy("a string or a list"))
NUMBER_OR_TEXT = Param(lambda t: t in (INT, DECIMAL, STRING), gettext_lazy("a number or a string"))
SCALAR = Param(lambda t: t in (BOOL, *ORDERED), gettext_lazy("a bool, number, string, date or datetime"))
NUMBER_LIST = Param(
    lambda t: isinstance(t, ListOf) and t.item.base in (*NUMBERS, NOTHING), gettext_lazy("a list of numbers")
)
ORDERED_LIST = Param(
    lambda t: isinstance(t, ListOf) and t.item.base in ORDERED, gettext_lazy("a list of numbers, strings or dates")
)
ORDERED_VALUE = Param(lambda t: t in ORDERED, gettext_lazy("a number, string, date or datetime"))


class Function:
    """A function of fixed parameters giving a `result` of one type (null when an argument is null)."""

    def __init__(
        self,
        name: str,
        params: list[Param],
        result: Type,
        implementation: Callable,
        *,
        predicate: bool = False,
        can_fail: bool = False,
    ) -> None:
        self.name = name
        self.params = params
        self.result = result
        self.implementation = implementation
        self.predicate = predicate
        self.can_fail = can_fail  # reads text that may not parse: failures become RuleEvaluationError

    def wanted_arguments(self, given: int, *, method: bool) -> int | None:
        """How many arguments a call should have had, when `given` (not counting a method's receiver) is wrong."""
        wanted = len(self.params) - (1 if method else 0)
        return None if given == wanted else wanted

    def check(self, checker, node: nodes.Call, values: list[nodes.Node], types: list[Type]) -> Type:
        if not self.check_params(checker, values, types, self.params):
            return ERROR
        self.check_constants(checker, values)
        if not self.predicate and any(t.is_nullable for t in types):
            return Nullable(self.result)
        return self.result

    def check_params(self, checker, values, types, params) -> bool:
        valid = True
        for param, value, value_type in zip(params, values, types, strict=True):
            if value_type is ERROR:
                valid = False
            elif not param.accepts(value_type.base):
                checker.error(
                    "type",
                    _("%(function)s needs %(wanted)s, this is %(type)s.")
                    % {"function": self.name, "wanted": param.wanted, "type": value_type.described()},
                    value.span,
                )
                valid = False
        return valid

    def check_constants(self, checker, values: list[nodes.Node]) -> None:
        """Text that must parse (`date('2026-10-01')`) is checked now when it is written in the rule."""
        if not self.can_fail or not all(isinstance(v, nodes.Literal) and v.value is not None for v in values):
            return
        try:
            self.implementation(*(value.value for value in values))
        except ValueError as exc:
            checker.error("type", str(exc), values[-1].span)

    def build(self, node: nodes.Call, codes: list[Code], types: list[Type]) -> Code:
        nullable = [t.is_nullable for t in types]
        code = apply(self.implementation, codes, nullable, on_null=False if self.predicate else None)
        return guarded(code, node.span) if self.can_fail else code


class Extreme(Function):
    """`max` and `min`: of a list (`max(order.lines.map(l, l.amount))`), or of two or more values.

    Nulls are skipped; with nothing left the result is null.
    """

    def __init__(self, name: str, implementation: Callable) -> None:
        super().__init__(name, [], ERROR, implementation)

    def wanted_arguments(self, given: int, *, method: bool) -> int | None:
        return 1 if given == 0 else None  # one list, or several values

    def check(self, checker, node, values, types) -> Type:
        if len(values) == 1:
            if not self.check_params(checker, values, types, [ORDERED_LIST]):
                return ERROR
            return Nullable(types[0].base.item.base)
        if not self.check_params(checker, values, types, [ORDERED_VALUE] * len(values)):
            return ERROR
        result: Type = types[0]
        for value, value_type in zip(values[1:], types[1:], strict=True):
            joined = unify(result, value_type)
            if joined is None:
                checker.error(
                    "type",
                    _("%(function)s cannot compare %(left)s with %(right)s.")
                    % {"function": self.name, "left": result.display(), "right": value_type.display()},
                    value.span,
                )
                return ERROR
            result = joined
        return result

    def build(self, node, codes, types) -> Code:
        extreme = self.implementation
        promote = node.type.base is DECIMAL
        if len(codes) == 1:
            return apply(lambda items: pick(extreme, items, promote), codes, [types[0].is_nullable])
        functions = [as_function(code) for code in codes]
        return lambda env: pick(extreme, [run(env) for run in functions], promote)


def pick(extreme: Callable, values, promote: bool) -> Any:
    present = [value for value in values if value is not None]
    if not present:
        return None
    chosen = extreme(present)
    return to_decimal(chosen) if promote else chosen


def parse_date(text: str) -> datetime.date:
    if DATE_TEXT.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(_("%(text)s is not a date: write it as YYYY-MM-DD, such as 2026-10-01.") % {"text": repr(text)})


def parse_datetime(text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("%(text)s is not a date and time: write it as 2026-10-01T09:30:00+08:00.") % {"text": repr(text)}
        ) from None
    if value.tzinfo is None:
        raise ValueError(_("%(text)s has no time zone: add one, such as +08:00.") % {"text": repr(text)})
    return value


def to_int(value: Any) -> int:
    if isinstance(value, str):
        if not INT_TEXT.fullmatch(value):
            raise ValueError(_("%(text)s is not a whole number.") % {"text": repr(value)})
        return int(value)
    return int(value)  # a decimal loses its fraction (towards zero)


def to_decimal_value(value: Any) -> Decimal:
    if isinstance(value, str):
        if not DECIMAL_TEXT.fullmatch(value):
            raise ValueError(_("%(text)s is not a number.") % {"text": repr(value)})
        return Decimal(value)
    return Decimal(value)


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def sum_of_ints(items) -> int:
    return sum(item for item in items if item is not None)


def sum_of_decimals(items) -> Decimal:
    return functools.reduce(CONTEXT.add, (item for item in items if item is not None), Decimal(0))


class Sum(Function):
    """`sum` of a list of numbers, nulls skipped: an int for ints, a decimal for decimals, 0 for an empty list."""

    def __init__(self) -> None:
        super().__init__("sum", [NUMBER_LIST], ERROR, sum_of_ints)

    def check(self, checker, node, values, types) -> Type:
        if not self.check_params(checker, values, types, self.params):
            return ERROR
        result = DECIMAL if types[0].base.item.base is DECIMAL else INT
        return Nullable(result) if types[0].is_nullable else result

    def build(self, node, codes, types) -> Code:
        implementation = sum_of_decimals if node.type.base is DECIMAL else sum_of_ints
        return apply(implementation, codes, [types[0].is_nullable])


SIZE = Function("size", [TEXT_OR_LIST], INT, len)
FUNCTIONS: dict[str, Function] = {
    function.name: function
    for function in [
        SIZE,
        Function("date", [TEXT], DATE, parse_date, can_fail=True),
        Function("datetime", [TEXT], DATETIME, parse_datetime, can_fail=True),
        Function("int", [NUMBER_OR_TEXT], INT, to_int, can_fail=True),
        Function("decimal", [NUMBER_OR_TEXT], DECIMAL, to_decimal_value, can_fail=True),
        Function("string", [SCALAR], STRING, to_text),
        Sum(),
        Extreme("max", max),
        Extreme("min", min),
    ]
}
METHODS: dict[str, Function] = {
    function.name: function
    for function in [
        SIZE,
        Function("startsWith", [TEXT, TEXT], BOOL, str.startswith, predicate=True),
        Function("endsWith", [TEXT, TEXT], BOOL, str.endswith, predicate=True),
        Function("contains", [TEXT, TEXT], BOOL, str.__contains__, predicate=True),
    ]
}
