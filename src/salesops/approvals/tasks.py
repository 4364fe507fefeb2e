"""Approval background jobs."""

from django.tasks import task

from salesops.approvals.escalation import escalate_overdue, remind_due_soon
from salesops.core.scheduling import periodic


@periodic("*/5 * * * *", name="approvals.enforce_due_times")
@task()
def enforce_due_times(*, scheduled_at: str) -> dict:
    """Every five minutes: reminders for steps due soon, escalation of overdue ones."""
    return {"reminded": remind_due_soon(), "escalated": escalate_overdue()}
