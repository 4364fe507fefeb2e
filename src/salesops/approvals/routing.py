"""Routing: which rules catch a document and the chain they ask for. Pure: no database, no clock.

Live routing (`actions.start_approval`) and simulation (`simulation.py`) both call `route()` on the same
compiled policy with the same context, so a simulation shows exactly what going live would do.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from salesops.approvals.models import PolicyVersion
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


@dataclass(frozen=True)
class RulePlan:
    """What a rule does when it matches, prepared once when the policy is compiled."""

    name: str
    outcome: str
    message: str
    stop: bool
    matched: dict
    steps: tuple[tuple[bool, PlannedStep], ...]  # (runs alongside the step before, the step at stage 0)
    notify: tuple[tuple[str, str], ...]
    error_step: PlannedStep


@dataclass
class CompiledPolicy:
    """A policy document with its conditions compiled once. `roots` are the context's top-level names the
    conditions read (`order`, `customer`...), so a subject type builds only those."""

    document: PolicyDocument
    conditions: list = field(default_factory=list)
    plans: list[RulePlan] = field(default_factory=list)

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
    conditions = [rules.compile_rule(rule.condition, schema) for rule in document.rules]
    return CompiledPolicy(document, conditions, [plan_of(rule) for rule in document.rules])


def plan_of(rule: RuleSpec) -> RulePlan:
    return RulePlan(
        name=rule.name,
        outcome=rule.outcome,
        message=rule.message,
        stop=rule.stop,
        matched={"name": rule.name, "outcome": rule.outcome, "message": rule.message},
        steps=tuple((step.parallel, planned(rule, step, 0)) for step in rule.steps),
        notify=approver_pairs(rule.notify),
        error_step=error_step(rule, 0),
    )


@lru_cache(maxsize=64)
def compiled_version(version_id: int, activated_at: str, subject_key: str) -> CompiledPolicy:
    """An active (or retired) version never changes: once compiled it is kept, by its id and activation time (the
    time tells apart two versions that had the same id in databases created one after another, as in tests)."""
    document = PolicyVersion.objects.values_list("document", flat=True).get(pk=version_id)
    return compile_policy(PolicyDocument.model_validate(document), subject_type(subject_key).schema())


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
    chosen: list[list] = []  # [template, stage, due_hours], in chain order
    index: dict[tuple, int] = {}  # (approvers, mode) -> position in `chosen`
    notify: list[tuple[str, str]] = []
    matched: list[dict] = []
    stage = -1
    for plan, condition in zip(policy.plans, policy.conditions, strict=True):
        try:
            if not condition.evaluate(context):
                continue
        except rules.RuleEvaluationError as exc:
            matched.append({"name": plan.name, "outcome": "error", "message": str(exc)})
            if plan.outcome != "route":
                stage += 1
                chosen.append([plan.error_step, stage, None])
                continue
        else:
            matched.append(plan.matched)
        if plan.outcome == "reject":
            return Route("reject", matched=tuple(matched), message=plan.message)
        if plan.outcome == "approve":
            break
        for parallel, template in plan.steps:
            if not parallel:
                stage += 1
            key = (template.approvers, template.mode)
            at = index.get(key)
            if at is None:
                index[key] = len(chosen)
                chosen.append([template, max(stage, 0), template.due_hours])
            elif template.due_hours is not None:
                kept = chosen[at][2]
                chosen[at][2] = template.due_hours if kept is None else min(kept, template.due_hours)
        for spec in plan.notify:
            if spec not in notify:
                notify.append(spec)
        if plan.stop:
            break
    if not chosen:
        return Route("approve", notify=tuple(notify), matched=tuple(matched))
    numbers: dict[int, int] = {}  # stages renumbered 0, 1, 2 ... without gaps
    steps = []
    for template, step_stage, due_hours in chosen:
        number = numbers.setdefault(step_stage, len(numbers))
        steps.append(replace(template, stage=number, due_hours=due_hours))
    return Route(
        "route",
        steps=tuple(steps),
        notify=tuple(notify),
        matched=tuple(matched),
        total_due_hours=policy.document.total_due_hours,
    )
