"""Macros over lists: `exists`, `all`, `exists_one`, `filter`, `map`.

`order.lines.exists(l, l.discount_percent > 10)` binds each item of the list in turn to the variable `l` and
runs the condition. A null list counts as empty; a condition that gives null counts as false.
"""

from abc import ABC, abstractmethod

from django.utils.translation import gettext as _

from . import nodes
from .runtime import Code, Function, as_function
from .types import BOOL, ERROR, ListOf, Type

MAX_NESTING = 3  # macros inside macros: each level multiplies the work by a list's length


class Macro(ABC):
    def __init__(self, name: str, *, condition: bool) -> None:
        self.name = name
        self.condition = condition  # the second argument must be true or false

    def check(self, checker, node: nodes.Call) -> Type:
        target_type = checker.check(node.target)
        if len(node.args) != 2:  # the arguments are not checked: without a variable, every use of it is unknown
            return checker.error(
                "type",
                _("%(macro)s takes a variable name and an expression, such as %(example)s.")
                % {"macro": self.name, "example": f"{self.name}(x, x > 0)"},
                node.name_span,
            )
        variable, body = node.args
        if target_type is not ERROR and not isinstance(target_type.base, ListOf):
            checker.error(
                "type",
                _("%(macro)s works on lists, this is %(type)s.")
                % {"macro": self.name, "type": target_type.described()},
                node.target.span,
            )
            target_type = ERROR
        item_type = target_type.base.item if target_type is not ERROR else ERROR
        item_path = f"{node.target.path}[]" if node.target.path else None
        with checker.binding(variable, item_type, item_path, node, self.name) as slot:
            node.slot = slot
            body_type = checker.check(body)
        if target_type is ERROR or body_type is ERROR:
            return ERROR
        if self.condition and not checker.is_condition(body_type):
            return checker.error(
                "type",
                _("The condition of %(macro)s must be true or false, this is %(type)s.")
                % {"macro": self.name, "type": body_type.described()},
                body.span,
            )
        return self.result(node, target_type, body_type)

    def result(self, node: nodes.Call, target_type: Type, body_type: Type) -> Type:
        return BOOL

    def build(self, node: nodes.Call, items: Code, body: Code) -> Code:
        return self.loop(as_function(items), as_function(body), node.slot)

    @abstractmethod
    def loop(self, items: Function, body: Function, slot: int) -> Function:
        """The function running `body` with each item of `items` in the environment's `slot`."""


class Exists(Macro):
    def loop(self, items, body, slot):
        def exists(env):
            for item in items(env) or ():
                env[slot] = item
                if body(env):
                    return True
            return False

        return exists


class All(Macro):
    def loop(self, items, body, slot):
        def every(env):
            for item in items(env) or ():
                env[slot] = item
                if not body(env):
                    return False
            return True

        return every


class ExistsOne(Macro):
    def loop(self, items, body, slot):
        def exists_one(env):
            found = 0
            for item in items(env) or ():
                env[slot] = item
                if body(env):
                    found += 1
                    if found > 1:
                        return False
            return found == 1

        return exists_one


class Filter(Macro):
    def result(self, node, target_type, body_type):
        node.path = node.target.path  # the same items, so `.filter(...)` keeps the path for `fields`
        return ListOf(target_type.base.item)

    def loop(self, items, body, slot):
        def keep(env):
            kept = []
            for item in items(env) or ():
                env[slot] = item
                if body(env):
                    kept.append(item)
            return kept

        return keep


class Map(Macro):
    def result(self, node, target_type, body_type):
        return ListOf(body_type)

    def loop(self, items, body, slot):
        def transform(env):
            results = []
            for item in items(env) or ():
                env[slot] = item
                results.append(body(env))
            return results

        return transform


MACROS: dict[str, Macro] = {
    macro.name: macro
    for macro in [
        Exists("exists", condition=True),
        All("all", condition=True),
        ExistsOne("exists_one", condition=True),
        Filter("filter", condition=True),
        Map("map", condition=False),
    ]
}
