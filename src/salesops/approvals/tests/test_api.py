"""/api/v1 approval policies (validate with positions, drafts, activation), requests (scoped), decisions and
delegations."""

import json

import pytest

from salesops.approvals.models import ApprovalPolicy, PolicyVersion, RequestStatus
from salesops.approvals.tests.helpers import MANAGER, request_of, rule, step, submit, use_policy
from salesops.core.events import snapshot
from salesops.orders.models import OrderStatus
from salesops.orders.tests.fixtures import reload
from salesops.testing.api import api_key_for, bearer, post_json

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def as_user(user):
    return {**bearer(api_key_for(user)), **EN}


def put_json(client, url, body, **headers):
    return client.put(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def orders_policy(db):
    return ApprovalPolicy.objects.get(subject_type="orders.salesorder")


def test_validate_reports_every_problem_with_its_position(client, org, orders_policy):
    document = {
        "rules": [
            {"name": "syntax", "condition": "order.total >", "steps": [{"name": "s", "approvers": [MANAGER]}]},
            {"name": "field", "condition": "order.totl > 5", "steps": [{"name": "s", "approvers": [MANAGER]}]},
            {"name": "type", "condition": "order.total > 'big'", "steps": [{"name": "s", "approvers": [MANAGER]}]},
            {
                "name": "nobody",
                "condition": "true",
                "steps": [{"name": "s", "approvers": [{"kind": "role", "value": "pope"}]}],
            },
        ]
    }
    response = post_json(
        client, f"/api/v1/approval-policies/{orders_policy.pk}/validate", {"document": document}, **as_user(org.admin)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    problems = {(p["field"], p["line"], p["column"]) for p in body["problems"]}
    assert ("rules.0.condition", 1, 14) in problems
    assert ("rules.1.condition", 1, 7) in problems
    assert any(field == "rules.2.condition" and line == 1 for field, line, _column in problems)
    assert ("rules.3.steps.0.approvers.0.value", None, None) in problems
    unknown = next(p for p in body["problems"] if p["field"] == "rules.1.condition")
    assert "total" in unknown["message"]  # did you mean
    assert "^" in unknown["pointer"]


def test_an_invalid_draft_is_refused_and_changes_nothing(client, org, orders_policy):
    before = list(PolicyVersion.objects.values_list("pk", "number", "status"))
    bad = {"rules": [{"name": "x", "condition": "order.total > ", "steps": [{"name": "s", "approvers": [MANAGER]}]}]}
    response = put_json(
        client, f"/api/v1/approval-policies/{orders_policy.pk}/draft", {"document": bad}, **as_user(org.admin)
    )
    assert response.status_code == 422
    assert "document.rules.0.condition" in response.json()["error"]["fields"]
    assert list(PolicyVersion.objects.values_list("pk", "number", "status")) == before


def test_draft_then_activate_and_requests_keep_their_version(client, shop, orders_policy):
    org = shop.org
    headers = as_user(org.admin)
    good = {"rules": [rule("All", "order.total > 0", step("Manager", MANAGER))]}
    response = put_json(
        client, f"/api/v1/approval-policies/{orders_policy.pk}/draft", {"document": good, "note": "v2"}, **headers
    )
    assert response.status_code == 200, response.content
    draft = response.json()
    assert (draft["status"], draft["number"]) == ("draft", 2)
    rep_headers = as_user(org.a.user("sales_rep"))
    assert (
        put_json(
            client, f"/api/v1/approval-policies/{orders_policy.pk}/draft", {"document": good}, **rep_headers
        ).status_code
        == 403
    )
    assert post_json(client, f"/api/v1/policy-versions/{draft['id']}/activate", {}, **rep_headers).status_code == 403
    old_version = orders_policy.active_version_id
    waiting = submit(shop, quantity="5000")  # routed by version 1 (large order)
    response = post_json(client, f"/api/v1/policy-versions/{draft['id']}/activate", {}, **headers)
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert PolicyVersion.objects.get(pk=old_version).status == "retired"
    assert request_of(waiting).policy_version_id == old_version
    assert request_of(submit(shop)).policy_version_id == draft["id"]
    fields = client.get(f"/api/v1/approval-policies/{orders_policy.pk}/fields", **headers).json()
    assert {"path": "order.total", "type": "decimal"} in fields


def test_requests_are_listed_to_their_submitter_and_approvers_only(client, shop):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER)))
    request = request_of(submit(shop))
    for user, seen in (
        (org.a.user("sales_rep"), True),
        (org.a.user("sales_manager"), True),
        (org.admin, True),
        (org.b.user("sales_manager"), False),
        (org.a.user("finance"), False),
        (org.a.user("dealer"), False),
    ):
        listed = client.get("/api/v1/approval-requests", **as_user(user)).json()["results"]
        assert ([r["id"] for r in listed] == [request.pk]) is seen, user
        assert client.get(f"/api/v1/approval-requests/{request.pk}", **as_user(user)).status_code == (
            200 if seen else 404
        )
    awaiting = client.get("/api/v1/approval-requests?awaiting_me=true", **as_user(org.a.user("sales_rep"))).json()
    assert awaiting["count"] == 0


def test_decide_through_the_api(client, shop):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER)))
    order = submit(shop)
    request = request_of(order)
    url = f"/api/v1/approval-requests/{request.pk}/decide"
    rep = as_user(org.a.user("sales_rep"))
    assert post_json(client, url, {"decision": "approve"}, **rep).status_code == 422  # not the rep's to decide
    manager = as_user(org.a.user("sales_manager"))
    before = snapshot(request)
    response = post_json(client, url, {"decision": "reject"}, **manager)
    assert response.status_code == 422
    assert "comment" in response.json()["error"]["fields"]
    request.refresh_from_db()
    assert snapshot(request) == before
    response = post_json(client, url, {"decision": "approve", "comment": "同意"}, **manager)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == RequestStatus.APPROVED
    assert body["steps"][0]["tasks"][0]["comment"] == "同意"
    assert reload(order).status == OrderStatus.CONFIRMED


def test_withdraw_and_reassign_through_the_api(client, shop):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER)))
    first = request_of(submit(shop))
    response = post_json(
        client, f"/api/v1/approval-requests/{first.pk}/withdraw", {}, **as_user(org.a.user("sales_rep"))
    )
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")
    second = request_of(submit(shop))
    task = second.tasks.get()
    body = {"task_id": task.pk, "to_user_id": org.a.user("regional_director").pk, "comment": "休假"}
    assert (
        post_json(
            client, f"/api/v1/approval-requests/{second.pk}/reassign", body, **as_user(org.a.user("sales_manager"))
        ).status_code
        == 403
    )
    response = post_json(client, f"/api/v1/approval-requests/{second.pk}/reassign", body, **as_user(org.admin))
    assert response.status_code == 200
    approvers = [t["approver"]["username"] for t in response.json()["steps"][0]["tasks"] if t["status"] == "pending"]
    assert approvers == ["regional_director_a"]


def test_delegations_through_the_api(client, org):
    manager = org.a.user("sales_manager")
    headers = as_user(manager)
    body = {"delegate_id": org.a.user("regional_director").pk, "starts_on": "2026-12-01", "ends_on": "2026-11-30"}
    response = post_json(client, "/api/v1/approval-requests/delegations", body, **headers)
    assert response.status_code == 422
    assert "ends_on" in response.json()["error"]["fields"]
    body["ends_on"] = "2026-12-31"
    response = post_json(client, "/api/v1/approval-requests/delegations", body, **headers, HTTP_IDEMPOTENCY_KEY="d-1")
    assert response.status_code == 201
    delegation = response.json()
    again = post_json(client, "/api/v1/approval-requests/delegations", body, **headers, HTTP_IDEMPOTENCY_KEY="d-1")
    assert again.json()["id"] == delegation["id"]
    listed = client.get("/api/v1/approval-requests/delegations", **as_user(org.a.user("regional_director"))).json()
    assert [d["id"] for d in listed["results"]] == [delegation["id"]]
    ended = post_json(client, f"/api/v1/approval-requests/delegations/{delegation['id']}/end", {}, **as_user(manager))
    assert ended.json()["is_active"] is False


def test_simulate_and_analytics_through_the_api(client, shop, orders_policy):
    org = shop.org
    submit(shop, quantity="1800")
    headers = as_user(org.admin)
    body = {
        "start": "2026-01-01",
        "end": "2026-12-31",
        "document": {"rules": [rule("All", "order.total > 0", step("Boss", MANAGER))]},
    }
    response = post_json(client, f"/api/v1/approval-policies/{orders_policy.pk}/simulate", body, **headers)
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["documents"], report["outcomes"]["route"]) == (1, 1)
    assert report["compared_with"]["rules"] == [{"name": "大额订单", "caught": 1, "share": 1.0}]
    bad = post_json(
        client, f"/api/v1/approval-policies/{orders_policy.pk}/simulate", {**body, "end": "2025-01-01"}, **headers
    )
    assert bad.status_code == 422 and "end" in bad.json()["error"]["fields"]
    analytics = client.get("/api/v1/approval-analytics", **headers).json()
    assert analytics["queue"] == [
        {
            "user_id": org.a.user("sales_manager").pk,
            "username": "sales_manager_a",
            "name": "sales_manager_a",
            "pending": 1,
            "oldest_since": analytics["queue"][0]["oldest_since"],
        }
    ]
    assert client.get("/api/v1/approval-analytics?start=2026-12-01&end=2026-01-01", **headers).status_code == 400


def test_analytics_at_the_ends_of_the_calendar(client, org):
    headers = as_user(org.admin)
    for query in ("end=0001-01-01", "start=9999-12-01&end=9999-12-31", "end=0001-02-01"):
        response = client.get(f"/api/v1/approval-analytics?{query}", **headers)
        assert response.status_code == 200, (query, response.content)
        assert response.json()["queue"] == []
