"""Alert events, delivered after commit: the rule's owner and the region's manager are told, in the app (exactly
once) and by email (at least once)."""

from django.urls import reverse

from salesops.accounts.models import OrgUnit
from salesops.core.handlers import event_handler
from salesops.core.models import Event
from salesops.core.notifications import Notice, deliver
from salesops.reporting.alerts import evaluate_state_rules
from salesops.reporting.models import Alert, AlertRule


def notices_for(event: Event) -> list[Notice]:
    alert = Alert.objects.select_related("owner").filter(pk=event.subject_id).first()
    if alert is None:
        return []
    people = {alert.owner}
    if alert.region_id:
        region = OrgUnit.objects.select_related("manager").filter(pk=alert.region_id).first()
        if region is not None and region.manager is not None and region.manager.is_active:
            people.add(region.manager)
    url = reverse("reporting:alert", args=[alert.pk])
    return [Notice(person, alert.message, "", url, event) for person in sorted(people, key=lambda user: user.pk)]


@event_handler("alert.opened", name="reporting.notify_in_app")
def notify_in_app(event: Event) -> None:
    deliver(notices_for(event), transactional=True)


@event_handler("alert.opened", name="reporting.notify_external", transactional=False)
def notify_external(event: Event) -> None:
    deliver(notices_for(event), transactional=False)


@event_handler("stock.below_safety", name="reporting.stock_alerts")
def stock_alerts(event: Event) -> None:
    """Stock just fell below safety: check the stock rules now rather than at the next quarter hour."""
    evaluate_state_rules(metrics=[AlertRule.Metric.STOCK_BELOW_SAFETY])


# Briefings keep their own module; importing it here lets start-up discovery find it.
from salesops.reporting import briefing_handlers  # noqa: E402, F401
