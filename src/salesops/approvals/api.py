"""/api/v1 approval policies, requests, decisions, delegations, simulation and analytics: parse, authorise, call,
return."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.accounts.scopes import PORTAL_ROLES
from salesops.approvals import actions, delegation_actions, policy_actions, simulation
from salesops.approvals.analytics import approval_analytics, default_start
from salesops.approvals.models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTask,
    Delegation,
    PolicyVersion,
)
from salesops.approvals.policy_document import validate_document
from salesops.approvals.queries import inbox
from salesops.approvals.schemas import (
    AnalyticsFilters,
    AnalyticsOut,
    ApprovalDecisionIn,
    DelegationIn,
    DelegationOut,
    DocumentIn,
    DraftIn,
    FieldOut,
    PolicyIn,
    PolicyOut,
    PolicyVersionOut,
    ReassignIn,
    RequestFilters,
    RequestOut,
    SimulateIn,
    SimulationOut,
    ValidationOut,
    WithdrawIn,
)
from salesops.approvals.subjects import subject_type
from salesops.core import clock
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import ListParams, Page, paginate
from salesops.core.querying import InvalidParameter
from salesops.core.scoping import for_user, get_for_user
from salesops.core.timezones import day_end, day_start

router = Router(tags=["approvals"])
READ, WRITE = "approvals:read", "approvals:write"
User = get_user_model()


# --- policies ---------------------------------------------------------------------------------------------------


def check_may_read_policies(user) -> None:
    if user.role in PORTAL_ROLES:
        raise PermissionDenied("Approval policies are for staff.")


def policies():
    return ApprovalPolicy.objects.select_related(
        "active_version__created_by", "active_version__activated_by"
    ).prefetch_related(Prefetch("versions", queryset=PolicyVersion.objects.select_related("created_by")))


def get_policy(request: HttpRequest, policy_id: int) -> ApprovalPolicy:
    check_may_read_policies(request.user)
    return policies().get(pk=policy_id)


@router.get("/approval-policies", response={200: Page[PolicyOut], **READ_ERRORS}, summary="List approval policies")
def list_policies(request: HttpRequest, filters: Query[ListParams]):
    """One policy per subject type, with its active version and its draft."""
    require_scope(request, READ)
    check_may_read_policies(request.user)
    return paginate(policies().order_by("subject_type"), filters)


@router.post(
    "/approval-policies",
    response={201: PolicyOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Create an approval policy",
)
@idempotent
def create_policy(request: HttpRequest, payload: PolicyIn):
    """Administrators. Until a version is activated, documents of the subject type are approved automatically."""
    require_scope(request, WRITE)
    policy = policy_actions.create_policy(subject_key=payload.subject_type, name=payload.name, actor=request.user)
    return Status(201, PolicyOut.from_orm(policies().get(pk=policy.pk)))


@router.get("/approval-policies/{policy_id}", response={200: PolicyOut, **READ_ERRORS}, summary="Read a policy")
def read_policy(request: HttpRequest, policy_id: int):
    require_scope(request, READ)
    return get_policy(request, policy_id)


@router.get(
    "/approval-policies/{policy_id}/versions",
    response={200: list[PolicyVersionOut], **READ_ERRORS},
    summary="A policy's versions, newest first",
)
@idempotent
def list_versions(request: HttpRequest, policy_id: int):
    require_scope(request, READ)
    policy = get_policy(request, policy_id)
    return list(policy.versions.select_related("created_by", "activated_by").order_by("-number"))


@router.get(
    "/approval-policies/{policy_id}/fields",
    response={200: list[FieldOut], **READ_ERRORS},
    summary="What a policy's conditions can read",
)
def policy_fields(request: HttpRequest, policy_id: int):
    """Every field of the subject type's context (dotted path and type), for writing conditions."""
    require_scope(request, READ)
    policy = get_policy(request, policy_id)
    return [{"path": path, "type": str(kind)} for path, kind in subject_type(policy.subject_type).schema().describe()]


@router.put(
    "/approval-policies/{policy_id}/draft",
    response={200: PolicyVersionOut, **WRITE_ERRORS},
    summary="Save the policy's draft version",
)
def save_draft(request: HttpRequest, policy_id: int, payload: DraftIn):
    """Administrators. The document is validated first: any problem (with its position in the condition) is a
    422 and nothing is saved. Creates the draft (numbered after the latest version) when there is none."""
    require_scope(request, WRITE)
    policy = get_policy(request, policy_id)
    return policy_actions.save_draft(policy, document=payload.document, note=payload.note, actor=request.user)


@router.post(
    "/approval-policies/{policy_id}/validate",
    response={200: ValidationOut, **WRITE_ERRORS},
    summary="Validate rules without saving them",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def validate(request: HttpRequest, policy_id: int, payload: DocumentIn):
    """Every problem of the document: its shape, each condition's syntax, fields and types (with line, column
    and a caret), approvers that name nobody. Changes nothing."""
    require_scope(request, READ)
    policy = get_policy(request, policy_id)
    _document, problems = validate_document(payload.document, subject_type(policy.subject_type).schema())
    return Status(200, ValidationOut(valid=not problems, problems=[problem.as_dict() for problem in problems]))


@router.post(
    "/policy-versions/{version_id}/activate",
    response={200: PolicyVersionOut, **WRITE_ERRORS},
    summary="Activate a draft version",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def activate(request: HttpRequest, version_id: int):
    """Administrators. The draft routes every new request from now on; the version that was active is retired.
    Requests already started keep the version they started under."""
    require_scope(request, WRITE)
    check_may_read_policies(request.user)
    version = PolicyVersion.objects.get(pk=version_id)
    return Status(200, PolicyVersionOut.from_orm(policy_actions.activate_version(version, actor=request.user)))


# --- requests and decisions -------------------------------------------------------------------------------------


def requests_for(user):
    tasks = ApprovalTask.objects.select_related("approver", "on_behalf_of", "decided_by").order_by("slot", "pk")
    steps = ApprovalStep.objects.order_by("position").prefetch_related(Prefetch("tasks", queryset=tasks))
    return for_user(
        ApprovalRequest.objects.select_related("submitter").prefetch_related(Prefetch("steps", queryset=steps)), user
    )


def get_request(request: HttpRequest, request_id: int) -> ApprovalRequest:
    return get_for_user(requests_for(request.user), request.user, pk=request_id)


def request_out(request: HttpRequest, request_id: int) -> Status:
    """The request as it is now, as an answer to a POST (see `@idempotent`)."""
    return Status(200, RequestOut.from_orm(requests_for(request.user).get(pk=request_id)))


@router.get("/approval-requests", response={200: Page[RequestOut], **READ_ERRORS}, summary="List approval requests")
def list_requests(request: HttpRequest, filters: Query[RequestFilters]):
    """The requests the caller submitted or is part of as an approver (administrators: all), newest first."""
    require_scope(request, READ)
    rows = requests_for(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.subject_type:
        rows = rows.filter(subject_type=filters.subject_type)
    if filters.subject_id:
        rows = rows.filter(subject_id=filters.subject_id)
    if filters.awaiting_me:
        rows = rows.filter(pk__in=inbox(request.user).values("request_id"))
    if filters.submitted_by_me:
        rows = rows.filter(submitter=request.user)
    return paginate(rows.order_by("-created_at", "-pk"), filters)


@router.get(
    "/approval-requests/delegations",
    response={200: Page[DelegationOut], **READ_ERRORS},
    summary="List delegations",
)
def list_delegations(request: HttpRequest, filters: Query[ListParams]):
    """The caller's own delegations and those made to them (administrators: all), latest first."""
    require_scope(request, READ)
    rows = Delegation.objects.select_related("user", "delegate").order_by("-starts_on", "-pk")
    if not request.user.is_admin_role:
        rows = rows.filter(Q(user=request.user) | Q(delegate=request.user))
    return paginate(rows, filters)


@router.post(
    "/approval-requests/delegations",
    response={201: DelegationOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Delegate approvals while away",
)
@idempotent
def create_delegation(request: HttpRequest, payload: DelegationIn):
    """From `starts_on` to `ends_on` the delegate is asked instead of the user and may decide the user's
    pending tasks. People delegate their own approvals; administrators anyone's (`user_id`)."""
    require_scope(request, WRITE)
    user = request.user if payload.user_id is None else User.objects.filter(pk=payload.user_id).first()
    if user is None:
        raise ValidationError({"user_id": ["Unknown user."]})
    delegate = User.objects.filter(pk=payload.delegate_id).first()
    delegation = delegation_actions.create_delegation(
        user=user,
        delegate=delegate,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, DelegationOut.from_orm(delegation))


@router.post(
    "/approval-requests/delegations/{delegation_id}/end",
    response={200: DelegationOut, **WRITE_ERRORS},
    summary="End a delegation",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def end_delegation(request: HttpRequest, delegation_id: int):
    require_scope(request, WRITE)
    delegation = Delegation.objects.select_related("user", "delegate").get(pk=delegation_id)
    if delegation.user_id != request.user.pk and not request.user.is_admin_role:
        raise Delegation.DoesNotExist
    return Status(200, DelegationOut.from_orm(delegation_actions.end_delegation(delegation, actor=request.user)))


@router.get(
    "/approval-requests/{request_id}", response={200: RequestOut, **READ_ERRORS}, summary="Read an approval request"
)
def read_request(request: HttpRequest, request_id: int):
    require_scope(request, READ)
    return get_request(request, request_id)


@router.get(
    "/approval-requests/{request_id}/events",
    response={200: list[EventOut], **READ_ERRORS},
    summary="An approval request's timeline",
)
def request_events(request: HttpRequest, request_id: int):
    require_scope(request, READ)
    return event_list(get_request(request, request_id))


def my_task(request: HttpRequest, approval: ApprovalRequest) -> ApprovalTask:
    task = inbox(request.user).filter(request=approval).order_by("slot", "pk").first()
    if task is None:
        raise ValidationError({"decision": ["This request is not waiting for your decision."]})
    return task


def person(user_id: int | None, field: str):
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        raise ValidationError({field: ["Choose a user."]})
    return user


@router.post(
    "/approval-requests/{request_id}/decide",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Decide on an approval request",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def decide(request: HttpRequest, request_id: int, payload: ApprovalDecisionIn):
    """The caller's pending task on the request (their own, or one they stand in for): `approve` (同意),
    `reject` (驳回, comment required), `send_back` (退回, comment required; to `to_step_id`, an earlier step, or to
    the submitter), `transfer` (转交 to `user_id`), `add_approver` (加签: `user_id` `before`, `after` or
    `alongside` the caller)."""
    require_scope(request, WRITE)
    approval = get_request(request, request_id)
    task = my_task(request, approval)
    actor, comment = request.user, payload.comment
    if payload.decision == "approve":
        actions.approve_task(task, actor=actor, comment=comment)
    elif payload.decision == "reject":
        actions.reject_task(task, actor=actor, comment=comment)
    elif payload.decision == "send_back":
        to_step = None
        if payload.to_step_id:
            to_step = approval.steps.filter(pk=payload.to_step_id).first()
            if to_step is None:
                raise ValidationError({"to_step_id": ["Choose a step of this request."]})
        actions.send_back(task, actor=actor, comment=comment, to_step=to_step)
    elif payload.decision == "transfer":
        actions.transfer_task(task, actor=actor, to=person(payload.user_id, "user_id"), comment=comment)
    else:
        if payload.where is None:
            raise ValidationError({"where": ["Choose before, after or alongside."]})
        user = person(payload.user_id, "user_id")
        actions.add_approver(task, actor=actor, user=user, where=payload.where, comment=comment)
    return request_out(request, request_id)


@router.post(
    "/approval-requests/{request_id}/withdraw",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Withdraw a request (the submitter)",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def withdraw(request: HttpRequest, request_id: int, payload: WithdrawIn):
    """撤回: while nobody has approved any part of it; the document goes back to its editable state."""
    require_scope(request, WRITE)
    actions.withdraw_request(get_request(request, request_id), actor=request.user, comment=payload.comment)
    return request_out(request, request_id)


@router.post(
    "/approval-requests/{request_id}/reassign",
    response={200: RequestOut, **WRITE_ERRORS},
    summary="Reassign a task (administrators)",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def reassign(request: HttpRequest, request_id: int, payload: ReassignIn):
    require_scope(request, WRITE)
    approval = get_request(request, request_id)
    task = approval.tasks.filter(pk=payload.task_id).first()
    if task is None:
        raise ValidationError({"task_id": ["Choose a task of this request."]})
    actions.reassign_task(
        task, actor=request.user, to=person(payload.to_user_id, "to_user_id"), comment=payload.comment
    )
    return request_out(request, request_id)


# --- simulation and analytics -----------------------------------------------------------------------------------


def period(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in company time, as aware datetimes."""
    return day_start(start), day_end(end)


def simulated_rules(policy: ApprovalPolicy, payload: SimulateIn) -> dict:
    if payload.document is not None:
        return payload.document
    if payload.version_id is not None:
        version = policy.versions.filter(pk=payload.version_id).first()
        if version is None:
            raise ValidationError({"version_id": ["Choose a version of this policy."]})
        return version.document
    version = next((v for v in policy.versions.all() if v.status == "draft"), None) or policy.active_version
    if version is None:
        raise ValidationError({"document": ["The policy has no version yet: send the rules to simulate."]})
    return version.document


@router.post(
    "/approval-policies/{policy_id}/simulate",
    response={200: SimulationOut, **WRITE_ERRORS},
    summary="Simulate rules on past documents",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def simulate_policy(request: HttpRequest, policy_id: int, payload: SimulateIn):
    """Replays the documents submitted in the period through the rules (a document, a version, or by default
    the draft) and reports, changing nothing: documents per outcome, how many each rule caught, the chains they
    went to, the load per approver and the expected hours per step from historical decision times. The active
    version's report on the same documents is in `compared_with`."""
    require_scope(request, READ)
    policy = get_policy(request, policy_id)
    start, end = period(payload.start, payload.end)
    report = simulation.simulate(policy.subject_type, simulated_rules(policy, payload), start=start, end=end)
    if policy.active_version is not None:
        report["compared_with"] = simulation.simulate(
            policy.subject_type, policy.active_version.document, start=start, end=end
        )
    return Status(200, SimulationOut.model_validate(report))


@router.get("/approval-analytics", response={200: AnalyticsOut, **READ_ERRORS}, summary="Approval analytics")
def analytics(request: HttpRequest, filters: Query[AnalyticsFilters]):
    """Time in each step (working hours: median, 90th percentile, mean), the due-time breach rate by region,
    step and approver, the queue per approver now, and the slowest steps, over the requests the caller may see
    that started in the period."""
    require_scope(request, READ)
    today = clock.today()
    end_day = filters.end or today
    start_day = filters.start or default_start(end_day)
    if start_day > end_day:
        raise InvalidParameter("The start comes after the end.", {"start": ["The start comes after the end."]})
    start, end = period(start_day, end_day)
    data = approval_analytics(for_user(ApprovalRequest.objects.all(), request.user), start=start, end=end)
    return {**data, "start": start_day, "end": end_day}
