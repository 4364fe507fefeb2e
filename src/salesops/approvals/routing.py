"""Routing: which rules catch a document and the chain they ask for. Pure: no database, no clock.

Live routing (`actions.start_approval`) and simulation (`simulation.py`) both call `route()` on the same
compiled policy with the same context, so a simulation shows exactly what going live would do.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from salesops.approvals.policy_document import PolicyDocument, RuleSpec, StepSpec
from salesops.approvals.subjects import subject_type
from salesops.core import rules
from salesops.core.rules import types as t


@dataclass(frozen=True)
class PlannedStep:
    """A step of the chain before anyone is asked: its stage (steps sharing a stage run side by side)."""

    stage: int
    name: str
    key: str
    mode: str
    approvers: tuple[tuple[str, str], ...]  # (kind, value) pairs
    due_hours: Decimal | None
    remind_before_hours: Decimal | None
    escalate: bool
    auto_escalate: bool

    def definition(self) -> dict:
        return {
            "approvers": [{"kind": kind, "value": value} for kind, value in self.approvers],
            "escalate": self.escalate,
            "auto_escalate": self.auto_escalate,
            "remind_before_hours": str(self.remind_before_hours) if self.remind_before_hours else None,
            "rule": self.key.split(" / ")[0],
        }


@dataclass(frozen=True)
class Route:
    """What the policy decides: `approve` (nothing to ask), `reject` (with `message`), or `route` (ask `steps`,
    tell `notify`). `matched` lists the rules that caught the document, in order, with their messages."""

    outcome: str
    steps: tuple[PlannedStep, ...] = ()
    notify: tuple[tuple[str, str], ...] = ()
    matched: tuple[dict, ...] = ()
    message: str = ""
    total_due_hours: Decimal | None = None

    @property
    def reasons(self) -> list[str]:
        return [rule["message"] or rule["name"] for rule in self.matched]


@dataclass
class CompiledPolicy:
    """A policy document with its conditions compiled once. `roots` are the context's top-level names the
    conditions read (`order`, `customer`...), so a subject type builds only those."""

    document: PolicyDocument
    conditions: list = field(default_factory=list)

    def route(self, context: dict) -> Route:
        return route(self, context)

    @property
    def roots(self) -> frozenset[str]:
        return frozenset(path.split(".")[0].split("[")[0] for condition in self.conditions for path in condition.fields)


# A condition that cannot be computed for a document (a division by zero, data of another type than declared)
# never lets the document through: its rule counts as matched when it asks for approval, and administrators
# are asked when it would have approved or rejected.
ERROR_APPROVERS = (("role", "admin"),)


def compile_policy(document: PolicyDocument, schema: t.Record) -> CompiledPolicy:
    """Compile every condition (raises rules.RuleError for the first rule that does not compile: validate the
    document with `policy_document.validate_document` first to get every problem)."""
    return CompiledPolicy(document, [rules.compile_rule(rule.condition, schema) for rule in document.rules])


@lru_cache(maxsize=64)
def cached_policy(version_id: int, document_json: str, subject_key: str) -> CompiledPolicy:
    """Versions other than drafts never change, so a compiled version is cached by its id and content (the
    content is part of the key so a draft edited in place is compiled again)."""
    subject = subject_type(subject_key)
    return compile_policy(PolicyDocument.model_validate(json.loads(document_json)), subject.schema())


def approver_pairs(specs) -> tuple[tuple[str, str], ...]:
    return tuple((spec.kind, spec.value.strip()) for spec in specs)


def planned(rule: RuleSpec, step: StepSpec, stage: int) -> PlannedStep:
    return PlannedStep(
        stage=stage,
        name=step.name,
        key=f"{rule.name} / {step.name}",
        mode=step.mode,
        approvers=approver_pairs(step.approvers),
        due_hours=step.due_hours,
        remind_before_hours=step.remind_before_hours,
        escalate=step.escalate,
        auto_escalate=step.auto_escalate,
    )


def error_step(rule: RuleSpec, stage: int) -> PlannedStep:
    return PlannedStep(
        stage=stage,
        name=rule.name,
        key=f"{rule.name} / error",
        mode="any",
        approvers=ERROR_APPROVERS,
        due_hours=None,
        remind_before_hours=None,
        escalate=True,
        auto_escalate=False,
    )


def route(policy: CompiledPolicy, context: dict) -> Route:
    """Read the rules in order against `context` (see policy_document's docstring for the semantics). Steps
    that ask the same people in the same way as a step already in the chain are asked once (the earlier one
    keeps its place, with the tighter due time; a stage left empty by such a merge disappears)."""
    steps: list[PlannedStep] = []
    notify: list[tuple[str, str]] = []
    matched: list[dict] = []
    stage = -1
    for rule, condition in zip(policy.document.rules, policy.conditions, strict=True):
        try:
            if not condition.evaluate(context):
                continue
        except rules.RuleEvaluationError as exc:
            matched.append({"name": rule.name, "outcome": "error", "message": str(exc)})
            if rule.outcome != "route":
                stage += 1
                steps.append(error_step(rule, stage))
                continue
        else:
            matched.append({"name": rule.name, "outcome": rule.outcome, "message": rule.message})
        if rule.outcome == "reject":
            return Route("reject", matched=tuple(matched), message=rule.message)
        if rule.outcome == "approve":
            break
        for step in rule.steps:
            if not step.parallel:
                stage += 1
            candidate = planned(rule, step, max(stage, 0))
            duplicate = next(
                (i for i, s in enumerate(steps) if (s.approvers, s.mode) == (candidate.approvers, candidate.mode)),
                None,
            )
            if duplicate is None:
                steps.append(candidate)
                continue
            kept = steps[duplicate]
            tighter = min((h for h in (kept.due_hours, candidate.due_hours) if h is not None), default=None)
            steps[duplicate] = PlannedStep(**{**kept.__dict__, "due_hours": tighter})
        for spec in approver_pairs(rule.notify):
            if spec not in notify:
                notify.append(spec)
        if rule.stop:
            break
    if not steps:
        return Route("approve", notify=tuple(notify), matched=tuple(matched))
    return Route(
        "route",
        steps=tuple(renumber(steps)),
        notify=tuple(notify),
        matched=tuple(matched),
        total_due_hours=policy.document.total_due_hours,
    )


def renumber(steps: list[PlannedStep]) -> list[PlannedStep]:
    """Stages numbered 0, 1, 2 ... without gaps, in the order they appear."""
    numbers: dict[int, int] = {}
    for step in steps:
        numbers.setdefault(step.stage, len(numbers))
    return [PlannedStep(**{**step.__dict__, "stage": numbers[step.stage]}) for step in steps]
