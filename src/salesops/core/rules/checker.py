"""The type checker: every name must exist, every operator must fit its operands, the result must be expected.

It walks the tree once, sets each node's `type` (and what the compiler needs: variable slots, resolved functions,
the paths read), and collects every problem it finds. An expression with a problem gets the type `ERROR`,
which fits everywhere, so one mistake is reported once and the rest of the rule is still checked.
"""

import contextlib
import difflib

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import nodes
from .errors import Problems
from .functions import FUNCTIONS, METHODS
from .macros import MACROS, MAX_NESTING
from .types import (
    BOOL,
    DECIMAL,
    ERROR,
    INT,
    NOTHING,
    NULL,
    ORDERED,
    STRING,
    ListOf,
    Nullable,
    Record,
    Type,
    is_assignable,
    is_numeric,
    unify,
)

ARITHMETIC = {"+", "-", "*", "/", "%"}
ORDERING = {"<", "<=", ">", ">="}


class Variable:
    __slots__ = ("path", "slot", "type")

    def __init__(self, value_type: Type, slot: int, path: str | None) -> None:
        self.type = value_type
        self.slot = slot
        self.path = path


class Checker:
    def __init__(self, schema: Record, problems: Problems) -> None:
        self.schema = schema
        self.problems = problems
        self.fields: set[str] = set()
        self.variables: dict[str, Variable] = {}
        self.slots = 1  # the environment's size: the context, then one slot per level of nested macros
        self.level = 0  # macros being checked, one inside the other

    def check_rule(self, root: nodes.Node, expect: Type | None) -> Type:
        """Check a whole rule whose value must fit `expect` (None: any type)."""
        result = self.check(root)
        if expect is None or is_assignable(result, expect):
            return result
        if expect is BOOL:
            message = _("A condition must be true or false, this is %(type)s.") % {"type": result.described()}
        else:
            message = _("The rule must give %(expected)s, this is %(type)s.") % {
                "expected": expect.described(),
                "type": result.described(),
            }
        return self.error("type", message, root.span)

    def check(self, node: nodes.Node) -> Type:
        node.type = CHECKS[type(node)](self, node)
        path = node.path
        if (
            path is not None
            and node.type is not ERROR
            and not path.endswith("[]")
            and not isinstance(node.type.base, Record)
        ):
            self.fields.add(path)
        return node.type

    def error(self, kind: str, message: str, span: nodes.Span) -> Type:
        self.problems.add(kind, message, span)
        return ERROR

    @staticmethod
    def is_condition(value_type: Type) -> bool:
        return value_type is ERROR or value_type.base is BOOL

    @contextlib.contextmanager
    def binding(self, variable: nodes.Node, value_type: Type, path: str | None, macro: nodes.Call, name: str):
        """Bind a macro's variable while its body is checked; yields the variable's slot.

        A variable that cannot be bound as written is still bound, with the type `ERROR`, so the body does not
        report the same mistake again at every use of it.
        """
        self.level += 1
        level = self.level
        bound, previous = None, None
        if not isinstance(variable, nodes.Name):
            self.error(
                "syntax",
                _("The first argument of %(macro)s must be a variable name, such as x.") % {"macro": name},
                variable.span,
            )
        else:
            if variable.name in self.variables or variable.name in self.schema.fields:
                message = _("The name %(name)s is already in use: choose another name for the variable.")
                value_type = self.error("type", message % {"name": variable.name}, variable.span)
            elif level > MAX_NESTING:
                message = _("Macros can be nested at most %(limit)d deep.") % {"limit": MAX_NESTING}
                value_type = self.error("limit", message, macro.name_span)
            bound = variable.name
            previous = self.variables.get(bound)
            variable.type = value_type
            self.variables[bound] = Variable(value_type, level, path)
            self.slots = max(self.slots, level + 1)
        try:
            yield level
        finally:
            self.level -= 1
            if previous is not None:
                self.variables[bound] = previous
            elif bound is not None:
                del self.variables[bound]

    # One method per kind of node.

    def check_literal(self, node: nodes.Literal) -> Type:
        value = node.value
        if value is None:
            return NULL
        if isinstance(value, bool):
            return BOOL
        if isinstance(value, int):
            return INT
        if isinstance(value, str):
            return STRING
        return DECIMAL

    def check_list(self, node: nodes.ListLiteral) -> Type:
        item_type: Type = NOTHING
        for item in node.items:
            this = self.check(item)
            if item_type is ERROR:
                continue
            joined = this if item_type is NOTHING else unify(item_type, this)
            if joined is None:
                self.error(
                    "type",
                    _("All items of a list must have one type: this is %(type)s, the items before are %(first)s.")
                    % {"type": this.described(), "first": item_type.display()},
                    item.span,
                )
                item_type = ERROR
            else:
                item_type = joined
        return ERROR if item_type is ERROR else ListOf(item_type)

    def check_name(self, node: nodes.Name) -> Type:
        variable = self.variables.get(node.name)
        if variable is not None:
            node.slot = variable.slot
            node.path = variable.path
            return variable.type
        field_type = self.schema.fields.get(node.name)
        if field_type is None:
            known = [*self.variables, *self.schema.fields]
            message = _("Unknown name %(name)s.") % {"name": node.name}
            return self.error("unknown_field", message + suggestion(node.name, known), node.span)
        node.path = node.name
        return field_type

    def check_member(self, node: nodes.Member) -> Type:
        target_type = self.check(node.target)
        if target_type is ERROR:
            return ERROR
        record = target_type.base
        if isinstance(record, Record):
            field_type = record.fields.get(node.name)
            if field_type is None:
                message = _("%(record)s has no field %(name)s.") % {"record": record.display(), "name": node.name}
                return self.error("unknown_field", message + suggestion(node.name, record.fields), node.name_span)
            if node.target.path is not None:
                node.path = f"{node.target.path}.{node.name}"
            return Nullable(field_type) if target_type.is_nullable else field_type
        if isinstance(record, ListOf):
            message = _("A list has no fields: to test its items use exists(), all() or map(), such as %(example)s.")
            example = f"exists(x, x.{node.name} ...)"
            return self.error("type", message % {"example": example}, node.name_span)
        return self.error(
            "type", _("This is %(type)s, which has no fields.") % {"type": target_type.described()}, node.name_span
        )

    def check_index(self, node: nodes.Index) -> Type:
        target_type = self.check(node.target)
        index_type = self.check(node.index)
        if target_type is ERROR or index_type is ERROR:
            return ERROR
        if not isinstance(target_type.base, ListOf):
            return self.error(
                "type",
                _("Only lists can be indexed, this is %(type)s.") % {"type": target_type.described()},
                node.target.span,
            )
        if index_type.base is not INT:
            return self.error(
                "type",
                _("A list index must be an int, this is %(type)s.") % {"type": index_type.described()},
                node.index.span,
            )
        if node.target.path is not None:
            node.path = f"{node.target.path}[]"
        item_type = target_type.base.item
        return Nullable(item_type) if target_type.is_nullable or index_type.is_nullable else item_type

    def check_unary(self, node: nodes.Unary) -> Type:
        operand = self.check(node.operand)
        if operand is ERROR:
            return ERROR
        if node.op == "!":
            if not self.is_condition(operand):
                return self.error(
                    "type",
                    _("! needs a bool operand, this is %(type)s.") % {"type": operand.described()},
                    node.operand.span,
                )
            return BOOL
        if not is_numeric(operand):
            return self.error(
                "type", _("- needs a number, this is %(type)s.") % {"type": operand.described()}, node.operand.span
            )
        return operand

    def check_logical(self, node: nodes.Logical) -> Type:
        valid = True
        for operand in node.operands:
            operand_type = self.check(operand)
            if not self.is_condition(operand_type):
                self.error(
                    "type",
                    _("%(op)s needs bool operands, this is %(type)s.")
                    % {"op": node.op, "type": operand_type.described()},
                    operand.span,
                )
                valid = False
            elif operand_type is ERROR:
                valid = False
        return BOOL if valid else ERROR

    def check_conditional(self, node: nodes.Conditional) -> Type:
        condition = self.check(node.condition)
        then = self.check(node.then)
        otherwise = self.check(node.otherwise)
        if not self.is_condition(condition):
            return self.error(
                "type",
                _("The condition before ? must be true or false, this is %(type)s.") % {"type": condition.described()},
                node.condition.span,
            )
        result = unify(then, otherwise)
        if result is None:
            return self.error(
                "type",
                _("Both sides of : must have one type: %(then)s and %(otherwise)s.")
                % {"then": then.display(), "otherwise": otherwise.display()},
                node.otherwise.span,
            )
        return ERROR if condition is ERROR else result

    def check_binary(self, node: nodes.Binary) -> Type:
        left = self.check(node.left)
        right = self.check(node.right)
        if left is ERROR or right is ERROR:
            return ERROR
        if node.op in ARITHMETIC:
            return self.check_arithmetic(node, left, right)
        if node.op == "in":
            return self.check_in(node, left, right)
        if NULL in (left, right):
            return self.check_null_comparison(node, left, right)
        a, b = left.base, right.base
        comparable = unify(a, b) is not None
        if node.op in ORDERING and comparable and a not in ORDERED:
            return self.error(
                "type",
                _("%(type)s values cannot be ordered with %(op)s.") % {"type": a.display(), "op": node.op},
                node.op_span,
            )
        if not comparable or isinstance(a, Record):
            return self.error(
                "type",
                _("Cannot compare %(left)s with %(right)s.") % {"left": left.display(), "right": right.display()},
                node.op_span,
            )
        return BOOL

    def check_null_comparison(self, node: nodes.Binary, left: Type, right: Type) -> Type:
        other = right if left is NULL else left
        if node.op in ORDERING:
            return self.error(
                "type",
                _("Cannot order by null with %(op)s: compare with == null or != null.") % {"op": node.op},
                node.op_span,
            )
        if other is not NULL and not other.is_nullable:
            return self.error(
                "type",
                _("This %(type)s is never null, so comparing it with null always gives the same answer.")
                % {"type": other.display()},
                node.op_span,
            )
        return BOOL

    def check_arithmetic(self, node: nodes.Binary, left: Type, right: Type) -> Type:
        a, b = left.base, right.base
        result: Type | None = None
        if is_numeric(left) and is_numeric(right):
            result = INT if a is INT and b is INT and node.op != "/" else DECIMAL
        elif node.op == "+" and a is STRING and b is STRING:
            result = STRING
        elif node.op == "+" and isinstance(a, ListOf) and isinstance(b, ListOf):
            result = unify(a, b)
        if result is None:
            return self.error(
                "type",
                _("%(op)s cannot combine %(left)s with %(right)s.")
                % {"op": node.op, "left": left.display(), "right": right.display()},
                node.op_span,
            )
        return Nullable(result) if left.is_nullable or right.is_nullable else result

    def check_in(self, node: nodes.Binary, left: Type, right: Type) -> Type:
        if not isinstance(right.base, ListOf):
            return self.error(
                "type",
                _("in needs a list on its right, this is %(type)s.") % {"type": right.described()},
                node.right.span,
            )
        item = right.base.item
        if item is not NOTHING and unify(left, item) is None:
            return self.error(
                "type",
                _("Cannot look for %(left)s in %(right)s.") % {"left": left.described(), "right": right.described()},
                node.op_span,
            )
        return BOOL

    def check_call(self, node: nodes.Call) -> Type:
        if node.target is not None and node.name in MACROS:
            node.builtin = MACROS[node.name]
            return node.builtin.check(self, node)
        values = [*([node.target] if node.target is not None else []), *node.args]
        types = [self.check(value) for value in values]
        builtin = self.resolve(node, types)
        if builtin is None:
            return ERROR
        node.builtin = builtin
        wanted = builtin.wanted_arguments(len(node.args), method=node.target is not None)
        if wanted is not None:
            message = ngettext(
                "%(function)s takes %(count)d argument, not %(given)d.",
                "%(function)s takes %(count)d arguments, not %(given)d.",
                wanted,
            ) % {"function": node.name, "count": wanted, "given": len(node.args)}
            return self.error("type", message, node.name_span)
        return builtin.check(self, node, values, types)

    def resolve(self, node: nodes.Call, types: list[Type]):
        """The function or method a call names, or None after reporting an unknown name."""
        if node.target is None:
            builtin = FUNCTIONS.get(node.name)
            if builtin is None:
                if node.name in METHODS or node.name in MACROS:
                    message = _("%(name)s is a method: write it after a value, such as x.%(name)s(...).")
                    self.error("type", message % {"name": node.name}, node.name_span)
                else:
                    message = _("Unknown function %(name)s.") % {"name": node.name}
                    self.error("type", message + suggestion(node.name, FUNCTIONS), node.name_span)
            return builtin
        builtin = METHODS.get(node.name)
        if builtin is None and types[0] is not ERROR:
            message = _("This is %(type)s, which has no method %(name)s.") % {
                "type": types[0].described(),
                "name": node.name,
            }
            self.error("type", message + suggestion(node.name, [*METHODS, *MACROS]), node.name_span)
        return builtin


def suggestion(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return " " + _("Did you mean %(name)s?") % {"name": close[0]} if close else ""


CHECKS = {
    nodes.Literal: Checker.check_literal,
    nodes.ListLiteral: Checker.check_list,
    nodes.Name: Checker.check_name,
    nodes.Member: Checker.check_member,
    nodes.Index: Checker.check_index,
    nodes.Unary: Checker.check_unary,
    nodes.Logical: Checker.check_logical,
    nodes.Conditional: Checker.check_conditional,
    nodes.Binary: Checker.check_binary,
    nodes.Call: Checker.check_call,
}
