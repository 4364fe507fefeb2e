"""Side effects of customer events, delivered by the outbox dispatcher after the change has committed."""

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from salesops.accounts.models import OrgUnit, User
from salesops.core.handlers import event_handler
from salesops.core.models import Event
from salesops.customers.models import Customer


@event_handler("customer.created", "customer.updated", name="customers.notify_new_owner", transactional=False)
def notify_new_owner(event: Event) -> None:
    """Tell a rep by email when someone else gives them a customer. At least once: the event id is in a header."""
    owner_id = event.payload.get("after", {}).get("owner")
    if owner_id is None or owner_id == event.actor_id:
        return
    owner = User.objects.filter(pk=owner_id, is_active=True).exclude(email="").first()
    if owner is None:
        return
    with translation.override("zh-hans"):
        subject = _("Customer assigned to you: %(name)s") % {"name": event.subject_label}
        body = _("%(actor)s assigned the customer %(name)s to you.") % {
            "actor": event.actor_label,
            "name": event.subject_label,
        }
    EmailMessage(subject, body, to=[owner.email], headers={"X-Salesops-Event": str(event.uuid)}).send()


@event_handler("org_unit.moved", name="customers.rederive_regions")
def rederive_regions(event: Event) -> None:
    """An office moved to another region (or a region's offices moved with it): customers follow their office."""
    unit = OrgUnit.objects.filter(pk=event.subject_id).first()
    if unit is None:
        return
    for office in OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE, path__startswith=unit.path):
        region = office.region
        if region is not None:
            Customer.objects.filter(office=office).exclude(region=region).update(region=region)
