"""Approval runtime: start a request for a document, and every decision on it.

Each top-level action is one transaction that locks the request row first, so two approvers deciding at once
are serialised and a step is never completed twice. What happens to the document once the request ends is the
document's own app's business: the engine calls its subject type's `on_approved` / `on_rejected` /
`on_returned` in the same transaction. Notifications are events; handlers deliver them after commit.

Decisions (the vocabulary of DingTalk and WeCom approvals):
approve 同意, reject 驳回, send back 退回 (to the submitter or an earlier step), transfer 转交, add an approver
加签 (before, after or alongside oneself), withdraw 撤回 (the submitter, while nobody has approved anything),
reassign (an administrator), delegate (out of office).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from salesops.accounts.models import Role
from salesops.accounts.scopes import sees_everything
from salesops.approvals import resolution, sla
from salesops.approvals.models import (
    REQUEST_TRANSITIONS,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTask,
    PolicyVersion,
    RequestStatus,
    StepMode,
    StepStatus,
    TaskOrigin,
    TaskStatus,
)
from salesops.approvals.routing import Route, compiled_version
from salesops.approvals.subjects import SubjectType, key_for, subject_type
from salesops.core import clock
from salesops.core.events import record_event, to_json
from salesops.core.transitions import apply_transition

User = get_user_model()
MAX_COMMENT = 1000
OPEN_TASK_STATUSES = (TaskStatus.WAITING, TaskStatus.PENDING)


@dataclass(frozen=True)
class Started:
    """What `start_approval` decided: `approve` (go ahead), `reject` (with `message`) or `pending` (wait for
    `request`). `reasons` are the matched rules' messages."""

    outcome: str
    request: ApprovalRequest | None = None
    reasons: tuple[str, ...] = ()
    message: str = ""


# --- starting -------------------------------------------------------------------------------------------------


def active_version(subject: SubjectType) -> tuple[int, str] | None:
    """The id and activation time of the subject type's active version. A subject type that has never had a
    policy gets its default one (version 1, active) on first use; one whose policy an administrator switched off
    has none.

    One hand-written statement (the same on SQLite and PostgreSQL): every submission runs it, and the ORM took
    longer to build it than the database to run it; the version's rules come from the compiled-version cache."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.id, v.activated_at FROM {quote(PolicyVersion._meta.db_table)} v "
            f"JOIN {quote(ApprovalPolicy._meta.db_table)} p ON p.id = v.policy_id "
            "WHERE p.subject_type = %s AND v.status = %s",
            [subject.key, PolicyVersion.Status.ACTIVE],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0], str(row[1])
    if subject.default_policy is None or ApprovalPolicy.objects.filter(subject_type=subject.key).exists():
        return None
    version = install_default_policy(subject)
    return version.pk, str(version.activated_at)


def install_default_policy(subject: SubjectType) -> PolicyVersion:
    try:
        with transaction.atomic():
            with translation.override(settings.LANGUAGE_CODE):  # stored in the installation's language
                name = str(subject.default_policy_name)
            policy = ApprovalPolicy.objects.create(subject_type=subject.key, name=name)
            version = PolicyVersion.objects.create(
                policy=policy,
                number=1,
                status=PolicyVersion.Status.ACTIVE,
                document=subject.default_policy,
                activated_at=clock.now(),
            )
            policy.active_version = version
            policy.save(update_fields=["active_version", "updated_at"])
            record_event("policy_version.activated", version, after={"active_version": 1, "default": True})
            return version
    except IntegrityError:  # installed by a concurrent submission
        return PolicyVersion.objects.get(policy__subject_type=subject.key, status=PolicyVersion.Status.ACTIVE)


def plan_for(version: tuple[int, str], subject: SubjectType, document, submitter) -> Route:
    compiled = compiled_version(*version, subject.key)
    return compiled.route(subject.context(document, submitter, compiled.roots))


def start_approval(document, *, submitter, actor, replaces_pending: bool = False) -> Started:
    """Route `document` (locked by the caller, inside the caller's transaction) through its subject type's
    active policy. With no active policy, or no rule asking for approval, the answer is `approve`. With
    `replaces_pending` (a document that may still have a pending request, e.g. released from a hold while it
    waited), that request is cancelled first."""
    subject = subject_type(key_for(document))
    if replaces_pending:
        cancel_open_requests(subject.key, document.pk, actor=actor, reason=_("The document was submitted again."))
    version = active_version(subject)
    if version is None:
        return Started("approve")
    plan = plan_for(version, subject, document, submitter)
    if plan.outcome != "route":
        if plan.notify:
            notify_only(document, plan, submitter=submitter, actor=actor)
        return Started(plan.outcome, reasons=tuple(plan.reasons), message=plan.message)
    summary = subject.summary(document)
    now = clock.now()
    request = ApprovalRequest.objects.create(
        subject_type=subject.key,
        subject_id=document.pk,
        policy_version_id=version[0],
        submitter=submitter,
        region_id=summary.region_id,
        title=summary.title[:200],
        amount=summary.amount,
        summary={"url": summary.url, "lines": summary.lines},
        matched_rules=list(plan.matched),
        fingerprint=subject.fingerprint(document),
        due_at=sla.due_after(now, plan.total_due_hours),
    )
    ApprovalStep.objects.bulk_create(
        ApprovalStep(
            request=request,
            stage=step.stage,
            position=position,
            name=step.name,
            key=step.key,
            mode=step.mode,
            due_hours=step.due_hours,
            definition=step.definition(),
        )
        for position, step in enumerate(plan.steps)
    )
    record_event(
        "approval_request.created",
        request,
        actor=actor,
        after={"status": request.status, "title": request.title},
        data={"rules": list(plan.matched), "policy_version": version[0], "notify": notify_ids(plan, submitter)},
    )
    activate_stage(request, 0, actor=actor)
    return Started("pending", request=request, reasons=tuple(plan.reasons))


def notify_ids(plan: Route, submitter) -> list[int]:
    specs = [{"kind": kind, "value": value} for kind, value in plan.notify]
    return [assignee.approver.pk for assignee in resolution.assignees(specs, submitter, clock.today())]


def notify_only(document, plan: Route, *, submitter, actor) -> None:
    """Rules that only tell people (no approval): one event on the document lists them; a handler notifies."""
    record_event(
        "approval.notified",
        document,
        actor=actor,
        data={"recipients": notify_ids(plan, submitter), "rules": list(plan.matched)},
    )


def cancel_open_requests(subject_key: str, subject_id: int, *, actor, reason: str) -> None:
    for request in ApprovalRequest.objects.select_for_update().filter(
        subject_type=subject_key, subject_id=subject_id, status=RequestStatus.PENDING
    ):
        finish(request, RequestStatus.CANCELLED, actor=actor, comment=reason)


def fallback_assignees() -> list[resolution.Assignee]:
    """When a step's approvers name nobody (a vacant post), administrators are asked rather than nobody."""
    admins = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")
    return [resolution.Assignee(admin) for admin in admins]


def activate_stage(request: ApprovalRequest, stage: int, *, actor) -> None:
    """Start every step of `stage`: resolve its approvers now and ask them (in sequence mode, the first)."""
    now = clock.now()
    for step in request.steps.filter(stage=stage).order_by("position"):
        people = resolution.assignees(step.definition["approvers"], request.submitter, clock.today())
        vacant = not people
        if vacant:
            people = [a for a in fallback_assignees() if a.approver.pk != request.submitter_id]
        step.status, step.started_at = StepStatus.ACTIVE, now
        step.due_at = sla.due_after(now, step.due_hours)
        step.save(update_fields=["status", "started_at", "due_at", "updated_at"])
        tasks = [
            ApprovalTask(
                step=step,
                request=request,
                approver=assignee.approver,
                on_behalf_of=assignee.on_behalf_of,
                # Administrators standing in for a vacant post are alternatives: any one of them decides.
                slot=index if step.mode == StepMode.SEQUENCE and not vacant else 0,
                is_required=step.mode != StepMode.ANY and not vacant,
            )
            for index, assignee in enumerate(people)
        ]
        ApprovalTask.objects.bulk_create(tasks)
        record_event(
            "approval_step.started",
            step,
            actor=actor,
            after=to_json({"status": step.status, "due_at": step.due_at}),
            data={"request": request.pk, "vacant": vacant},
        )
        open_next_slot(step, actor=actor)


def open_next_slot(step: ApprovalStep, *, actor) -> bool:
    """Ask the tasks of the first slot that is not complete (waiting → pending, `approval_task.assigned`).
    Returns True when every slot is complete: the step is approved."""
    tasks = list(
        step.tasks.filter(is_current=True)
        .exclude(status__in=(TaskStatus.TRANSFERRED, TaskStatus.CANCELLED))
        .order_by("slot", "pk")
    )
    for slot in sorted({task.slot for task in tasks}):
        in_slot = [task for task in tasks if task.slot == slot]
        if slot_complete(in_slot):
            continue
        for task in in_slot:
            if task.status == TaskStatus.WAITING:
                assign(task, actor=actor)
        return False
    return True


def slot_complete(tasks: list[ApprovalTask]) -> bool:
    required = [task for task in tasks if task.is_required]
    alternatives = [task for task in tasks if not task.is_required]
    return all(task.status == TaskStatus.APPROVED for task in required) and (
        not alternatives or any(task.status == TaskStatus.APPROVED for task in alternatives)
    )


def assign(task: ApprovalTask, *, actor) -> None:
    task.status, task.activated_at = TaskStatus.PENDING, clock.now()
    task.save(update_fields=["status", "activated_at", "updated_at"])
    record_event(
        "approval_task.assigned",
        task,
        actor=actor,
        after={"approver": task.approver_id, "on_behalf_of": task.on_behalf_of_id},
        data={"request": task.request_id, "step": task.step_id},
    )


# --- deciding -------------------------------------------------------------------------------------------------


def clean_comment(comment, *, required: bool, message: str = "") -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationError({"comment": [message or _("A comment is required.")]})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": [_("Keep the comment under %(n)s characters.") % {"n": MAX_COMMENT}]})
    return comment


def is_delegate_of(actor, user) -> bool:
    return resolution.active_delegations([user], clock.today()).get(user.pk) == actor


def may_act_on(actor, task: ApprovalTask) -> bool:
    """The person asked, or their delegate for today."""
    return task.approver_id == actor.pk or is_delegate_of(actor, task.approver)


def locked_task(task: ApprovalTask, actor) -> tuple[ApprovalRequest, ApprovalTask]:
    """Lock the request, then read the task fresh; refuse unless it is pending and `actor` may decide it."""
    request = ApprovalRequest.objects.select_for_update().select_related("submitter").get(pk=task.request_id)
    task = ApprovalTask.objects.select_related("step", "approver").get(pk=task.pk)
    if not may_act_on(actor, task):
        raise PermissionDenied(_("Only the approver asked (or their delegate) may decide this."))
    if request.status != RequestStatus.PENDING or task.status != TaskStatus.PENDING:
        raise ValidationError({"status": [_("This approval is not waiting for your decision.")]})
    return request, task


def close_task(task: ApprovalTask, status: str, *, actor, comment: str, data: dict | None = None) -> None:
    task.status, task.decided_at, task.decided_by, task.comment = status, clock.now(), actor, comment
    task.save(update_fields=["status", "decided_at", "decided_by", "comment", "updated_at"])
    record_event(
        f"approval_task.{status}",
        task,
        actor=actor,
        after={"status": status},
        data={"request": task.request_id, "step": task.step_id, "comment": comment, **(data or {})},
    )


def approve_task(task: ApprovalTask, *, actor, comment: str = "") -> ApprovalRequest:
    """同意: the task is approved; when its slot, step and stage are complete the chain moves on, and when the
    last stage is complete the request is approved (and the document's app is told)."""
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        request, task = locked_task(task, actor)
        close_task(task, TaskStatus.APPROVED, actor=actor, comment=comment)
        if not request.has_decisions:
            request.has_decisions = True
            request.save(update_fields=["has_decisions", "updated_at"])
        advance(request, task.step, actor=actor)
        return request


def advance(request: ApprovalRequest, step: ApprovalStep, *, actor) -> None:
    if step.mode == StepMode.ANY or any_alternative_approved(step):
        cancel_alternatives(step, actor=actor)
    if not open_next_slot(step, actor=actor):
        return
    step.status, step.decided_at = StepStatus.APPROVED, clock.now()
    step.save(update_fields=["status", "decided_at", "updated_at"])
    record_event("approval_step.approved", step, actor=actor, after={"status": step.status})
    if request.steps.filter(stage=step.stage).exclude(status=StepStatus.APPROVED).exists():
        return  # a parallel step of the stage is still open
    later = request.steps.filter(stage__gt=step.stage, status=StepStatus.WAITING).order_by("stage").first()
    if later is not None:
        activate_stage(request, later.stage, actor=actor)
        return
    finish(request, RequestStatus.APPROVED, actor=actor)


def any_alternative_approved(step: ApprovalStep) -> bool:
    return step.tasks.filter(is_current=True, is_required=False, status=TaskStatus.APPROVED).exists()


def cancel_alternatives(step: ApprovalStep, *, actor) -> None:
    """In a slot where one alternative approved (或签), the others are no longer needed."""
    current = step.tasks.filter(is_current=True, is_required=False)
    for slot in current.filter(status=TaskStatus.APPROVED).values_list("slot", flat=True):
        for other in current.filter(slot=slot, status__in=OPEN_TASK_STATUSES):
            close_task(other, TaskStatus.CANCELLED, actor=actor, comment="")


def finish(request: ApprovalRequest, status: str, *, actor, comment: str = "") -> ApprovalRequest:
    """End the request: close what is still open, record `approval_request.<status>` and tell the document's
    app (approved → on_approved, rejected → on_rejected, sent back or withdrawn → on_returned)."""
    for task in ApprovalTask.objects.filter(request=request, status__in=OPEN_TASK_STATUSES):
        close_task(task, TaskStatus.CANCELLED, actor=actor, comment="")
    request.steps.filter(status__in=(StepStatus.ACTIVE, StepStatus.WAITING)).update(
        status=StepStatus.CANCELLED, updated_at=clock.now()
    )
    apply_transition(
        request,
        status,
        table=REQUEST_TRANSITIONS,
        event="approval_request",
        refusal=_("This approval request is %(before)s; it cannot become %(after)s."),
        actor=actor,
        reason=comment,
        changes={"decided_at": clock.now()},
    )
    if status == RequestStatus.CANCELLED:
        return request
    subject = subject_type(request.subject_type)
    document = subject.lock(request.subject_id)
    if status == RequestStatus.APPROVED:
        if subject.fingerprint(document) != request.fingerprint:
            raise ValidationError(
                {"status": [_("The document changed while it was being approved; it must be submitted again.")]}
            )
        subject.on_approved(document, request, actor)
    elif status == RequestStatus.REJECTED:
        subject.on_rejected(document, request, actor, comment)
    else:
        subject.on_returned(document, request, actor, comment)
    return request


def reject_task(task: ApprovalTask, *, actor, comment: str) -> ApprovalRequest:
    """驳回: the request is rejected (a comment says why), whatever the other steps."""
    comment = clean_comment(comment, required=True, message=_("Say why you reject it."))
    with transaction.atomic():
        request, task = locked_task(task, actor)
        close_task(task, TaskStatus.REJECTED, actor=actor, comment=comment)
        task.step.status, task.step.decided_at = StepStatus.REJECTED, clock.now()
        task.step.save(update_fields=["status", "decided_at", "updated_at"])
        return finish(request, RequestStatus.REJECTED, actor=actor, comment=comment)


def send_back(task: ApprovalTask, *, actor, comment: str, to_step: ApprovalStep | None = None) -> ApprovalRequest:
    """退回: to the submitter (the request ends as sent back; the document can be edited and submitted again), or
    to an earlier step, whose approvers are asked again (the steps after it start over)."""
    comment = clean_comment(comment, required=True, message=_("Say what must change."))
    with transaction.atomic():
        request, task = locked_task(task, actor)
        close_task(
            task, TaskStatus.RETURNED, actor=actor, comment=comment, data={"to_step": getattr(to_step, "pk", None)}
        )
        if to_step is None:
            task.step.status, task.step.decided_at = StepStatus.RETURNED, clock.now()
            task.step.save(update_fields=["status", "decided_at", "updated_at"])
            return finish(request, RequestStatus.RETURNED, actor=actor, comment=comment)
        if to_step.request_id != request.pk or to_step.stage >= task.step.stage:
            raise ValidationError({"to_step": [_("Send back to a step this request has already passed.")]})
        restart_from(request, to_step.stage, actor=actor)
        return request


def restart_from(request: ApprovalRequest, stage: int, *, actor) -> None:
    """Cancel the open tasks and reset every step from `stage` on, then start `stage` again. The earlier
    round's decisions stay as history (`is_current` False) and no longer count."""
    ApprovalTask.objects.filter(request=request, step__stage__gte=stage, status__in=OPEN_TASK_STATUSES).update(
        status=TaskStatus.CANCELLED, updated_at=clock.now()
    )
    ApprovalTask.objects.filter(request=request, step__stage__gte=stage).update(is_current=False)
    request.steps.filter(stage__gte=stage).update(
        status=StepStatus.WAITING,
        started_at=None,
        due_at=None,
        decided_at=None,
        escalation_level=0,
        escalated_at=None,
        reminded_at=None,
        updated_at=clock.now(),
    )
    activate_stage(request, stage, actor=actor)


def check_person(user, request: ApprovalRequest, field: str):
    if user is None or not user.is_active:
        raise ValidationError({field: [_("Choose an active user.")]})
    if user.pk == request.submitter_id:
        raise ValidationError({field: [_("The submitter cannot approve their own document.")]})
    return user


def transfer_task(task: ApprovalTask, *, actor, to, comment: str = "") -> ApprovalTask:
    """转交: someone else decides in the actor's place, in the same slot; the actor's task is closed."""
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        request, task = locked_task(task, actor)
        check_person(to, request, "to")
        if to.pk == task.approver_id:
            raise ValidationError({"to": [_("The task is already theirs.")]})
        return hand_over(task, to, origin=TaskOrigin.TRANSFER, actor=actor, comment=comment)


def hand_over(task: ApprovalTask, to, *, origin: str, actor, comment: str = "", data: dict | None = None):
    """Close `task` as transferred and ask `to` in its place (same step, slot and weight); the new task is asked at
    once if the old one was. Used by transfer, reassignment and escalation."""
    was_pending = task.status == TaskStatus.PENDING
    close_task(task, TaskStatus.TRANSFERRED, actor=actor, comment=comment, data={"to": to.pk, **(data or {})})
    new = ApprovalTask.objects.create(
        step=task.step,
        request_id=task.request_id,
        approver=to,
        slot=task.slot,
        is_required=task.is_required,
        origin=origin,
        added_by=actor,
    )
    if was_pending:
        assign(new, actor=actor)
    return new


ADD_POSITIONS = ("before", "after", "alongside")


def add_approver(task: ApprovalTask, *, actor, user, where: str, comment: str = "") -> ApprovalTask:
    """加签. `before`: `user` decides first, then the task comes back to the actor. `after`: the actor approves
    now and `user` decides next. `alongside`: `user` must approve too, at the same time."""
    if where not in ADD_POSITIONS:
        raise ValidationError({"where": [_("Choose before, after or alongside.")]})
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        request, task = locked_task(task, actor)
        check_person(user, request, "user")
        step = task.step
        if step.tasks.filter(approver=user, slot=task.slot, status__in=OPEN_TASK_STATUSES).exists():
            raise ValidationError({"user": [_("They are already asked in this step.")]})
        origin = {"before": TaskOrigin.ADDED_BEFORE, "after": TaskOrigin.ADDED_AFTER}.get(
            where, TaskOrigin.ADDED_ALONGSIDE
        )
        if where == "alongside":
            slot = task.slot
        else:
            slot = task.slot if where == "before" else task.slot + 1
            # Make room: every task from `slot` on moves one slot later.
            for later in step.tasks.filter(slot__gte=slot).order_by("-slot"):
                later.slot += 1
                later.save(update_fields=["slot", "updated_at"])
            if where == "before":
                task.refresh_from_db(fields=["slot"])
                task.status = TaskStatus.WAITING
                task.save(update_fields=["status", "updated_at"])
        added = ApprovalTask.objects.create(
            step=step, request=request, approver=user, slot=slot, is_required=True, origin=origin, added_by=actor
        )
        record_event(
            "approval_task.added",
            added,
            actor=actor,
            after={"approver": user.pk, "where": where},
            data={"request": request.pk, "step": step.pk, "comment": comment},
        )
        if where == "after":
            close_task(task, TaskStatus.APPROVED, actor=actor, comment=comment)
            request.has_decisions = True
            request.save(update_fields=["has_decisions", "updated_at"])
            advance(request, step, actor=actor)
        else:
            open_next_slot(step, actor=actor)
        return added


def withdraw_request(request: ApprovalRequest, *, actor, comment: str = "") -> ApprovalRequest:
    """撤回: the submitter takes the document back while nobody has approved any part of it."""
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if request.submitter_id != actor.pk:
            raise PermissionDenied(_("Only the submitter may withdraw it."))
        if request.status != RequestStatus.PENDING:
            raise ValidationError({"status": [_("Only a pending request can be withdrawn.")]})
        if request.has_decisions:
            raise ValidationError({"status": [_("Someone has already approved part of it; ask them to send it back.")]})
        return finish(request, RequestStatus.WITHDRAWN, actor=actor, comment=comment)


def reassign_task(task: ApprovalTask, *, actor, to, comment: str) -> ApprovalTask:
    """An administrator moves a pending task to someone else (someone left, or is ill)."""
    if not sees_everything(actor):
        raise PermissionDenied(_("Only an administrator may reassign approvals."))
    comment = clean_comment(comment, required=True, message=_("Say why it is reassigned."))
    with transaction.atomic():
        request = ApprovalRequest.objects.select_for_update().get(pk=task.request_id)
        task = ApprovalTask.objects.select_related("step").get(pk=task.pk)
        if request.status != RequestStatus.PENDING or task.status not in OPEN_TASK_STATUSES:
            raise ValidationError({"status": [_("Only an open task can be reassigned.")]})
        check_person(to, request, "to")
        return hand_over(
            task, to, origin=TaskOrigin.REASSIGNED, actor=actor, comment=comment, data={"reassigned": True}
        )
