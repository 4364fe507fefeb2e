"""Due times enforced: reminders before a step is due, escalation after.

Run every few minutes by the periodic job in tasks.py (and safe to run twice: each step is handled under its
request's lock, and a level once reached is recorded on the step).

- Reminder: when a step has `remind_before_hours` and less than that is left, its pending approvers are
  reminded once (`approval_step.reminded`).
- Escalation level 1, at the due time: each pending approver's manager is told (`approval_step.escalated`),
  when the step's `escalate` is on (the default).
- Escalation level 2, one more due period later (the step's `due_hours` again, in working hours), when the
  step's `auto_escalate` is on: each pending task moves to the approver's manager (the next level decides).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesops.approvals import resolution, sla
from salesops.approvals.actions import hand_over
from salesops.approvals.models import (
    ApprovalRequest,
    ApprovalStep,
    ApprovalTask,
    RequestStatus,
    StepStatus,
    TaskOrigin,
    TaskStatus,
)
from salesops.core import clock
from salesops.core.events import record_event
from salesops.core.timezones import company_zone


def open_steps():
    return ApprovalStep.objects.filter(status=StepStatus.ACTIVE, request__status=RequestStatus.PENDING)


def locked_step(step_id: int) -> ApprovalStep | None:
    step = ApprovalStep.objects.filter(pk=step_id).only("request_id").first()
    if step is None:
        return None
    ApprovalRequest.objects.select_for_update().filter(pk=step.request_id).first()
    step = ApprovalStep.objects.select_related("request").get(pk=step_id)
    return step if step.status == StepStatus.ACTIVE and step.request.is_pending else None


def pending_tasks(step: ApprovalStep) -> list[ApprovalTask]:
    return list(step.tasks.filter(status=TaskStatus.PENDING).select_related("approver"))


def remind_due_soon(now: datetime.datetime | None = None) -> int:
    """Remind the approvers of steps due within their reminder window; returns how many steps."""
    now = now or clock.now()
    reminded = 0
    candidates = open_steps().filter(
        due_at__gt=now, reminded_at__isnull=True, definition__remind_before_hours__isnull=False
    )
    for step_id, definition, due_at in candidates.values_list("pk", "definition", "due_at"):
        hours = definition.get("remind_before_hours")
        if not hours or sla.working_hours_between(now, due_at) > Decimal(str(hours)):
            continue
        with transaction.atomic():
            step = locked_step(step_id)
            if step is None or step.reminded_at is not None:
                continue
            step.reminded_at = now
            step.save(update_fields=["reminded_at", "updated_at"])
            record_event(
                "approval_step.reminded",
                step,
                data={
                    "request": step.request_id,
                    "title": step.request.title,
                    "recipients": [task.approver_id for task in pending_tasks(step)],
                    "message": _("Due at %(due)s.")
                    % {"due": timezone.localtime(due_at, company_zone()).strftime("%Y-%m-%d %H:%M")},
                },
            )
            reminded += 1
    return reminded


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Escalate every overdue step one level where its settings ask for it; returns how many escalations."""
    now = now or clock.now()
    escalated = 0
    candidates = (
        open_steps()
        .filter(due_at__lte=now)
        .filter(Q(escalation_level=0) | Q(escalation_level=1, definition__auto_escalate=True))
    )
    for step_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            step = locked_step(step_id)
            if step is None:
                continue
            escalated += escalate(step, now)
    return escalated


def escalate(step: ApprovalStep, now: datetime.datetime) -> int:
    definition = step.definition
    tasks = pending_tasks(step)
    managers = {task.pk: resolution.manager_of(task.approver) for task in tasks}
    if step.escalation_level == 0:
        step.escalation_level, step.escalated_at = 1, now
        step.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
        if definition.get("escalate", True):
            record_event(
                "approval_step.escalated",
                step,
                data={
                    "request": step.request_id,
                    "title": step.request.title,
                    "level": 1,
                    "recipients": sorted({m.pk for m in managers.values() if m is not None}),
                    "message": _("%(step)s is overdue; the approvers are %(people)s.")
                    % {"step": step.name, "people": ", ".join(str(task.approver) for task in tasks)},
                },
            )
        return 1
    second_due = sla.due_after(step.due_at, step.due_hours) if step.due_hours else None
    if step.escalation_level >= 2 or not definition.get("auto_escalate") or second_due is None or second_due > now:
        return 0
    moved = []
    for task in tasks:
        manager = managers[task.pk]
        if manager is None or manager.pk == step.request.submitter_id:
            continue
        hand_over(task, manager, origin=TaskOrigin.ESCALATION, actor=None, data={"escalated": True})
        moved.append(manager.pk)
    step.escalation_level, step.escalated_at = 2, now
    step.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
    record_event(
        "approval_step.escalated",
        step,
        data={
            "request": step.request_id,
            "title": step.request.title,
            "level": 2,
            "recipients": moved,
            "message": _("%(step)s moved to the next level.") % {"step": step.name},
        },
    )
    return 1
