import datetime
from decimal import Decimal

from salesops.core import clock
from salesops.core.dispatch import deliver_pending
from salesops.core.models import Event
from salesops.reporting.models import Alert, AlertRule, StageTarget
from salesops.reporting.tests.fixtures import TODAY, at, record_today
from salesops.testing.api import api_key_for, bearer, post_json

RULE = {
    "name": "合同归档延迟率",
    "stage": "contract_archiving",
    "metric": "delay_rate",
    "per": "region",
    "condition": "above",
    "threshold": "0.15",
    "min_volume": 5,
}


def test_create_rule_validates_and_is_idempotent(archiving, org, client):
    headers = bearer(api_key_for(org.admin))
    bad = post_json(client, "/api/v1/alert-rules", RULE | {"threshold": "15"}, **headers)
    assert bad.status_code == 422 and "threshold" in bad.json()["error"]["fields"]
    assert not AlertRule.objects.exists()
    first = post_json(client, "/api/v1/alert-rules", RULE, HTTP_IDEMPOTENCY_KEY="rule-1", **headers)
    again = post_json(client, "/api/v1/alert-rules", RULE, HTTP_IDEMPOTENCY_KEY="rule-1", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and AlertRule.objects.count() == 1
    assert Decimal(first.json()["threshold"]) == Decimal("0.15")
    rep = post_json(client, "/api/v1/alert-rules", RULE, **bearer(api_key_for(org.a.user("sales_rep"))))
    assert rep.status_code == 403


def test_alerts_are_listed_per_region_and_move_through_their_lifecycle(archiving, org, client, client_for):
    post_json(client, "/api/v1/alert-rules", RULE, **bearer(api_key_for(org.admin)))
    record_today(org.a.region, 10, 5)
    with clock.simulated(at(TODAY, 18, 1)):
        deliver_pending()
    alert = Alert.objects.get()
    director_a = bearer(api_key_for(org.a.user("regional_director")))
    listed = client.get("/api/v1/alerts", **director_a).json()
    assert [row["id"] for row in listed["results"]] == [alert.pk]
    assert listed["results"][0]["documents_url"].startswith("/reporting/documents/?stage=contract_archiving")
    director_b = bearer(api_key_for(org.b.user("regional_director")))
    assert client.get("/api/v1/alerts", **director_b).json()["count"] == 0
    assert client.get(f"/api/v1/alerts/{alert.pk}", **director_b).status_code == 404
    acked = post_json(client, f"/api/v1/alerts/{alert.pk}/acknowledge", {"comment": "跟进中"}, **director_a)
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    resolved = post_json(client, f"/api/v1/alerts/{alert.pk}/resolve", {}, **director_a)
    assert resolved.json()["status"] == "resolved"
    again = post_json(client, f"/api/v1/alerts/{alert.pk}/acknowledge", {}, **director_a)
    assert again.status_code == 422 and "status" in again.json()["error"]["fields"]
    page = client_for(org.a.user("regional_director")).get(f"/reporting/alerts/{alert.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="visit"') == 5  # the five late contracts
    assert client_for(org.b.user("regional_director")).get(f"/reporting/alerts/{alert.pk}/").status_code == 404


def test_alert_pages_acknowledge_and_resolve(archiving, org, client_for):
    AlertRule.objects.create(owner=org.admin, **(RULE | {"threshold": Decimal("0.15")}))
    record_today(org.a.region, 10, 5)
    with clock.simulated(at(TODAY, 18, 1)):
        deliver_pending()
    alert = Alert.objects.get()
    client = client_for(org.a.user("regional_director"))
    assert client.get("/reporting/alerts/").content.decode().count('data-testid="alert"') == 1
    client.post(f"/reporting/alerts/{alert.pk}/", {"to": "acknowledged", "comment": "看一下"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == org.a.user("regional_director")
    client.post(f"/reporting/alerts/{alert.pk}/", {"to": "resolved"})
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert client.get("/reporting/alerts/").content.decode().count('data-testid="alert"') == 0
    assert datetime.date(2026, 6, 17) == alert.day


def test_administrators_write_alert_rules_in_the_back_office(org, client_for):
    client = client_for(org.admin)
    form = {
        "name": "发货延迟率",
        "stage": "shipment",
        "metric": "delay_rate",
        "per": "region",
        "condition": "above",
        "threshold": "1.5",
        "deviations": "3",
        "history_weeks": "8",
        "min_volume": "20",
        "owner": org.admin.pk,
        "is_active": "on",
    }
    refused = client.post("/admin/reporting/alertrule/add/", form)
    assert refused.status_code == 200 and "0.15" in refused.content.decode()  # the delay-rate message
    assert not AlertRule.objects.exists()
    client.post("/admin/reporting/alertrule/add/", form | {"threshold": "0.15"})
    rule = AlertRule.objects.get()
    assert rule.threshold == Decimal("0.15") and rule.owner == org.admin
    assert Event.objects.filter(type="alert_rule.created", subject_id=str(rule.pk)).count() == 1
    client.post("/admin/reporting/stagetarget/add/", {"stage": "shipment", "target_hours": "48"})
    assert StageTarget.objects.get(stage="shipment").target_hours == 48
