"""Parsing a rule: lark's LALR parser, the syntax tree, syntax errors in plain words, and the size limits.

The parse tree is turned into `nodes` without recursion (`Transformer_NonRecursive`), so a hostile source cannot
exhaust Python's stack; the depth limit is then checked before the checker (which recurses) sees the tree.
"""

import functools
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import nodes
from .errors import Problems

MAX_LENGTH = 4000  # characters of source
MAX_DEPTH = 64  # levels of the syntax tree (a chain `a && b && c` is one level)

GRAMMAR = r"""
?start: expr

?expr: disjunction
     | disjunction "?" expr ":" expr                      -> conditional
?disjunction: conjunction
            | disjunction OR conjunction                  -> logical
?conjunction: relation
            | conjunction AND relation                    -> logical
?relation: addition
         | relation _relation_op addition                 -> binary
?addition: multiplication
         | addition _additive_op multiplication           -> binary
?multiplication: unary
               | multiplication _multiplicative_op unary  -> binary
?unary: member
      | NOT unary                                         -> unary
      | MINUS unary                                       -> unary
?member: primary
       | member "." NAME                                  -> member
       | member "." NAME "(" [arguments] ")"              -> method
       | member "[" expr "]"                              -> index
?primary: INT | DECIMAL | STRING | TRUE | FALSE | NULL
        | NAME                                            -> name
        | NAME "(" [arguments] ")"                        -> call
        | "(" expr ")"
        | "[" [arguments] "]"                             -> list
arguments: expr ("," expr)* [","]

_relation_op: EQ | NE | LE | GE | LT | GT | IN
_additive_op: PLUS | MINUS
_multiplicative_op: STAR | SLASH | PERCENT

OR: "||"
AND: "&&"
NOT: "!"
EQ: "=="
NE: "!="
LE: "<="
GE: ">="
LT: "<"
GT: ">"
IN: "in"
PLUS: "+"
MINUS: "-"
STAR: "*"
SLASH: "/"
PERCENT: "%"
TRUE: "true"
FALSE: "false"
NULL: "null"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
DECIMAL.2: /[0-9]+\.[0-9]+/
INT: /[0-9]+/
STRING: /'(?:[^'\\\n]|\\.)*'/ | /"(?:[^"\\\n]|\\.)*"/
COMMENT: /\/\/[^\n]*/

%ignore /\s+/
%ignore COMMENT
"""

BLANK = re.compile(r"//[^\n]*|\s+")
ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r"}
ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")

VALUE_START = {"INT", "DECIMAL", "STRING", "TRUE", "FALSE", "NULL", "NOT"}
UNDESCRIBED = {"MINUS", "LPAR", "LSQB", "NAME", "$END"}  # described with the values, names or operators around them
OPERATORS = {"OR", "AND", "EQ", "NE", "LE", "GE", "LT", "GT", "IN", "PLUS", "STAR", "SLASH", "PERCENT", "QMARK", "DOT"}
WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!"}


@functools.cache
def parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=True)


def parse(source: str, problems: Problems) -> nodes.Node | None:
    """The syntax tree of `source`, or None after adding the syntax or limit problems to `problems`."""
    if len(source) > MAX_LENGTH:
        line, column = position_of(source, MAX_LENGTH)
        problems.at(
            "limit",
            _("The rule is too long: %(length)d characters, at most %(limit)d.")
            % {"length": len(source), "limit": MAX_LENGTH},
            line,
            column,
            len(source) - MAX_LENGTH,
        )
        return None
    if is_blank(source):
        problems.at("syntax", _("The rule is empty."), 1, 1)
        return None
    try:
        tree = parser().parse(source)
    except UnexpectedInput as exc:
        report_syntax_error(source, exc, problems)
        return None
    root = TreeBuilder(problems).transform(tree)
    if problems:
        return None
    if root.depth > MAX_DEPTH:
        too_deep = root
        for _level in range(MAX_DEPTH):
            too_deep = max(too_deep.children(), key=lambda child: child.depth)
        problems.add(
            "limit",
            _("The rule is nested too deeply: at most %(limit)d levels.") % {"limit": MAX_DEPTH},
            too_deep.span,
        )
        return None
    return root


def is_blank(source: str) -> bool:
    """Whether the source has nothing but whitespace and comments."""
    return not BLANK.sub("", source)


def position_of(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def span_of(item) -> nodes.Span:
    """The span of a token or of a parse tree node's `meta` (both have these attributes)."""
    return nodes.Span(item.line, item.column, item.start_pos, item.end_pos)


def joined(first: nodes.Span, last: nodes.Span) -> nodes.Span:
    return nodes.Span(first.line, first.column, first.start, last.end)


def depth_of(*children: nodes.Node) -> int:
    return 1 + max((child.depth for child in children), default=0)


class TreeBuilder(Transformer_NonRecursive):
    """Lark's parse tree to `nodes`, decoding literals (and reporting bad escapes in strings)."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(visit_tokens=True)
        self.problems = problems

    def INT(self, token: Token) -> nodes.Literal:
        return nodes.Literal(span=span_of(token), value=int(token.value))

    def DECIMAL(self, token: Token) -> nodes.Literal:
        return nodes.Literal(span=span_of(token), value=Decimal(token.value))

    def TRUE(self, token: Token) -> nodes.Literal:
        return nodes.Literal(span=span_of(token), value=True)

    def FALSE(self, token: Token) -> nodes.Literal:
        return nodes.Literal(span=span_of(token), value=False)

    def NULL(self, token: Token) -> nodes.Literal:
        return nodes.Literal(span=span_of(token), value=None)

    def STRING(self, token: Token) -> nodes.Literal:
        span = span_of(token)

        def decode(match: re.Match) -> str:
            code = match.group(1)
            if code in ESCAPES:
                return ESCAPES[code]
            if code.startswith("u") and len(code) == 5:
                return chr(int(code[1:], 16))
            column = span.column + 1 + match.start()  # after the opening quote
            self.problems.at(
                "syntax",
                _("Unknown escape \\%(char)s in text: write \\\\ for a backslash.") % {"char": code},
                span.line,
                column,
                2,
            )
            return code

        return nodes.Literal(span=span, value=ESCAPE.sub(decode, token.value[1:-1]))

    @v_args(meta=True)
    def name(self, meta, children) -> nodes.Name:
        (token,) = children
        return nodes.Name(span=span_of(meta), name=str(token))

    @v_args(meta=True)
    def member(self, meta, children) -> nodes.Member:
        target, name = children
        return nodes.Member(
            span=span_of(meta), depth=depth_of(target), target=target, name=str(name), name_span=span_of(name)
        )

    @v_args(meta=True)
    def method(self, meta, children) -> nodes.Call:
        target, name, arguments = children
        arguments = arguments or []
        return nodes.Call(
            span=span_of(meta),
            depth=depth_of(target, *arguments),
            target=target,
            name=str(name),
            name_span=span_of(name),
            args=arguments,
        )

    @v_args(meta=True)
    def call(self, meta, children) -> nodes.Call:
        name, arguments = children
        arguments = arguments or []
        return nodes.Call(
            span=span_of(meta), depth=depth_of(*arguments), name=str(name), name_span=span_of(name), args=arguments
        )

    @v_args(meta=True)
    def index(self, meta, children) -> nodes.Index:
        target, index = children
        return nodes.Index(span=span_of(meta), depth=depth_of(target, index), target=target, index=index)

    @v_args(meta=True)
    def list(self, meta, children) -> nodes.ListLiteral:
        (items,) = children
        items = items or []
        return nodes.ListLiteral(span=span_of(meta), depth=depth_of(*items), items=items)

    def arguments(self, children) -> list:
        return [child for child in children if child is not None]

    @v_args(meta=True)
    def unary(self, meta, children) -> nodes.Unary:
        op, operand = children
        return nodes.Unary(
            span=span_of(meta), depth=depth_of(operand), op=str(op), op_span=span_of(op), operand=operand
        )

    @v_args(meta=True)
    def binary(self, meta, children) -> nodes.Binary:
        left, op, right = children
        return nodes.Binary(
            span=span_of(meta), depth=depth_of(left, right), op=str(op), op_span=span_of(op), left=left, right=right
        )

    @v_args(meta=True)
    def logical(self, meta, children) -> nodes.Logical:
        left, op, right = children
        if isinstance(left, nodes.Logical) and left.op == str(op):
            left.operands.append(right)
            left.span = joined(left.span, right.span)
            left.depth = max(left.depth, 1 + right.depth)
            return left
        return nodes.Logical(span=span_of(meta), depth=depth_of(left, right), op=str(op), operands=[left, right])

    @v_args(meta=True)
    def conditional(self, meta, children) -> nodes.Conditional:
        condition, then, otherwise = children
        return nodes.Conditional(
            span=span_of(meta),
            depth=depth_of(condition, then, otherwise),
            condition=condition,
            then=then,
            otherwise=otherwise,
        )


def report_syntax_error(source: str, exc: UnexpectedInput, problems: Problems) -> None:
    if isinstance(exc, UnexpectedCharacters):
        char = source[exc.pos_in_stream]
        if char in "'\"":
            message = _("This text has no closing quote: add %(quote)s at its end.") % {"quote": char}
        elif char == "=":
            message = _("A single = is not an operator: write == to compare.")
        elif char == "&":
            message = _("A single & is not an operator: write && for and.")
        elif char == "|":
            message = _("A single | is not an operator: write || for or.")
        else:
            message = _("The character %(char)s cannot be used here.") % {"char": repr(char)}
        problems.at("syntax", message, exc.line, exc.column)
        return
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        token = exc.token
        expected = exc.accepts or exc.expected
        found = describe_token(token)
        if token.type == "NAME" and str(token) in WORD_OPERATORS:
            message = _("Unexpected %(found)s: write %(operator)s instead.") % {
                "found": found,
                "operator": WORD_OPERATORS[str(token)],
            }
        else:
            message = _("Unexpected %(found)s: expected %(expected)s.") % {
                "found": found,
                "expected": describe_expected(expected),
            }
        problems.at("syntax", message, token.line, token.column, max(1, len(token)))
        return
    expected = exc.expected if isinstance(exc, UnexpectedEOF) else (exc.accepts or exc.expected)
    end = len(source.rstrip())
    line, column = position_of(source, end)
    problems.at(
        "syntax",
        _("The rule ends too early: expected %(expected)s.") % {"expected": describe_expected(expected)},
        line,
        column,
    )


def describe_token(token: Token) -> str:
    if token.type == "NAME":
        return _("name %(name)s") % {"name": repr(token.value)}
    if token.type in ("INT", "DECIMAL"):
        return _("number %(number)s") % {"number": token.value}
    if token.type == "STRING":
        return _("text %(text)s") % {"text": token.value}
    return f"'{token.value}'"


def describe_expected(expected) -> str:
    words: list[str] = []
    names = set(expected)
    if names & VALUE_START:
        words.append(_("a value"))
    elif "NAME" in names:
        words.append(_("a name"))
    if names & OPERATORS:
        words.append(_("an operator"))
    for name in sorted(names - VALUE_START - OPERATORS - UNDESCRIBED):
        terminal = parser().get_terminal(name)
        words.append(f"'{terminal.pattern.value}'")
    if "$END" in names:
        words.append(_("the end of the rule"))
    return _(" or ").join(words) if len(words) <= 2 else ", ".join(words[:-1]) + _(" or ") + words[-1]
