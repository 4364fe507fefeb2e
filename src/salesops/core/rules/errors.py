"""What goes wrong with a rule: problems found before it runs, and failures while it runs."""

import unicodedata
from dataclasses import dataclass, field

KINDS = ("syntax", "unknown_field", "type", "limit")


@dataclass(frozen=True)
class RuleProblem:
    """One mistake in a rule, at a place in its source.

    `line` and `column` are 1-based and count characters; `length` is how many characters of that line are at
    fault (at least 1). `message` is already translated into the active language.
    """

    message: str
    line: int
    column: int
    length: int
    kind: str
    source_line: str = field(default="", repr=False)

    def pointer(self) -> str:
        """The source line with carets under the fault, for a monospaced display.

        Wide characters (Chinese) take two columns, so the carets stay under the right characters.
        """
        before = self.source_line[: self.column - 1]
        fault = self.source_line[self.column - 1 : self.column - 1 + self.length] or " "
        indent = "".join("\t" if char == "\t" else " " * display_width(char) for char in before)
        carets = "^" * max(1, sum(display_width(char) for char in fault))
        return f"{self.source_line}\n{indent}{carets}"

    def as_dict(self) -> dict:
        """The problem as JSON-safe data (for an API answer)."""
        return {
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "length": self.length,
            "kind": self.kind,
        }


def display_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class RuleError(Exception):
    """A rule that cannot be compiled; `problems` lists every mistake found (at least one)."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(f"{first.line}:{first.column}: {first.message}")


class RuleEvaluationError(Exception):
    """A rule failed while running: division by zero, a value the data lacks, an unreadable date in the data.

    `line` and `column` say where in the rule, when known.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"{line}:{column}: {message}" if line is not None else message)


class Problems:
    """The problems found in one source text, in the order found."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = source.split("\n")
        self.found: list[RuleProblem] = []

    def __bool__(self) -> bool:
        return bool(self.found)

    def at(self, kind: str, message: str, line: int, column: int, length: int = 1) -> None:
        source_line = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        room = max(1, len(source_line) - column + 1)
        self.found.append(RuleProblem(message, line, column, max(1, min(length, room)), kind, source_line))

    def add(self, kind: str, message: str, span) -> None:
        """A problem covering a node's span (`nodes.Span`); a span over several lines is cut at its first line."""
        self.at(kind, message, span.line, span.column, span.end - span.start)
