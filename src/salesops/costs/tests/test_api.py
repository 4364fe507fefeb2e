"""API: create (idempotent), bad input names the field and changes nothing, roles, allocate, profitability."""

import json
from decimal import Decimal

import pytest

from salesops.core.models import Event
from salesops.costs.models import CostEntry, CostPool
from salesops.testing.api import post_json

ENTRY = {"kind": "logistics", "amount": "120.50", "date": "2026-02-01", "description": "顺丰月结"}


def snapshot():
    return (CostEntry.objects.count(), CostPool.objects.count(), Event.objects.count())


def test_create_is_idempotent(org, client_for):
    client = client_for(org.admin)
    body = {**ENTRY, "region_id": org.a.region.pk}
    first = post_json(client, "/api/v1/costs", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post_json(client, "/api/v1/costs", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["amount"] == "120.50"
    assert first.json()["region"] == {"id": org.a.region.pk, "name": "Region a"}
    assert CostEntry.objects.count() == 1
    assert Event.objects.filter(type="cost_entry.created").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"amount": "-1"}, "amount", 422),
        ({"amount": "1.001"}, "amount", 422),
        ({"kind": "bribes"}, "kind", 422),
        ({"date": "2026-02-30"}, "date", 422),
        ({"region_id": 999999}, "region_id", 422),
        ({"office_id": "office"}, "office_id", 422),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(org, client_for, change, field, status):
    before = snapshot()
    response = post_json(client_for(org.admin), "/api/v1/costs", {**ENTRY, **change})
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert snapshot() == before


def test_an_office_in_another_region_is_refused(org, client_for):
    before = snapshot()
    body = {**ENTRY, "region_id": org.a.region.pk, "office_id": org.b.office.pk}
    response = post_json(client_for(org.admin), "/api/v1/costs", body)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"office_id": ["该办事处不在所选大区内。"]}
    assert snapshot() == before


def test_finance_of_a_region_enters_costs_only_there(org, client_for):
    client = client_for(org.a.user("finance"))
    before = snapshot()
    response = post_json(client, "/api/v1/costs", {**ENTRY, "region_id": org.b.region.pk})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["region_id"]
    assert snapshot() == before
    assert post_json(client, "/api/v1/costs", {**ENTRY, "region_id": org.a.region.pk}).status_code == 201


@pytest.mark.parametrize("role", ["sales_rep", "warehouse", "regional_director", "dealer"])
def test_roles_that_may_not_enter_costs_get_403(org, client_for, role):
    before = snapshot()
    response = post_json(client_for(org.a.user(role)), "/api/v1/costs", {**ENTRY, "region_id": org.a.region.pk})
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(("role", "status"), [("sales_rep", 403), ("regional_director", 200), ("finance", 200)])
def test_who_reads_the_report(org, client_for, role, status):
    assert client_for(org.a.user(role)).get("/api/v1/profitability").status_code == status


def test_a_cost_of_region_b_is_a_404_for_region_a(org, client_for):
    entry = post_json(client_for(org.admin), "/api/v1/costs", {**ENTRY, "region_id": org.b.region.pk}).json()
    assert client_for(org.a.user("regional_director")).get(f"/api/v1/costs/{entry['id']}").status_code == 404
    assert client_for(org.b.user("regional_director")).get(f"/api/v1/costs/{entry['id']}").status_code == 200
    listed = client_for(org.a.user("finance")).get("/api/v1/costs").json()
    assert listed["count"] == 0


def test_pool_allocate_and_report(sales, client_for):
    org = sales.shop.org
    client = client_for(org.admin)
    pool = {
        "name": "Trade fair",
        "kind": "promotion",
        "period_start": "2000-01-01",
        "period_end": "2999-12-31",
        "total_amount": "99.99",
        "basis": "revenue",
        "dimension": "region",
    }
    created = post_json(client, "/api/v1/cost-pools", pool, HTTP_IDEMPOTENCY_KEY="pool-1")
    assert created.status_code == 201
    allocated = post_json(client, f"/api/v1/cost-pools/{created.json()['id']}/allocate", {})
    assert allocated.status_code == 200
    # 300 : 200 of 99.99 -> 59.994 and 39.996: the left-over cent goes to the larger remainder (b).
    amounts = sorted((entry["region"]["name"], entry["amount"]) for entry in allocated.json()["entries"])
    assert amounts == [("Region a", "59.99"), ("Region b", "40.00")]
    assert allocated.json()["allocated_amount"] == "99.99"
    report = client.get("/api/v1/profitability?group_by=region").json()
    assert report["group_by"] == ["region"]
    assert [
        (row["region"]["name"], row["revenue"], row["allocated_costs"], row["margin"]) for row in report["rows"]
    ] == [
        ("Region a", "300.00", "59.99", "90.01"),
        ("Region b", "200.00", "40.00", "60.00"),
    ]
    assert report["total"]["margin"] == "150.01"
    # By region and product line, the allocated costs (which have no product line) are each region's unattributed row.
    detailed = client.get("/api/v1/profitability?group_by=product_line,region").json()
    assert [(row["region"]["name"], row["product_line"]["id"] is None, row["costs"]) for row in detailed["rows"]] == [
        ("Region a", False, "0.00"),
        ("Region a", True, "59.99"),
        ("Region b", False, "0.00"),
        ("Region b", True, "40.00"),
    ]
    assert report["total"]["margin_percent"] == "30.00"


def test_bad_report_parameters_are_a_400(org, client_for):
    response = client_for(org.admin).get("/api/v1/profitability?group_by=colour")
    assert response.status_code == 400
    assert "group_by" in response.json()["error"]["fields"]


def test_the_openapi_schema_lists_the_costs_endpoints(org, client_for):
    paths = json.loads(client_for(org.admin).get("/api/v1/openapi.json").content)["paths"]
    for path in (
        "/api/v1/costs",
        "/api/v1/cost-pools",
        "/api/v1/cost-pools/{pool_id}/allocate",
        "/api/v1/profitability",
        "/api/v1/sales-ledger",
    ):
        assert path in paths


def test_decimal_amounts_survive(org, client_for):
    response = post_json(client_for(org.admin), "/api/v1/costs", {**ENTRY, "amount": 0.1})
    assert response.status_code == 201
    assert CostEntry.objects.get().amount == Decimal("0.10")
