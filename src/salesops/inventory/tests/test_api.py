"""The stock API: reading levels and the ledger, receipts and adjustments, scopes and bad input."""

import pytest
from django.test import Client

from salesops.inventory.models import StockLevel
from salesops.testing.api import api_key_for, bearer, post_json
from salesops.testing.stock import make_product, make_warehouse


@pytest.fixture
def setup(org):
    return make_product(), make_warehouse(org.a.region)


def test_warehouse_staff_receive_and_adjust_and_everyone_internal_reads(org, client_for, setup):
    product, warehouse = setup
    keeper = client_for(org.a.user("warehouse"))

    received = post_json(
        keeper,
        "/api/v1/stock/receipts",
        {"product_id": product.pk, "warehouse_id": warehouse.pk, "quantity": "12.5", "note": "送货单 A-1"},
    )
    adjusted = post_json(
        keeper,
        "/api/v1/stock/adjustments",
        {"product_id": product.pk, "warehouse_id": warehouse.pk, "change": -2.5, "reason": "盘点"},
    )
    rep = Client()
    rep.force_login(org.b.user("sales_rep"))
    listed = rep.get("/api/v1/stock?q=P-001").json()
    ledger = rep.get(f"/api/v1/stock/movements?product_id={product.pk}&ordering=created_at").json()

    assert received.status_code == 201, received.content
    assert received.json()["available"] == "12.500"
    assert adjusted.json()["on_hand"] == "10.000"
    assert [row["available"] for row in listed["results"]] == ["10.000"]
    assert [(row["kind"], row["on_hand_change"]) for row in ledger["results"]] == [
        ("receipt", "12.500"),
        ("adjustment", "-2.500"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "1.2345"}, "quantity"),
        ({"quantity": "lots"}, "quantity"),
        ({"product_id": 999999}, "product_id"),
        ({"warehouse_id": 999999}, "warehouse_id"),
    ],
)
def test_bad_receipts_name_the_field_and_change_nothing(org, client_for, setup, body, field):
    product, warehouse = setup
    payload = {"product_id": product.pk, "warehouse_id": warehouse.pk, "quantity": "1", **body}
    response = post_json(client_for(org.a.user("warehouse")), "/api/v1/stock/receipts", payload)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not StockLevel.objects.filter(on_hand__gt=0).exists()


def test_an_adjustment_needs_a_reason_and_cannot_go_below_reserved(org, client_for, setup):
    product, warehouse = setup
    keeper = client_for(org.a.user("warehouse"))
    base = {"product_id": product.pk, "warehouse_id": warehouse.pk}
    no_reason = post_json(keeper, "/api/v1/stock/adjustments", {**base, "change": "1", "reason": ""})
    too_far = post_json(keeper, "/api/v1/stock/adjustments", {**base, "change": "-1", "reason": "count"})
    assert no_reason.status_code == too_far.status_code == 422
    assert "reason" in no_reason.json()["error"]["fields"]
    assert "change" in too_far.json()["error"]["fields"]


@pytest.mark.parametrize("role", ["sales_rep", "finance", "sales_manager"])
def test_other_roles_may_not_change_stock(org, client_for, setup, role):
    product, warehouse = setup
    response = post_json(
        client_for(org.a.user(role)),
        "/api/v1/stock/receipts",
        {"product_id": product.pk, "warehouse_id": warehouse.pk, "quantity": "5"},
    )
    assert response.status_code == 403
    assert not StockLevel.objects.exists()


@pytest.mark.parametrize("role", ["dealer", "supplier"])
def test_portal_users_see_no_stock(org, client_for, setup, role):
    product, warehouse = setup
    level = StockLevel.objects.create(product=product, warehouse=warehouse)
    client = client_for(org.a.user(role))
    assert client.get("/api/v1/stock").json()["count"] == 0
    assert client.get("/api/v1/warehouses").json()["count"] == 0
    assert client.get(f"/api/v1/stock/{level.pk}").status_code == 404


def test_a_read_only_key_cannot_receive(org, setup):
    product, warehouse = setup
    secret = api_key_for(org.a.user("warehouse"), scopes=["stock:read"])
    response = post_json(
        Client(),
        "/api/v1/stock/receipts",
        {"product_id": product.pk, "warehouse_id": warehouse.pk, "quantity": "5"},
        **bearer(secret),
    )
    assert response.status_code == 403


def test_a_retried_receipt_is_applied_once(org, client_for, setup):
    product, warehouse = setup
    keeper = client_for(org.a.user("warehouse"))
    body = {"product_id": product.pk, "warehouse_id": warehouse.pk, "quantity": "5"}
    first = post_json(keeper, "/api/v1/stock/receipts", body, HTTP_IDEMPOTENCY_KEY="gr-1")
    second = post_json(keeper, "/api/v1/stock/receipts", body, HTTP_IDEMPOTENCY_KEY="gr-1")
    assert first.json() == second.json()
    assert StockLevel.objects.get().on_hand == 5


def test_below_safety_filter_and_csv(org, client_for, setup):
    from decimal import Decimal

    from salesops.inventory.models import SafetyStock

    product, warehouse = setup
    StockLevel.objects.create(product=product, warehouse=warehouse, on_hand=Decimal(3))
    SafetyStock.objects.create(product=product, warehouse=warehouse, minimum=Decimal(5))
    client = client_for(org.a.user("sales_rep"))
    assert client.get("/api/v1/stock?below_safety=true").json()["count"] == 1
    assert client.get("/api/v1/stock?below_safety=false").json()["count"] == 0
    text = b"".join(client.get("/api/v1/stock/export.csv").streaming_content).decode("utf-8-sig")
    assert "P-001" in text and ",3.000,0.000,3.000,5.000" in text
