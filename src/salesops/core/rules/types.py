"""The types of the rule language: what a schema declares and what the checker infers.

Scalars are singletons (`BOOL`, `INT`, `DECIMAL`, `STRING`, `DATE`, `DATETIME`); `ListOf`, `Record` and `Nullable`
build the rest. A schema is a `Record` whose fields are the names a rule may start from. `NULL`, `NOTHING` and
`ERROR` are the checker's own: the type of the `null` literal, the item type of `[]`, and the type of an
expression that already has a problem (so one mistake is reported once, not at every operator above it).
"""

from abc import ABC, abstractmethod

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Type(ABC):
    """A type of the rule language. Types compare by structure and are immutable."""

    __slots__ = ()

    @abstractmethod
    def display(self) -> str:
        """The type's name as an administrator reads it, in the active language."""

    @abstractmethod
    def described(self) -> str:
        """The type with an article, for messages: "this is a decimal", "this is an int"."""

    def __str__(self) -> str:
        return self.display()

    @property
    def base(self) -> "Type":
        """The type without `Nullable`."""
        return self

    @property
    def is_nullable(self) -> bool:
        return False


class Scalar(Type):
    __slots__ = ("key", "label", "with_article")

    def __init__(self, key: str, label, with_article) -> None:
        self.key = key
        self.label = label
        self.with_article = with_article

    def display(self) -> str:
        return str(self.label)

    def described(self) -> str:
        return str(self.with_article)

    def __repr__(self) -> str:
        return self.key.upper()


BOOL = Scalar("bool", gettext_lazy("bool"), gettext_lazy("a bool"))
INT = Scalar("int", gettext_lazy("int"), gettext_lazy("an int"))
DECIMAL = Scalar("decimal", gettext_lazy("decimal"), gettext_lazy("a decimal"))
STRING = Scalar("string", gettext_lazy("string"), gettext_lazy("a string"))
DATE = Scalar("date", gettext_lazy("date"), gettext_lazy("a date"))
DATETIME = Scalar("datetime", gettext_lazy("datetime"), gettext_lazy("a datetime"))
NULL = Scalar("null", gettext_lazy("null"), gettext_lazy("null"))
NOTHING = Scalar("nothing", gettext_lazy("nothing"), gettext_lazy("nothing"))  # the items of an empty list literal
ERROR = Scalar("error", gettext_lazy("error"), gettext_lazy("an error"))

NUMBERS = (INT, DECIMAL)
ORDERED = (INT, DECIMAL, STRING, DATE, DATETIME)


class ListOf(Type):
    __slots__ = ("item",)

    def __init__(self, item: Type) -> None:
        self.item = item

    def display(self) -> str:
        return _("list of %(type)s") % {"type": self.item.display()}

    def described(self) -> str:
        return _("a list of %(type)s") % {"type": self.item.display()}

    def __eq__(self, other) -> bool:
        return isinstance(other, ListOf) and self.item == other.item

    def __hash__(self) -> int:
        return hash(("list", self.item))

    def __repr__(self) -> str:
        return f"ListOf({self.item!r})"


class Nullable(Type):
    """A value that may be null (missing). `Nullable(Nullable(T))` is `Nullable(T)`."""

    __slots__ = ("inner",)

    def __init__(self, inner: Type) -> None:
        self.inner = inner.base

    @property
    def base(self) -> Type:
        return self.inner

    @property
    def is_nullable(self) -> bool:
        return True

    def display(self) -> str:
        return _("%(type)s or null") % {"type": self.inner.display()}

    def described(self) -> str:
        return _("%(type)s or null") % {"type": self.inner.described()}

    def __eq__(self, other) -> bool:
        return isinstance(other, Nullable) and self.inner == other.inner

    def __hash__(self) -> int:
        return hash(("nullable", self.inner))

    def __repr__(self) -> str:
        return f"Nullable({self.inner!r})"


class Record(Type):
    """Named fields. The root record of a schema holds the names a rule starts from (`order`, `customer`, ...)."""

    __slots__ = ("fields", "name")

    def __init__(self, name: str, fields: dict[str, Type]) -> None:
        self.name = name
        self.fields = dict(fields)

    def display(self) -> str:
        return self.name

    def described(self) -> str:
        return _("the record %(name)s") % {"name": self.name}

    def __eq__(self, other) -> bool:
        return isinstance(other, Record) and self.name == other.name and self.fields == other.fields

    def __hash__(self) -> int:
        return hash(("record", self.name, tuple(self.fields)))

    def __repr__(self) -> str:
        return f"Record({self.name!r}, {self.fields!r})"

    def describe(self) -> list[tuple[str, str]]:
        """Every path a rule can read, with its type's name, for an editor's help panel.

        Records are entered; the items of a list of records are written `path[]` (`order.lines[].sku`), the same
        notation as `CompiledRule.fields`.
        """
        rows: list[tuple[str, str]] = []

        def visit(prefix: str, record: Record) -> None:
            for name, field_type in record.fields.items():
                path = f"{prefix}{name}"
                rows.append((path, field_type.display()))
                inner = field_type.base
                if isinstance(inner, Record):
                    visit(f"{path}.", inner)
                elif isinstance(inner, ListOf) and isinstance(inner.item.base, Record):
                    visit(f"{path}[].", inner.item.base)

        visit("", self)
        return rows


CUSTOM_FIELD_TYPES = {
    "text": STRING,
    "choice": STRING,
    "number": INT,
    "decimal": DECIMAL,
    "date": DATE,
    "boolean": BOOL,
}


def from_custom_field_type(field_type: str) -> Type:
    """The rule type of a custom field definition's `field_type`: always nullable, since a value may be unset."""
    try:
        return Nullable(CUSTOM_FIELD_TYPES[field_type])
    except KeyError:
        raise ValueError(f"unknown custom field type {field_type!r}") from None


def is_assignable(actual: Type, expected: Type) -> bool:
    """Whether a value of `actual` may stand where `expected` is wanted.

    Null may stand for a nullable type; a nullable value for its base type (the operation then decides what null
    does: comparisons are false, arithmetic gives null); an int for a decimal.
    """
    if actual is ERROR or expected is ERROR or actual == expected:
        return True
    if actual is NULL:
        return expected.is_nullable
    actual, expected = actual.base, expected.base
    if actual == expected or (actual is INT and expected is DECIMAL):
        return True
    if isinstance(actual, ListOf) and isinstance(expected, ListOf):
        return actual.item is NOTHING or is_assignable(actual.item, expected.item)
    return False


def unify(first: Type, second: Type) -> Type | None:
    """The type of a value that is either `first` or `second` (list items, the branches of `c ? a : b`).

    None when there is no such type (an int and a string).
    """
    if first is ERROR or second is ERROR:
        return ERROR
    if first == second:
        return first
    if first is NULL or second is NULL:
        other = second if first is NULL else first
        return Nullable(other)
    nullable = first.is_nullable or second.is_nullable
    a, b = first.base, second.base
    if a == b:
        joined: Type | None = a
    elif {a, b} == {INT, DECIMAL}:
        joined = DECIMAL
    elif isinstance(a, ListOf) and isinstance(b, ListOf):
        if a.item is NOTHING or b.item is NOTHING:
            joined = b if a.item is NOTHING else a
        else:
            item = unify(a.item, b.item)
            joined = ListOf(item) if item is not None else None
    else:
        joined = None
    if joined is None:
        return None
    return Nullable(joined) if nullable else joined


def is_numeric(value_type: Type) -> bool:
    return value_type.base in NUMBERS
