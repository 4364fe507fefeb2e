"""Competing writers: people making different contacts primary (or addresses default) at the same moment end with
exactly one primary contact and one default address, and every switch is in the audit trail."""

import pytest

from salesops.core.models import Event
from salesops.customers.contact_actions import update_address, update_contact
from salesops.customers.models import Contact, CustomerAddress
from salesops.customers.tests.fixtures import add_address, add_contact
from salesops.testing.concurrency import race
from salesops.testing.org import build_org

WRITERS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_primary_and_default_switches_leave_exactly_one_each():
    org = build_org()
    rep = org.a.user("sales_rep")
    contacts = [add_contact(org.a.customer, rep, name=f"联系人{n}") for n in range(WRITERS)]
    addresses = [add_address(org.a.customer, rep, label=f"仓库{n}", is_default=False) for n in range(WRITERS)]

    contact_errors = race(contacts, lambda c: update_contact(c, actor=rep, changes={"is_primary": True}))
    address_errors = race(addresses, lambda a: update_address(a, actor=rep, changes={"is_default": True}))

    assert (contact_errors, address_errors) == ([], [])
    assert Contact.objects.filter(customer=org.a.customer, is_primary=True).count() == 1
    assert CustomerAddress.objects.filter(customer=org.a.customer, is_default=True).count() == 1
    # Each writer's promotion is recorded, and every demotion but the last winner's is too
    promotions = Event.objects.filter(type="contact.updated", payload__after__is_primary=True).count()
    demotions = Event.objects.filter(type="contact.updated", payload__after__is_primary=False).count()
    assert (promotions, demotions) == (WRITERS, WRITERS - 1)
    defaults = Event.objects.filter(type="address.updated", payload__after__is_default=True).count()
    assert defaults == WRITERS
