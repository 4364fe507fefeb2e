"""The quote scope matrix: for every role, a user of region A cannot list, read, print or act on region B's quote,
on the API and on the pages (404), and the quote is unchanged afterwards; each role sees exactly its share of A."""

import json

import pytest
from django.urls import reverse

from salesops.accounts.models import Role
from salesops.core.events import snapshot
from salesops.orders.models import SalesOrder
from salesops.orders.queries import visible_quotes
from salesops.orders.quote_actions import send_quote
from salesops.orders.tests.quote_fixtures import quote_draft, reload_quote

REGIONAL_ROLES = [role for role in Role.values if role != Role.ADMIN]
# The orders' rule on the same fields, less what only orders have: approvers and warehouse staff (shipping).
SEES_OWN_REGION = {
    Role.SALES_REP,
    Role.SALES_MANAGER,
    Role.REGIONAL_DIRECTOR,
    Role.FINANCE,
    Role.RISK_OFFICER,
    Role.LEGAL,
    Role.DEALER,
}
ACTIONS = ["send", "decline", "cancel", "convert"]


@pytest.fixture
def quotes(shop):
    org = shop.org
    mine = send_quote(quote_draft(shop), actor=org.a.user("sales_rep"))
    theirs = quote_draft(shop, actor=org.b.user("sales_rep"), customer=org.b.customer, warehouse=shop.warehouse_b)
    return mine, theirs


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_each_role_sees_exactly_its_share_of_region_a(shop, quotes, role):
    mine, _theirs = quotes
    visible = set(visible_quotes(shop.org.a.user(role)).values_list("pk", flat=True))
    assert visible == ({mine.pk} if role in SEES_OWN_REGION else set())


def test_admins_see_every_quote(shop, quotes):
    assert set(visible_quotes(shop.org.admin).values_list("pk", flat=True)) == {quote.pk for quote in quotes}


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_api_hides_other_regions_quote(shop, quotes, client_for, role):
    _mine, target = quotes
    client = client_for(shop.org.a.user(role))
    before = snapshot(reload_quote(target))
    url = f"/api/v1/quotes/{target.pk}"

    listed = client.get("/api/v1/quotes?limit=500").json()["results"]
    exported = b"".join(client.get("/api/v1/quotes/export.csv").streaming_content).decode()
    statuses = [
        client.get(url).status_code,
        client.get(f"{url}/events").status_code,
        client.get(f"{url}/pdf").status_code,
        client.patch(url, json.dumps({"discount_percent": "50"}), content_type="application/json").status_code,
    ]
    for action in ACTIONS:
        statuses.append(
            client.post(
                f"{url}/{action}", json.dumps({"comment": "hijacked"}), content_type="application/json"
            ).status_code
        )

    assert target.pk not in [row["id"] for row in listed]
    assert target.number not in exported
    assert statuses == [404] * (4 + len(ACTIONS))
    assert snapshot(reload_quote(target)) == before
    assert not SalesOrder.objects.exists()


@pytest.mark.parametrize("role", REGIONAL_ROLES)
def test_pages_hide_other_regions_quote(shop, quotes, client_for, role):
    _mine, target = quotes
    client = client_for(shop.org.a.user(role))
    before = snapshot(reload_quote(target))

    listing = client.get(reverse("orders:quote_list"))
    responses = [
        client.get(reverse("orders:quote_detail", args=[target.pk])),
        client.get(reverse("orders:quote_pdf", args=[target.pk])),
        client.get(reverse("orders:quote_edit", args=[target.pk])),
    ]
    for action in ACTIONS:
        responses.append(client.post(reverse("orders:quote_action", args=[target.pk, action]), {"comment": "hijacked"}))

    assert reverse("orders:quote_detail", args=[target.pk]) not in listing.content.decode()
    assert [r.status_code for r in responses] == [404] * (3 + len(ACTIONS))
    assert snapshot(reload_quote(target)) == before
    assert not SalesOrder.objects.exists()
