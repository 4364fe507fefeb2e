"""Approval events, delivered after commit: notices in the app (exactly once) and by email (at least once)."""

from salesops.approvals.notices import notices_for
from salesops.core.handlers import event_handler
from salesops.core.models import Event
from salesops.core.notifications import deliver

NOTIFYING_EVENTS = (
    "approval_task.assigned",
    "approval_request.approved",
    "approval_request.rejected",
    "approval_request.returned",
    "approval_request.created",
    "approval.notified",
    "approval_step.reminded",
    "approval_step.escalated",
)


@event_handler(*NOTIFYING_EVENTS, name="approvals.notify_in_app")
def notify_in_app(event: Event) -> None:
    deliver(notices_for(event), transactional=True)


@event_handler(*NOTIFYING_EVENTS, name="approvals.notify_external", transactional=False)
def notify_external(event: Event) -> None:
    deliver(notices_for(event), transactional=False)
