"""Briefing events delivered after commit: "send now" sends the new round's e-mails."""

from salesops.core.handlers import event_handler
from salesops.core.models import Event
from salesops.reporting.briefing_actions import deliver_briefing
from salesops.reporting.models import Briefing


@event_handler("briefing.send_requested", name="reporting.send_briefing", transactional=False, max_attempts=5)
def send_briefing(event: Event) -> None:
    """Each delivery row is claimed before sending, so a retried event never sends a row twice; a refused
    e-mail raises to have the dispatcher retry it later."""
    briefing = Briefing.objects.select_related("region").filter(pk=event.subject_id).first()
    if briefing is None:
        return
    report = deliver_briefing(briefing)
    if report["failed"]:
        raise RuntimeError(f"{report['failed']} briefing e-mail(s) failed; retrying")
