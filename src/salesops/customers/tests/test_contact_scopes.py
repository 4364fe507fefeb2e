"""The scope matrix for contacts and addresses: they are seen by exactly who sees their customer, and changed by
exactly who may change it. A user of region A cannot list, read, change, deactivate or delete region B's contact
or address, on the API or the pages (404, as if it did not exist), and nothing changes."""

import json

import pytest
from django.urls import reverse

from salesops.accounts.models import Role
from salesops.core.events import snapshot
from salesops.core.models import Event
from salesops.customers.models import Contact, CustomerAddress
from salesops.customers.queries import can_change_customers, visible_addresses, visible_contacts
from salesops.customers.tests.fixtures import reload
from salesops.customers.tests.test_scopes import REGIONAL_ROLES, SEES_OWN_REGION
from salesops.testing.api import post_json

READ_ONLY = [Role.FINANCE, Role.RISK_OFFICER, Role.LEGAL, Role.DEALER]


def state(*instances) -> tuple:
    return (*(snapshot(reload(instance)) for instance in instances), Contact.objects.count(), Event.objects.count())


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_each_role_sees_exactly_its_share_of_region_a(org, contact_a, contact_b, address_a, address_b, role):
    user = org.a.user(role)
    sees = role in SEES_OWN_REGION
    assert set(visible_contacts(user)) == ({contact_a} if sees else set())
    assert set(visible_addresses(user)) == ({address_a} if sees else set())


def test_admins_see_every_region(org, contact_a, contact_b, address_a, address_b):
    assert set(visible_contacts(org.admin)) == {contact_a, contact_b}
    assert set(visible_addresses(org.admin)) == {address_a, address_b}


def test_a_dealer_sees_only_its_own_companys_contacts(org, client_for, contact_a, contact_b):
    rows = client_for(org.a.user(Role.DEALER)).get("/api/v1/contacts").json()["results"]
    assert [row["id"] for row in rows] == [contact_a.pk]


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_api_hides_other_regions_contact_and_address(org, client_for, contact_b, address_b, role):
    client = client_for(org.a.user(role))
    before = state(contact_b, address_b)
    contact_url, address_url = f"/api/v1/contacts/{contact_b.pk}", f"/api/v1/addresses/{address_b.pk}"
    addresses_url = f"/api/v1/customers/{org.b.customer.pk}/addresses"

    listed = client.get("/api/v1/contacts?limit=500").json()["results"]
    exported = b"".join(client.get("/api/v1/contacts/export.csv").streaming_content).decode("utf-8-sig")
    statuses = [
        client.get(contact_url).status_code,
        client.get(f"{contact_url}/events").status_code,
        client.patch(contact_url, json.dumps({"name": "hijacked"}), content_type="application/json").status_code,
        client.delete(contact_url).status_code,
        client.get(addresses_url).status_code,
        post_json(client, addresses_url, {"kind": "billing", "province": "x", "city": "x", "street": "x"}).status_code,
        client.get(address_url).status_code,
        client.get(f"{address_url}/events").status_code,
        client.patch(address_url, json.dumps({"label": "hijacked"}), content_type="application/json").status_code,
        client.delete(address_url).status_code,
    ]
    created = post_json(client, "/api/v1/contacts", {"customer_id": org.b.customer.pk, "name": "hijacker"})

    assert contact_b.pk not in [row["id"] for row in listed]
    assert contact_b.name not in exported
    assert statuses == [404] * 10
    # Adding a contact names the customer in the body: a role that changes customers is told the customer is
    # unknown (422, the same as for a missing one); any other role is refused outright (403)
    assert created.status_code == (422 if can_change_customers(org.a.user(role)) else 403)
    assert state(contact_b, address_b) == before


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_pages_hide_other_regions_contact_and_address(org, client_for, contact_b, address_b, role):
    client = client_for(org.a.user(role))
    before = state(contact_b, address_b)

    listing = client.get(reverse("customers:contacts"), {"is_active": ""})
    responses = [
        client.get(reverse("customers:contact_edit", args=[contact_b.pk])),
        client.post(reverse("customers:contact_edit", args=[contact_b.pk]), {"name": "hijacked"}),
        client.post(reverse("customers:contact_deactivate", args=[contact_b.pk])),
        client.get(reverse("customers:contact_create", args=[org.b.customer.pk])),
        client.post(reverse("customers:contact_create", args=[org.b.customer.pk]), {"name": "hijacked"}),
        client.get(reverse("customers:address_edit", args=[address_b.pk])),
        client.post(reverse("customers:address_edit", args=[address_b.pk]), {"label": "hijacked"}),
        client.post(reverse("customers:address_delete", args=[address_b.pk])),
        client.post(reverse("customers:address_create", args=[org.b.customer.pk]), {"kind": "billing"}),
    ]

    assert contact_b.name not in listing.content.decode()
    assert [r.status_code for r in responses] == [404] * 9
    assert state(contact_b, address_b) == before


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_read_but_cannot_change_a_visible_contact_or_address(
    org, client_for, contact_a, address_a, role
):
    client = client_for(org.a.user(role))
    before = state(contact_a, address_a)
    contact_url, address_url = f"/api/v1/contacts/{contact_a.pk}", f"/api/v1/addresses/{address_a.pk}"

    reads = [client.get(contact_url).status_code, client.get(address_url).status_code]
    writes = [
        client.patch(contact_url, json.dumps({"name": "x"}), content_type="application/json").status_code,
        client.delete(contact_url).status_code,
        post_json(client, "/api/v1/contacts", {"customer_id": org.a.customer.pk, "name": "x"}).status_code,
        client.patch(address_url, json.dumps({"label": "x"}), content_type="application/json").status_code,
        client.delete(address_url).status_code,
        post_json(
            client,
            f"/api/v1/customers/{org.a.customer.pk}/addresses",
            {"kind": "billing", "province": "上海市", "city": "上海市", "street": "x"},
        ).status_code,
    ]

    assert reads == [200, 200]
    assert writes == [403] * 6
    assert state(contact_a, address_a) == before


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR])
def test_the_owner_their_manager_and_director_change_region_as_contacts_and_addresses(
    org, client_for, contact_a, address_a, role
):
    client = client_for(org.a.user(role))
    patched = client.patch(
        f"/api/v1/contacts/{contact_a.pk}", json.dumps({"department": role}), content_type="application/json"
    )
    moved = client.patch(
        f"/api/v1/addresses/{address_a.pk}", json.dumps({"label": role}), content_type="application/json"
    )
    assert (patched.status_code, moved.status_code) == (200, 200)
    assert (reload(contact_a).department, reload(address_a).label) == (role, role)


def test_a_rep_does_not_see_a_teammates_customers_contacts(org, contact_a, address_a):
    from salesops.testing.org import make_user

    teammate = make_user("teammate", Role.SALES_REP, org.a.team)
    assert (list(visible_contacts(teammate)), list(visible_addresses(teammate))) == ([], [])
    assert CustomerAddress.objects.count() == 1
