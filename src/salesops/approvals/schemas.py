"""API schemas of approvals: policies and versions, requests with steps and tasks, decisions, delegations."""

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from salesops.accounts.schemas import UserRef
from salesops.core.api.listing import ListParams, Text

MAX_ID = 2**53


class PolicyVersionOut(Schema):
    id: int
    number: int
    status: str
    document: dict[str, Any] = Field(description="The rules (see docs/approvals.md for the format).")
    note: str
    created_by: UserRef | None
    created_at: datetime.datetime
    activated_by: UserRef | None
    activated_at: datetime.datetime | None


class PolicyOut(Schema):
    id: int
    subject_type: str
    name: str
    active_version: PolicyVersionOut | None
    draft: PolicyVersionOut | None = Field(description="The version being edited, if any.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_draft(policy):
        return next((v for v in policy.versions.all() if v.status == "draft"), None)


class PolicyIn(Schema):
    subject_type: str = Field(max_length=50, description="A registered subject type, e.g. orders.salesorder.")
    name: Text = Field(max_length=100)


class DraftIn(Schema):
    document: dict[str, Any] = Field(description='The rules: {"rules": [...], "total_due_hours": ...}.')
    note: Text = Field("", max_length=500)


class DocumentIn(Schema):
    document: dict[str, Any]


class ProblemOut(Schema):
    field: str = Field(description="Dotted path of the field at fault, e.g. rules.2.condition.")
    message: str
    line: int | None = Field(description="Line of the condition (1-based), for rule-language errors.")
    column: int | None
    pointer: str = Field(description="The condition's line with a caret under the fault.")


class ValidationOut(Schema):
    valid: bool
    problems: list[ProblemOut]


class FieldOut(Schema):
    path: str
    type: str


class TaskOut(Schema):
    id: int
    approver: UserRef
    on_behalf_of: UserRef | None
    status: str
    origin: str
    slot: int
    is_required: bool
    activated_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    decided_by: UserRef | None
    comment: str


class StepOut(Schema):
    id: int
    stage: int
    position: int
    name: str
    mode: str
    status: str
    due_hours: Decimal | None
    started_at: datetime.datetime | None
    due_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    escalation_level: int
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(step) -> list:
        return list(step.tasks.all())


class RequestOut(Schema):
    id: int
    subject_type: str
    subject_id: int
    title: str
    amount: Decimal | None
    status: str
    submitter: UserRef
    policy_version: int | None = Field(description="The policy version it was routed by.")
    matched_rules: list[dict[str, Any]]
    summary: dict[str, Any]
    due_at: datetime.datetime | None
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    steps: list[StepOut]

    @staticmethod
    def resolve_policy_version(request):
        return request.policy_version_id

    @staticmethod
    def resolve_steps(request) -> list:
        return list(request.steps.all())


class RequestFilters(ListParams):
    status: Literal["pending", "approved", "rejected", "returned", "withdrawn", "cancelled"] | None = None
    subject_type: str | None = Field(None, max_length=50)
    subject_id: int | None = Field(None, ge=1, le=MAX_ID)
    awaiting_me: bool = Field(False, description="Only requests waiting for the caller's decision now.")
    submitted_by_me: bool = False


class ApprovalDecisionIn(Schema):
    decision: Literal["approve", "reject", "send_back", "transfer", "add_approver"]
    comment: Text = Field("", max_length=1000, description="Required to reject and to send back.")
    to_step_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="send_back: an earlier step (else: the submitter)."
    )
    user_id: int | None = Field(None, ge=1, le=MAX_ID, description="transfer / add_approver: who.")
    where: Literal["before", "after", "alongside"] | None = Field(None, description="add_approver: where.")


class WithdrawIn(Schema):
    comment: Text = Field("", max_length=1000)


class ReassignIn(Schema):
    task_id: int = Field(ge=1, le=MAX_ID)
    to_user_id: int = Field(ge=1, le=MAX_ID)
    comment: Text = Field(max_length=1000)


class DelegationIn(Schema):
    delegate_id: int = Field(ge=1, le=MAX_ID)
    starts_on: datetime.date
    ends_on: datetime.date
    user_id: int | None = Field(None, ge=1, le=MAX_ID, description="Administrators only: whose delegation.")
    note: Text = Field("", max_length=200)


class DelegationOut(Schema):
    id: int
    user: UserRef
    delegate: UserRef
    starts_on: datetime.date
    ends_on: datetime.date
    note: str
    is_active: bool


class SimulateIn(Schema):
    document: dict[str, Any] | None = Field(
        None, description="Rules to simulate; default: the draft, else the active version."
    )
    version_id: int | None = Field(None, ge=1, le=MAX_ID, description="Simulate this version of the policy instead.")
    start: datetime.date = Field(description="First day of the period (company time).")
    end: datetime.date = Field(description="Last day of the period, included.")


class RuleCount(Schema):
    name: str
    caught: int
    share: float = Field(description="Share of the period's documents the rule caught.")


class ChainCount(Schema):
    chain: str = Field(description="Steps in order; ‖ marks steps side by side.")
    documents: int


class ApproverLoad(Schema):
    user_id: int
    username: str
    name: str
    tasks: int


class StepEstimate(Schema):
    key: str
    name: str
    documents: int
    expected_hours: Decimal | None = Field(description="Expected working hours, from historical decision times.")
    basis: str = Field(description="approvers (their own history), step (this step's), all, or none.")
    vacant: int = Field(description="Documents for which the step named nobody (administrators would be asked).")


class CycleHours(Schema):
    median: Decimal | None
    p90: Decimal | None


class SimulationOut(Schema):
    documents: int
    outcomes: dict[str, int]
    rules: list[RuleCount]
    chains: list[ChainCount]
    load: list[ApproverLoad]
    steps: list[StepEstimate]
    cycle_hours: CycleHours
    compared_with: "SimulationOut | None" = Field(None, description="The active version on the same documents.")


class AnalyticsFilters(Schema):
    start: datetime.date | None = Field(None, description="Default: 90 days ago.")
    end: datetime.date | None = Field(None, description="Last day included; default: today.")


class StepTime(Schema):
    step: str
    count: int
    median_hours: Decimal | None
    p90_hours: Decimal | None
    mean_hours: Decimal


class BreachRow(Schema):
    key: str
    steps: int
    breached: int
    rate: float


class QueueRow(Schema):
    user_id: int
    username: str
    name: str
    pending: int
    oldest_since: datetime.datetime | None


class AnalyticsOut(Schema):
    start: datetime.date = Field(description="First day of the period.")
    end: datetime.date = Field(description="Last day of the period, included.")
    steps: list[StepTime] = Field(description="Working hours per step, slowest first.")
    slowest_steps: list[str]
    sla_breach: dict[str, list[BreachRow]] = Field(description="By region, step and approver.")
    queue: list[QueueRow]
