"""The scope matrix: for every role, a user of region A cannot list, read, change or delete region B's customer,
on the API and on the pages, and the customer is unchanged afterwards."""

import json

import pytest
from django.urls import reverse

from salesops.accounts.models import Role
from salesops.core.events import snapshot
from salesops.customers.models import Customer
from salesops.customers.queries import visible_customers

# Every role but admin, which is company-wide by definition (asserted separately below).
REGIONAL_ROLES = [role for role in Role.values if role != Role.ADMIN]
# What a user of region A sees of A's customer: its owner, the owner's manager, the region's director, remit
# roles placed in region A, and the dealer whose account it is. Warehouse, store and supplier staff do not
# read customer master data.
SEES_OWN_REGION = {
    Role.SALES_REP,
    Role.SALES_MANAGER,
    Role.REGIONAL_DIRECTOR,
    Role.FINANCE,
    Role.RISK_OFFICER,
    Role.LEGAL,
    Role.DEALER,
}


def customer_state(customer: Customer) -> dict:
    customer.refresh_from_db()
    return snapshot(customer)


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_api_hides_other_regions_customer(org, client_for, role):
    # Given a user of region A and region B's customer
    client = client_for(org.a.user(role))
    target = org.b.customer
    before = customer_state(target)
    url = f"/api/v1/customers/{target.pk}"

    # When they list, read, update and delete it
    listed = client.get("/api/v1/customers?limit=500").json()["results"]
    read = client.get(url)
    patched = client.patch(url, json.dumps({"name": "hijacked"}), content_type="application/json")
    deleted = client.delete(url)
    events = client.get(f"{url}/events")

    # Then it is invisible everywhere and nothing changed
    assert target.pk not in [row["id"] for row in listed]
    assert [read.status_code, patched.status_code, deleted.status_code, events.status_code] == [404] * 4
    assert read.json()["error"]["code"] == "not_found"
    assert customer_state(target) == before


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_pages_hide_other_regions_customer(org, client_for, role):
    client = client_for(org.a.user(role))
    target = org.b.customer
    before = customer_state(target)

    listing = client.get(reverse("customers:list"))
    responses = [
        client.get(reverse("customers:detail", args=[target.pk])),
        client.get(reverse("customers:edit", args=[target.pk])),
        client.post(reverse("customers:edit", args=[target.pk]), {"name": "hijacked"}),
        client.post(reverse("customers:delete", args=[target.pk])),
    ]

    assert target.name not in listing.content.decode()
    assert [r.status_code for r in responses] == [404] * 4
    assert customer_state(target) == before


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_each_role_sees_exactly_its_share_of_region_a(org, role):
    visible = set(visible_customers(org.a.user(role)).values_list("pk", flat=True))
    expected = {org.a.customer.pk} if role in SEES_OWN_REGION else set()
    assert visible == expected


def test_admin_sees_every_region(org):
    assert set(visible_customers(org.admin).values_list("pk", flat=True)) == {org.a.customer.pk, org.b.customer.pk}


def test_rep_does_not_see_a_teammates_customer(org):
    from salesops.testing.org import make_user

    teammate = make_user("teammate", Role.SALES_REP, org.a.team)
    assert list(visible_customers(teammate)) == []


def test_company_level_finance_sees_all_regions(org):
    finance = org.a.user(Role.FINANCE)
    finance.org_unit = org.company
    finance.save()
    assert set(visible_customers(finance).values_list("pk", flat=True)) == {org.a.customer.pk, org.b.customer.pk}


@pytest.mark.parametrize("role", [Role.FINANCE, Role.RISK_OFFICER, Role.LEGAL, Role.DEALER])
def test_read_only_roles_cannot_change_a_visible_customer(org, client_for, role):
    client = client_for(org.a.user(role))
    target = org.a.customer
    before = customer_state(target)

    patched = client.patch(f"/api/v1/customers/{target.pk}", json.dumps({"name": "x"}), content_type="application/json")
    deleted = client.delete(f"/api/v1/customers/{target.pk}")
    page = client.post(reverse("customers:delete", args=[target.pk]))

    assert [patched.status_code, deleted.status_code, page.status_code] == [403, 403, 403]
    assert customer_state(target) == before


def test_manager_and_director_may_edit_their_subtree(org, client_for):
    for role in (Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR):
        response = client_for(org.a.user(role)).patch(
            f"/api/v1/customers/{org.a.customer.pk}",
            json.dumps({"status": "inactive"}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    assert customer_state(org.a.customer)["status"] == "inactive"
