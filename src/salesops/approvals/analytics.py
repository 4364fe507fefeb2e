"""Approval analytics: where time goes, who breaches their due times, and who has what waiting now.

Computed from the steps and tasks of the requests started in a period (working hours on the company
calendar). A step breached its due time when it was decided after it, or is still open past it.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Min, Prefetch

from salesops.approvals.durations import median, percentile, step_hours
from salesops.approvals.models import ApprovalStep, ApprovalTask, StepStatus, TaskStatus
from salesops.core import clock

DEFAULT_DAYS = 90  # the period pages and the API show when none is asked for


def default_start(end: datetime.date) -> datetime.date:
    """The first day of the default period ending on `end` (never before the calendar's first day)."""
    if end <= datetime.date.min + datetime.timedelta(days=DEFAULT_DAYS):
        return datetime.date.min
    return end - datetime.timedelta(days=DEFAULT_DAYS)


MEASURED = (StepStatus.APPROVED, StepStatus.REJECTED, StepStatus.RETURNED, StepStatus.ACTIVE)


def breached(step: ApprovalStep, now: datetime.datetime) -> bool:
    if step.due_at is None:
        return False
    return (step.decided_at or now) > step.due_at if step.status in MEASURED else False


def responsible(step: ApprovalStep) -> set[str]:
    """Who answered for the step: those who decided it, else those it is waiting for."""
    decided = {str(task.decided_by or task.approver) for task in step.answerable_tasks if task.decided_at}
    return decided or {str(task.approver) for task in step.answerable_tasks if task.status == TaskStatus.PENDING}


def rate(breaches: int, total: int) -> float:
    return round(breaches / total, 4) if total else 0.0


def approval_analytics(requests, *, start, end, now=None) -> dict:
    """Analytics of the requests in `requests` (a scoped queryset) started in [start, end)."""
    now = now or clock.now()
    answerable = ApprovalTask.objects.exclude(
        status__in=(TaskStatus.CANCELLED, TaskStatus.WAITING, TaskStatus.TRANSFERRED)
    ).select_related("approver", "decided_by")
    steps = list(
        ApprovalStep.objects.filter(
            request__in=requests.filter(created_at__gte=start, created_at__lt=end), status__in=MEASURED
        )
        .select_related("request__region")
        .prefetch_related(Prefetch("tasks", queryset=answerable, to_attr="answerable_tasks"))
    )
    by_step: dict[str, list[Decimal]] = defaultdict(list)
    sla = {
        "region": defaultdict(lambda: [0, 0]),
        "step": defaultdict(lambda: [0, 0]),
        "approver": defaultdict(lambda: [0, 0]),
    }
    for step in steps:
        hours = step_hours(step, now)
        if hours is not None:
            by_step[step.name].append(hours)
        if step.due_at is None:
            continue
        late = breached(step, now)
        region = str(step.request.region) if step.request.region_id else "—"
        people = responsible(step) or {"—"}
        for kind, keys in (("region", [region]), ("step", [step.name]), ("approver", sorted(people))):
            for key in keys:
                sla[kind][key][0] += 1
                sla[kind][key][1] += int(late)
    times = [
        {
            "step": name,
            "count": len(values),
            "median_hours": median(values),
            "p90_hours": percentile(values, 0.9),
            "mean_hours": (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")),
        }
        for name, values in by_step.items()
    ]
    times.sort(key=lambda row: row["median_hours"] or Decimal(0), reverse=True)
    return {
        "start": start,
        "end": end,
        "steps": times,
        "slowest_steps": [row["step"] for row in times[:5]],
        "sla_breach": {
            kind: sorted(
                (
                    {"key": key, "steps": total, "breached": late, "rate": rate(late, total)}
                    for key, (total, late) in rows.items()
                ),
                key=lambda row: (-row["rate"], row["key"]),
            )
            for kind, rows in sla.items()
        },
        "queue": current_queue(requests),
    }


def current_queue(requests) -> list[dict]:
    """Pending tasks per approver now, with the oldest one's age, largest queue first."""
    rows = (
        ApprovalTask.objects.filter(request__in=requests, status=TaskStatus.PENDING, request__status="pending")
        .values("approver_id", "approver__username", "approver__display_name")
        .annotate(pending=Count("pk"), oldest=Min("activated_at"))
        .order_by("-pending", "approver__username")
    )
    return [
        {
            "user_id": row["approver_id"],
            "username": row["approver__username"],
            "name": row["approver__display_name"] or row["approver__username"],
            "pending": row["pending"],
            "oldest_since": row["oldest"],
        }
        for row in rows
    ]
