"""The scope matrix: for every role, a user of region A cannot list, read or act on region B's order, on the
API and on the pages (404), and the order is unchanged afterwards; and each role sees exactly its share of A."""

import json

import pytest
from django.urls import reverse

from salesops.accounts.models import Role
from salesops.core.events import snapshot
from salesops.orders.actions import submit_order
from salesops.orders.queries import visible_orders
from salesops.orders.tests.fixtures import draft, reload

REGIONAL_ROLES = [role for role in Role.values if role != Role.ADMIN]
# Who of region A sees A's confirmed order: its rep, the rep's manager, the director, remit roles placed in
# region A, warehouse staff of the region (confirmed orders) and the dealer whose account it is.
SEES_OWN_REGION = {
    Role.SALES_REP,
    Role.SALES_MANAGER,
    Role.REGIONAL_DIRECTOR,
    Role.FINANCE,
    Role.RISK_OFFICER,
    Role.LEGAL,
    Role.WAREHOUSE,
    Role.DEALER,
}
ACTIONS = ["submit", "approve", "reject", "cancel", "hold", "release", "prepayments"]


@pytest.fixture
def orders(shop):
    org = shop.org
    mine = submit_order(draft(shop), actor=org.a.user("sales_rep"))
    theirs = submit_order(
        draft(shop, actor=org.b.user("sales_rep"), customer=org.b.customer, warehouse=shop.warehouse_b),
        actor=org.b.user("sales_rep"),
    )
    return mine, theirs


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_each_role_sees_exactly_its_share_of_region_a(shop, orders, role):
    mine, _theirs = orders
    visible = set(visible_orders(shop.org.a.user(role)).values_list("pk", flat=True))
    assert visible == ({mine.pk} if role in SEES_OWN_REGION else set())


def test_admins_see_every_order(shop, orders):
    assert set(visible_orders(shop.org.admin).values_list("pk", flat=True)) == {order.pk for order in orders}


def test_warehouse_staff_see_only_confirmed_orders(shop):
    order = draft(shop)
    assert not visible_orders(shop.org.a.user("warehouse")).filter(pk=order.pk).exists()


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_api_hides_other_regions_order(shop, orders, client_for, role):
    _mine, target = orders
    client = client_for(shop.org.a.user(role))
    before = snapshot(reload(target))
    url = f"/api/v1/orders/{target.pk}"

    listed = client.get("/api/v1/orders?limit=500").json()["results"]
    statuses = [
        client.get(url).status_code,
        client.get(f"{url}/events").status_code,
        client.patch(url, json.dumps({"discount_percent": "50"}), content_type="application/json").status_code,
    ]
    for action in ACTIONS:
        payload = {"amount": "1.00"} if action == "prepayments" else {"comment": "hijacked"}
        statuses.append(
            client.post(f"{url}/{action}", json.dumps(payload), content_type="application/json").status_code
        )

    assert target.pk not in [row["id"] for row in listed]
    assert statuses == [404] * (3 + len(ACTIONS))
    assert snapshot(reload(target)) == before


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_pages_hide_other_regions_order(shop, orders, client_for, role):
    _mine, target = orders
    client = client_for(shop.org.a.user(role))
    before = snapshot(reload(target))

    listing = client.get(reverse("orders:list"))
    responses = [client.get(reverse("orders:detail", args=[target.pk]))]
    for action in ("submit", "approve", "reject", "cancel", "hold", "release"):
        responses.append(client.post(reverse("orders:action", args=[target.pk, action]), {"comment": "hijacked"}))
    responses.append(client.get(reverse("orders:edit", args=[target.pk])))

    assert reverse("orders:detail", args=[target.pk]) not in listing.content.decode()
    assert [r.status_code for r in responses] == [404] * 8
    assert snapshot(reload(target)) == before
