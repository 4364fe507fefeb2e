"""Briefings, targets and subscriptions through the API and the pages: scope (another region's briefing is a
404), bad input (4xx naming the field, nothing changed), send now idempotent."""

import pytest

from salesops.core.dispatch import deliver_pending
from salesops.reporting.briefing_actions import prepare_briefing
from salesops.reporting.models import Briefing, BriefingDelivery, BriefingSubscription, SalesTarget
from salesops.reporting.tests.briefing_fixtures import DAY
from salesops.testing.api import api_key_for, bearer, post_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def briefings(org):
    return {name: prepare_briefing(region=getattr(org, name).region, day=DAY) for name in ("a", "b")}


def headers(user, scopes=("*",)):
    return bearer(api_key_for(user, scopes))


@pytest.mark.parametrize(
    ("role", "region", "sees"),
    [
        ("regional_director", "a", {"a"}),
        ("regional_director", "b", {"b"}),
        ("sales_manager", "a", {"a"}),
        ("finance", "a", {"a"}),
        ("sales_rep", "a", set()),
        ("dealer", "a", set()),
    ],
)
def test_who_sees_which_briefing(org, briefings, client, role, region, sees):
    user = getattr(org, region).user(role)
    listed = client.get("/api/v1/briefings", **headers(user)).json()["results"]
    assert {item["region"]["name"][-1] for item in listed} == sees
    for name, briefing in briefings.items():
        api = client.get(f"/api/v1/briefings/{briefing.pk}", **headers(user))
        client.force_login(user)
        page = client.get(f"/reporting/briefings/{briefing.pk}/")
        pdf = client.get(f"/reporting/briefings/{briefing.pk}/pdf/")
        expected = 200 if name in sees else 404
        assert (api.status_code, page.status_code, pdf.status_code) == (expected, expected, expected), name
        client.logout()


def test_a_director_of_region_a_gets_404_for_region_b(org, briefings, client):
    director = org.a.user("regional_director")
    other = briefings["b"]
    assert client.get(f"/api/v1/briefings/{other.pk}", **headers(director)).status_code == 404
    answer = client.get(f"/api/v1/briefings/render?region_id={org.b.region.pk}&date={DAY}", **headers(director))
    assert answer.status_code == 404 and "region_id" in answer.json()["error"]["fields"]
    sent = post_json(client, f"/api/v1/briefings/{other.pk}/send", {}, **headers(director))
    assert sent.status_code == 404
    assert BriefingDelivery.objects.count() == 0
    client.force_login(director)
    assert client.post(f"/reporting/briefings/{other.pk}/send/").status_code == 404
    listing = client.get("/reporting/briefings/").content.decode()
    assert listing.count('data-testid="briefing"') == 1 and "Region b" not in listing


def test_render_answers_the_figures_as_json(org, client):
    director = org.a.user("regional_director")
    answer = client.get(f"/api/v1/briefings/render?region_id={org.a.region.pk}&date={DAY}", **headers(director))
    assert answer.status_code == 200
    body = answer.json()
    assert body["region"]["id"] == org.a.region.pk and body["date"] == str(DAY)
    assert [section["key"] for section in body["figures"]["sections"]] == [
        "daily",
        "month",
        "movers",
        "approvals",
        "alerts",
    ]
    assert Briefing.objects.count() == 0  # rendering stores nothing


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("region_id=abc&date=2026-11-18", "region_id"),
        ("date=2026-11-18", "region_id"),
        ("region_id=1", "date"),
        ("region_id=1&date=2026-13-45", "date"),
        ("region_id=1&date=2999-01-01", "date"),
    ],
)
def test_render_names_the_bad_field(org, client, query, field):
    query = query.replace("region_id=1", f"region_id={org.a.region.pk}")
    answer = client.get(f"/api/v1/briefings/render?{query}", **headers(org.admin))
    assert 400 <= answer.status_code < 500
    assert field in answer.json()["error"]["fields"]


def test_send_now_is_idempotent_with_a_key_and_deliberate_without(org, briefings, client, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    director = org.a.user("regional_director")
    director.email = "director-a@example.cn"
    director.save(update_fields=["email"])
    url = f"/api/v1/briefings/{briefings['a'].pk}/send"
    key = {"HTTP_IDEMPOTENCY_KEY": "send-1"}

    auth = headers(director)
    first = post_json(client, url, {}, **auth, **key)
    replay = post_json(client, url, {}, **auth, **key)
    deliver_pending()

    assert first.status_code == replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert [d["round"] for d in first.json()["deliveries"]] == [1]
    assert list(BriefingDelivery.objects.values_list("round", "status")) == [(1, "sent")]

    again = post_json(client, url, {}, **auth)
    deliver_pending()
    assert again.status_code == 200
    assert list(BriefingDelivery.objects.order_by("round").values_list("round", "status")) == [(1, "sent"), (2, "sent")]


def test_only_an_admin_or_the_director_sends(org, briefings, client):
    manager = org.a.user("sales_manager")
    answer = post_json(client, f"/api/v1/briefings/{briefings['a'].pk}/send", {}, **headers(manager))
    assert answer.status_code == 403
    assert BriefingDelivery.objects.count() == 0


def test_send_region_briefing_prepares_it_and_refuses_today(org, client):
    admin = headers(org.admin)
    created = post_json(client, "/api/v1/briefings/send", {"region_id": org.a.region.pk, "date": str(DAY)}, **admin)
    assert created.status_code == 200 and created.json()["date"] == str(DAY)
    today = post_json(client, "/api/v1/briefings/send", {"region_id": org.a.region.pk, "date": "2999-01-01"}, **admin)
    assert today.status_code == 422 and "date" in today.json()["error"]["fields"]
    assert Briefing.objects.count() == 1


def test_targets_are_set_by_an_admin_and_read_within_scope(org, client):
    body = {"region_id": org.a.region.pk, "month": "2026-11-18", "orders_amount": "20000.00", "revenue_amount": "5000"}
    created = post_json(client, "/api/v1/sales-targets", body, **headers(org.admin))
    assert created.status_code == 201
    assert created.json()["month"] == "2026-11-01" and created.json()["orders_amount"] == "20000.00"
    target_id = created.json()["id"]

    duplicate = post_json(client, "/api/v1/sales-targets", body, **headers(org.admin))
    assert duplicate.status_code == 422 and list(duplicate.json()["error"]["fields"]) == ["month"]
    patched = client.patch(
        f"/api/v1/sales-targets/{target_id}",
        {"revenue_amount": "6000.00"},
        content_type="application/json",
        **headers(org.admin),
    )
    assert patched.status_code == 200 and patched.json()["revenue_amount"] == "6000.00"

    director_b = org.b.user("regional_director")
    assert client.get(f"/api/v1/sales-targets/{target_id}", **headers(director_b)).status_code == 404
    assert client.get("/api/v1/sales-targets", **headers(director_b)).json()["count"] == 0
    director_a = org.a.user("regional_director")
    assert client.get("/api/v1/sales-targets", **headers(director_a)).json()["count"] == 1
    refused = post_json(client, "/api/v1/sales-targets", {**body, "month": "2026-12-01"}, **headers(director_a))
    assert refused.status_code == 403
    assert SalesTarget.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"orders_amount": "-1"}, "orders_amount"),
        ({"revenue_amount": "1.005"}, "revenue_amount"),
        ({"month": "2026-02-30"}, "month"),
        ({"region_id": 999999}, "region_id"),
        ({"month": "2026-11-01"}, "month"),  # already has one
    ],
)
def test_bad_targets_name_the_field_and_change_nothing(org, client, change, field):
    SalesTarget.objects.create(region=org.a.region, month="2026-11-01", orders_amount=1, revenue_amount=1)
    body = {"region_id": org.a.region.pk, "month": "2026-12-01", "orders_amount": "1.00", "revenue_amount": "1.00"}
    answer = post_json(client, "/api/v1/sales-targets", {**body, **change}, **headers(org.admin))
    assert 400 <= answer.status_code < 500
    assert field in answer.json()["error"]["fields"]
    assert SalesTarget.objects.count() == 1


def test_subscriptions_by_an_admin(org, client):
    finance = org.a.user("finance")
    body = {"region_id": org.a.region.pk, "user_id": finance.pk, "language": "en"}
    created = post_json(client, "/api/v1/briefing-subscriptions", body, **headers(org.admin))
    assert created.status_code == 201 and created.json()["language"] == "en"
    bad = post_json(client, "/api/v1/briefing-subscriptions", {**body, "language": "fr"}, **headers(org.admin))
    assert bad.status_code == 422 and "language" in bad.json()["error"]["fields"]
    refused = post_json(client, "/api/v1/briefing-subscriptions", body, **headers(org.a.user("regional_director")))
    assert refused.status_code == 403
    assert BriefingSubscription.objects.count() == 1
    listed = client.get("/api/v1/briefing-subscriptions", **headers(finance)).json()
    assert listed["count"] == 1
    deleted = client.delete(f"/api/v1/briefing-subscriptions/{created.json()['id']}", **headers(org.admin))
    assert deleted.status_code == 204 and BriefingSubscription.objects.count() == 0


def test_the_briefing_page_shows_the_charts_inline(org, briefings, client):
    client.force_login(org.a.user("regional_director"))
    page = client.get(f"/reporting/briefings/{briefings['a'].pk}/").content.decode()
    assert 'data-section="daily"' in page and 'src="data:image/png;base64,' in page
    assert 'data-testid="send-now"' in page
    workbook = client.get(f"/reporting/briefings/{briefings['a'].pk}/xlsx/")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
