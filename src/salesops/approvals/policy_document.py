"""The shape of a policy version's rules, and its validation.

A version's `document` is JSON an administrator writes through the editor or the API:

    {"rules": [{"name": ..., "condition": "order.total >= 500000", "outcome": "route",
                "steps": [{"name": ..., "approvers": [{"kind": "director"}], "mode": "any",
                           "parallel": false, "due_hours": "2"}],
                "notify": [{"kind": "manager"}], "message": ..., "stop": false}, ...],
     "total_due_hours": "2"}

Rules are read in order. A `route` rule that matches adds its steps (and notify-only recipients) to the chain;
`stop` ends the reading there. An `approve` rule that matches ends the reading: what earlier rules asked for
still applies, and if nothing did the document is approved automatically. A `reject` rule that matches rejects
the document with its message. When no rule matches, the document is approved automatically.

`validate_document` answers every problem at once, each under the path of the field at fault
(`rules.2.condition`), with the position in the condition for rule-language errors.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from salesops.accounts.models import Role
from salesops.approvals.models import ApproverGroup
from salesops.core import rules
from salesops.core.rules import types as t

MAX_RULES = 100
MAX_STEPS = 20

ApproverKind = Literal["manager", "director", "general_manager", "role", "user", "group"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApproverSpec(Strict):
    """Who is asked, resolved when the step starts: the submitter's `manager` (the first manager above them),
    the `director` of their region, the `general_manager` (the company's manager), everyone with a `role`
    (value: the role) in the submitter's line, one `user` (value: the username), or the members of a `group`
    (value: the group's code)."""

    kind: ApproverKind
    value: str = Field(default="", max_length=150)


class StepSpec(Strict):
    name: str = Field(min_length=1, max_length=100)
    approvers: list[ApproverSpec] = Field(min_length=1, max_length=20)
    mode: Literal["any", "all", "sequence"] = "any"
    parallel: bool = Field(default=False, description="Runs alongside the step before it (both must approve).")
    due_hours: Decimal | None = Field(default=None, gt=0, le=1000, decimal_places=2)
    remind_before_hours: Decimal | None = Field(default=None, gt=0, le=1000, decimal_places=2)
    escalate: bool = Field(default=True, description="When overdue, tell each approver's manager.")
    auto_escalate: bool = Field(default=False, description="When overdue, also ask each approver's manager.")


class RuleSpec(Strict):
    name: str = Field(min_length=1, max_length=100)
    condition: str = Field(min_length=1, max_length=4000)
    outcome: Literal["route", "approve", "reject"] = "route"
    steps: list[StepSpec] = Field(default_factory=list, max_length=MAX_STEPS)
    notify: list[ApproverSpec] = Field(default_factory=list, max_length=20)
    message: str = Field(default="", max_length=500)
    stop: bool = False


class PolicyDocument(Strict):
    rules: list[RuleSpec] = Field(default_factory=list, max_length=MAX_RULES)
    total_due_hours: Decimal | None = Field(default=None, gt=0, le=1000, decimal_places=2)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, under the dotted path of the field at fault."""

    field: str
    message: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
        }


def parse_document(raw) -> tuple[PolicyDocument | None, list[Problem]]:
    try:
        return PolicyDocument.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            Problem(".".join(str(part) for part in error["loc"]) or "document", error["msg"]) for error in exc.errors()
        ]


def validate_document(raw, schema: t.Record) -> tuple[PolicyDocument | None, list[Problem]]:
    """The parsed document and every problem in it: shape, conditions (syntax, fields, types, with positions),
    approvers that name nobody, rules whose outcome needs steps or a message."""
    document, problems = parse_document(raw)
    if document is None:
        return None, problems
    for index, rule in enumerate(document.rules):
        where = f"rules.{index}"
        for problem in rules.validate_rule(rule.condition, schema):
            problems.append(
                Problem(f"{where}.condition", problem.message, problem.line, problem.column, problem.pointer())
            )
        if rule.outcome == "route" and not rule.steps and not rule.notify:
            problems.append(Problem(f"{where}.steps", _("A routing rule needs at least one step or recipient.")))
        if rule.outcome != "route" and rule.steps:
            problems.append(Problem(f"{where}.steps", _("Only routing rules have steps.")))
        if rule.outcome == "reject" and not rule.message.strip():
            problems.append(Problem(f"{where}.message", _("Say why such documents are rejected.")))
        if rule.steps and rule.steps[0].parallel:
            problems.append(Problem(f"{where}.steps.0.parallel", _("The first step has no step to run alongside.")))
        for step_index, step in enumerate(rule.steps):
            for approver_index, approver in enumerate(step.approvers):
                problems += approver_problems(approver, f"{where}.steps.{step_index}.approvers.{approver_index}")
        for approver_index, approver in enumerate(rule.notify):
            problems += approver_problems(approver, f"{where}.notify.{approver_index}")
    return document, problems


def approver_problems(approver: ApproverSpec, where: str) -> list[Problem]:
    value = approver.value.strip()
    if approver.kind in ("manager", "director", "general_manager"):
        return [] if not value else [Problem(f"{where}.value", _("This kind of approver takes no value."))]
    if not value:
        return [Problem(f"{where}.value", _("Name the role, user or group."))]
    if approver.kind == "role" and value not in Role.values:
        return [Problem(f"{where}.value", _("Unknown role: %(value)s.") % {"value": value})]
    if approver.kind == "user" and not get_user_model().objects.filter(username=value, is_active=True).exists():
        return [Problem(f"{where}.value", _("No active user is called %(value)s.") % {"value": value})]
    if approver.kind == "group" and not ApproverGroup.objects.filter(code=value).exists():
        return [Problem(f"{where}.value", _("No approver group has the code %(value)s.") % {"value": value})]
    return []
