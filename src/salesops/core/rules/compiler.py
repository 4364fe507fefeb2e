"""Compiling a checked tree into Python closures, once; evaluating is then calling them.

Every choice that depends only on the rule (which operator, whether a value may be null, whether a list is
constant) is made here, so an evaluation runs no dispatch: `order.total >= 500000` becomes one function reading
`env[0]["order"]["total"]` and comparing it with a constant. Null rules: ordering comparisons with null are
false, `==` and `!=` treat null as a value, arithmetic and functions of null give null, and wherever a true or
false is needed null counts as false.
"""

import operator
from typing import Any

from django.utils.translation import gettext as _

from . import nodes
from .errors import RuleEvaluationError
from .macros import Macro
from .runtime import (
    CONTEXT,
    Code,
    Constant,
    Function,
    apply,
    as_function,
    fail,
    guarded,
    int_remainder,
    reader,
    to_decimal,
)
from .types import BOOL, DECIMAL, INT, STRING, ListOf, Nullable, Record, Type

INT_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": CONTEXT.divide, "%": int_remainder}
DECIMAL_ARITHMETIC = {
    "+": CONTEXT.add,
    "-": CONTEXT.subtract,
    "*": CONTEXT.multiply,
    "/": CONTEXT.divide,
    "%": CONTEXT.remainder,
}
COMPARISONS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class CompiledRule:
    """A rule ready to run: `evaluate(context)` any number of times, from any number of threads.

    `fields` holds the dotted paths the rule reads (`order.total`, `order.lines[].discount_percent`), so a caller
    can load only those.
    """

    __slots__ = ("_padding", "_run", "fields", "result_type", "source")

    def __init__(self, source: str, result_type: Type, fields: frozenset[str], run: Function, slots: int) -> None:
        self.source = source
        self.result_type = result_type
        self.fields = fields
        self._run = run
        self._padding = [None] * (slots - 1)

    def evaluate(self, context: dict) -> Any:
        """The rule's value for `context` (nested dicts and lists of Decimal, int, str, bool, date, datetime, None).

        Raises `RuleEvaluationError` when the rule cannot be computed for this data (division by zero, a value
        the schema promises but the data lacks, a value of another type than the schema says).
        """
        try:
            return self._run([context, *self._padding])
        except RuleEvaluationError:
            raise
        except (ArithmeticError, TypeError, KeyError, AttributeError, IndexError, ValueError) as exc:
            message = _("The data does not fit the rule: %(error)s") % {"error": exc}
            raise RuleEvaluationError(message) from exc

    def __repr__(self) -> str:
        return f"<CompiledRule {self.source!r}>"


def compile_tree(source: str, root: nodes.Node, expect: Type | None, fields: set[str], slots: int) -> CompiledRule:
    code = Compiler().compile(root)
    result_type: Type = root.type
    if expect is BOOL:
        code, result_type = as_condition(code, root.type), BOOL
    elif expect is not None:
        code = coerce(code, root.type, expect)
        result_type = Nullable(expect) if root.type.is_nullable else expect
    run = as_function(code)
    if isinstance(result_type.base, ListOf):
        # Lists written in the rule are built once; the caller gets its own copy to change as it likes.
        return CompiledRule(source, result_type, frozenset(fields), lambda env: copied(run(env)), slots)
    return CompiledRule(source, result_type, frozenset(fields), run, slots)


def copied(value: Any) -> Any:
    """A copy of a list and of the lists in it (records, the caller's own dicts, are not copied)."""
    return [copied(item) for item in value] if isinstance(value, list) else value


def as_condition(code: Code, value_type: Type) -> Code:
    """A bool from a value that may be null: null counts as false."""
    if not value_type.is_nullable:
        return code
    if isinstance(code, Constant):
        return Constant(code.value is True)
    return lambda env: code(env) is True


def coerce(code: Code, actual: Type, wanted: Type) -> Code:
    """Ints standing where decimals are wanted become decimals (also the items of a list)."""
    actual, wanted = actual.base, wanted.base
    if actual is INT and wanted is DECIMAL:
        convert = to_decimal
    elif isinstance(actual, ListOf) and isinstance(wanted, ListOf) and actual.item.base is INT:
        if wanted.item.base is not DECIMAL:
            return code

        def convert(items):
            return None if items is None else [to_decimal(item) for item in items]
    else:
        return code
    if isinstance(code, Constant):
        return Constant(convert(code.value))
    return lambda env: convert(code(env))


class Compiler:
    def compile(self, node: nodes.Node) -> Code:
        return BUILDERS[type(node)](self, node)

    def literal(self, node: nodes.Literal) -> Code:
        return Constant(node.value)

    def list(self, node: nodes.ListLiteral) -> Code:
        item_type = node.type.item
        codes = [coerce(self.compile(item), item.type, item_type) for item in node.items]
        if all(isinstance(code, Constant) for code in codes):
            return Constant([code.value for code in codes])
        functions = [as_function(code) for code in codes]
        return lambda env: [run(env) for run in functions]

    def name(self, node: nodes.Name) -> Code:
        if node.slot:
            slot = node.slot
            return lambda env: env[slot]
        return reader(0, [(node.name, node.type.is_nullable, False)], node.name, node.span)

    def member(self, node: nodes.Member) -> Code:
        steps: list[tuple[str, bool, bool]] = []
        link: nodes.Node = node
        while isinstance(link, nodes.Member):
            record: Record = link.target.type.base
            steps.append((link.name, record.fields[link.name].is_nullable, link.target.type.is_nullable))
            link = link.target
        steps.reverse()
        path = node.path or node.name
        if isinstance(link, nodes.Name):
            if link.slot:
                return reader(link.slot, steps, path, node.span)
            return reader(0, [(link.name, link.type.is_nullable, False), *steps], path, node.span)
        start = as_function(self.compile(link))
        read = reader(0, steps, path, node.span)
        return lambda env: read([start(env)])

    def index(self, node: nodes.Index) -> Code:
        items = as_function(self.compile(node.target))
        position = as_function(self.compile(node.index))
        span = node.span

        def at(env):
            values = items(env)
            number = position(env)
            if values is None or number is None:
                return None
            if 0 <= number < len(values):
                return values[number]
            message = _("Index %(index)d is outside the list, which has %(count)d items.")
            raise fail(span, message % {"index": number, "count": len(values)})

        return at

    def unary(self, node: nodes.Unary) -> Code:
        code = self.compile(node.operand)
        operand_type = node.operand.type
        if node.op == "!":
            return apply(operator.not_, [code], [False])
        negate = operator.neg if operand_type.base is INT else CONTEXT.minus
        return apply(negate, [code], [operand_type.is_nullable])

    def binary(self, node: nodes.Binary) -> Code:
        left, right = self.compile(node.left), self.compile(node.right)
        left_type, right_type = node.left.type, node.right.type
        nullable = [left_type.is_nullable, right_type.is_nullable]
        if node.op == "in":
            return self.contains(left, right, right_type.is_nullable)
        if node.op in ("==", "!="):
            return apply(COMPARISONS[node.op], [left, right], [False, False])
        if node.op in COMPARISONS:
            return apply(COMPARISONS[node.op], [left, right], nullable, on_null=False)
        if left_type.base is INT and right_type.base is INT:
            function = INT_ARITHMETIC[node.op]
        elif left_type.base is STRING:
            function = operator.add
        elif isinstance(left_type.base, ListOf):
            function = concatenate
        else:
            function = DECIMAL_ARITHMETIC[node.op]
        code = apply(function, [left, right], nullable)
        return guarded(code, node.op_span) if node.op in ("/", "%") else code

    def contains(self, element: Code, items: Code, nullable: bool) -> Code:
        if isinstance(items, Constant):
            try:
                members: Any = frozenset(items.value)
            except TypeError:  # unhashable items (lists): search the list
                members = items.value
            if isinstance(element, Constant):
                return Constant(element.value in members)
            return lambda env: element(env) in members
        element, items = as_function(element), as_function(items)
        if nullable:
            return lambda env: (values := items(env)) is not None and element(env) in values
        return lambda env: element(env) in items(env)

    def logical(self, node: nodes.Logical) -> Code:
        codes = [as_condition(self.compile(operand), operand.type) for operand in node.operands]
        conjunction = node.op == "&&"
        if all(isinstance(code, Constant) for code in codes):
            values = [code.value for code in codes]
            return Constant(all(values) if conjunction else any(values))
        functions = [as_function(code) for code in codes]
        if len(functions) == 2:
            first, second = functions
            if conjunction:
                return lambda env: first(env) and second(env)
            return lambda env: first(env) or second(env)

        # Loops rather than all()/any() over a generator, which costs more on every evaluation.
        def every(env):
            for run in functions:  # noqa: SIM110
                if not run(env):
                    return False
            return True

        def some(env):
            for run in functions:  # noqa: SIM110
                if run(env):
                    return True
            return False

        return every if conjunction else some

    def conditional(self, node: nodes.Conditional) -> Code:
        condition = as_condition(self.compile(node.condition), node.condition.type)
        then = coerce(self.compile(node.then), node.then.type, node.type)
        otherwise = coerce(self.compile(node.otherwise), node.otherwise.type, node.type)
        if isinstance(condition, Constant):
            return then if condition.value else otherwise
        then, otherwise = as_function(then), as_function(otherwise)
        return lambda env: then(env) if condition(env) else otherwise(env)

    def call(self, node: nodes.Call) -> Code:
        if isinstance(node.builtin, Macro):
            return node.builtin.build(node, self.compile(node.target), self.compile(node.args[1]))
        values = [*([node.target] if node.target is not None else []), *node.args]
        return node.builtin.build(node, [self.compile(value) for value in values], [value.type for value in values])


def concatenate(first: list, second: list) -> list:
    return [*first, *second]


BUILDERS = {
    nodes.Literal: Compiler.literal,
    nodes.ListLiteral: Compiler.list,
    nodes.Name: Compiler.name,
    nodes.Member: Compiler.member,
    nodes.Index: Compiler.index,
    nodes.Unary: Compiler.unary,
    nodes.Binary: Compiler.binary,
    nodes.Logical: Compiler.logical,
    nodes.Conditional: Compiler.conditional,
    nodes.Call: Compiler.call,
}
