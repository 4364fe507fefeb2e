"""The rule language: typed, safe conditions that administrators write (approval policies, alert rules, ...).

```python
from salesops.core import rules
from salesops.core.rules import types as t

schema = t.Record("order", {"order": t.Record("order", {"total": t.DECIMAL})})
rule = rules.compile_rule("order.total >= 500000", schema)   # raises rules.RuleError with .problems
rule.evaluate({"order": {"total": Decimal("600000")}})         # True
rules.validate_rule("order.totl > 1", schema)                 # [RuleProblem(...unknown_field...)]
```

The language is described for administrators in docs/rules.md and the choice in
docs/decisions/0009-rule-language.md. Compile a rule once and keep the `CompiledRule`: compiling parses and
checks (about a millisecond), evaluating calls prepared closures (microseconds).
"""

from .checker import Checker
from .compiler import CompiledRule, compile_tree
from .custom_fields import custom_field_values, custom_fields_record
from .errors import Problems, RuleError, RuleEvaluationError, RuleProblem
from .syntax import MAX_DEPTH, MAX_LENGTH, parse
from .types import BOOL, Record, Type

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "CompiledRule",
    "RuleError",
    "RuleEvaluationError",
    "RuleProblem",
    "compile_rule",
    "custom_field_values",
    "custom_fields_record",
    "validate_rule",
]


def validate_rule(source: str, schema: Record, expect: Type | None = BOOL) -> list[RuleProblem]:
    """Every problem found in `source` against `schema`, in the active language; [] when the rule is valid.

    `expect` is the type the rule must give: a bool (a condition) unless said otherwise; None accepts any type.
    """
    problems, _checker, _root = check(source, schema, expect)
    return problems.found


def compile_rule(source: str, schema: Record, expect: Type | None = BOOL) -> CompiledRule:
    """The rule compiled for evaluation, or `RuleError` listing its problems (see `validate_rule`)."""
    problems, checker, root = check(source, schema, expect)
    if problems:
        raise RuleError(problems.found)
    return compile_tree(source, root, expect, checker.fields, checker.slots)


def check(source: str, schema: Record, expect: Type | None):
    problems = Problems(source)
    checker = Checker(schema, problems)
    root = parse(source, problems)
    if root is not None:
        checker.check_rule(root, expect)
    return problems, checker, root
