"""Side effects of other apps' events on orders, delivered by the outbox dispatcher."""

from salesops.accounts.models import OrgUnit
from salesops.core.handlers import event_handler
from salesops.core.models import Event
from salesops.orders.models import SalesOrder


@event_handler("org_unit.moved", name="orders.rederive_regions")
def rederive_regions(event: Event) -> None:
    """An office moved to another region: its orders follow it, so region filters and scopes stay right."""
    unit = OrgUnit.objects.filter(pk=event.subject_id).first()
    if unit is None:
        return
    for office in OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE, path__startswith=unit.path):
        region = office.region
        if region is not None:
            SalesOrder.objects.filter(office=office).exclude(region=region).update(region=region)
