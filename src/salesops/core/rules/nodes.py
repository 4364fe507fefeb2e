"""The syntax tree of a rule.

`syntax.py` builds it from lark's parse tree; `checker.py` fills in `type` (and `path`, `slot`, `builtin`);
`compiler.py` turns it into closures. Each node knows where it came from (`span`) and how deep it is (`depth`),
so the limits are checked before anything recursive walks the tree.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of source: 1-based line and column of its start, and its start and end character offsets."""

    line: int
    column: int
    start: int
    end: int


@dataclass(eq=False, kw_only=True, slots=True)
class Node:
    span: Span
    depth: int = 1
    type: Any = None  # types.Type, set by the checker
    path: str | None = None  # the dotted path this node reads, when it is one (`order.total`, `order.lines[]`)

    def children(self) -> list["Node"]:
        return []


@dataclass(eq=False, kw_only=True, slots=True)
class Literal(Node):
    value: Any


@dataclass(eq=False, kw_only=True, slots=True)
class ListLiteral(Node):
    items: list[Node]

    def children(self) -> list[Node]:
        return self.items


@dataclass(eq=False, kw_only=True, slots=True)
class Name(Node):
    """A top-level field of the schema (`order`) or a macro's variable (`l` in `lines.exists(l, ...)`)."""

    name: str
    slot: int = 0  # where the value lives in the environment: 0 is the context, 1.. macro variables


@dataclass(eq=False, kw_only=True, slots=True)
class Member(Node):
    target: Node
    name: str
    name_span: Span

    def children(self) -> list[Node]:
        return [self.target]


@dataclass(eq=False, kw_only=True, slots=True)
class Index(Node):
    target: Node
    index: Node

    def children(self) -> list[Node]:
        return [self.target, self.index]


@dataclass(eq=False, kw_only=True, slots=True)
class Call(Node):
    """A function call `size(x)`, or a method call `x.size()` when `target` is set (macros included)."""

    name: str
    name_span: Span
    args: list[Node]
    target: Node | None = None
    builtin: Any = None  # the function, method or macro the checker resolved the name to
    slot: int = 0  # a macro's variable slot

    def children(self) -> list[Node]:
        return ([self.target] if self.target is not None else []) + self.args


@dataclass(eq=False, kw_only=True, slots=True)
class Unary(Node):
    op: str
    op_span: Span
    operand: Node

    def children(self) -> list[Node]:
        return [self.operand]


@dataclass(eq=False, kw_only=True, slots=True)
class Binary(Node):
    """Arithmetic, comparison and `in`."""

    op: str
    op_span: Span
    left: Node
    right: Node

    def children(self) -> list[Node]:
        return [self.left, self.right]


@dataclass(eq=False, kw_only=True, slots=True)
class Logical(Node):
    """`a && b && c` or `a || b || c`, flattened so that long chains do not nest."""

    op: str
    operands: list[Node] = field(default_factory=list)

    def children(self) -> list[Node]:
        return self.operands


@dataclass(eq=False, kw_only=True, slots=True)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node

    def children(self) -> list[Node]:
        return [self.condition, self.then, self.otherwise]
