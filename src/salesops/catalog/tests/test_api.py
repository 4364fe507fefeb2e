"""The catalog API: CRUD through actions, filters and ordering, idempotent creates, 4xx naming the field, costs
hidden from roles that may not see them, scopes, and prices resolved per customer."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from salesops.catalog.models import PriceList, Product, ProductLine
from salesops.catalog.tests.fixtures import make_product
from salesops.core.events import snapshot
from salesops.core.models import CustomFieldDefinition, Event
from salesops.testing.api import api_key_for, bearer, post_json


def patch_json(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def product_body(catalog, **overrides):
    return {
        "sku": "API-1",
        "name": "接口泵",
        "line_id": catalog.line.pk,
        "unit": "台",
        "list_price": "199.90",
        "standard_cost": "120.00",
        "tax_rate": "0.13",
        **overrides,
    }


@pytest.fixture
def admin_client(org, client_for):
    return client_for(org.admin)


def test_create_read_update_with_events(org, catalog, admin_client):
    created = post_json(admin_client, "/api/v1/products", product_body(catalog))
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("sku", "unit", "list_price", "standard_cost", "tax_rate", "is_active")} == {
        "sku": "API-1",
        "unit": "台",
        "list_price": "199.90",
        "standard_cost": "120.00",
        "tax_rate": "0.1300",
        "is_active": True,
    }
    assert body["line"] == {"id": catalog.line.pk, "code": "pumps", "name": "工业泵"}
    url = f"/api/v1/products/{body['id']}"

    assert admin_client.get(url).json() == body
    patched = patch_json(admin_client, url, {"list_price": "209.9", "is_active": False})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["list_price"], patched.json()["is_active"]) == ("209.90", False)
    timeline = admin_client.get(f"{url}/events").json()
    assert [e["type"] for e in timeline] == ["product.updated", "product.created"]
    assert timeline[0]["payload"] == {
        "before": {"is_active": True, "list_price": "199.90"},
        "after": {"is_active": False, "list_price": "209.90"},
    }


def test_product_lines_list_read_create(org, catalog, admin_client):
    created = post_json(admin_client, "/api/v1/product-lines", {"code": "valves", "name": "阀门"})
    assert created.status_code == 201, created.content
    listed = admin_client.get("/api/v1/product-lines?ordering=-code").json()
    assert [row["code"] for row in listed["results"]] == ["valves", "pumps"]
    assert admin_client.get(f"/api/v1/product-lines/{created.json()['id']}").json()["name"] == "阀门"
    duplicate = post_json(admin_client, "/api/v1/product-lines", {"code": "pumps", "name": "又一个"})
    assert duplicate.status_code == 422
    assert list(duplicate.json()["error"]["fields"]) == ["code"]


def test_idempotent_create_replays_and_refuses_another_body(org, catalog, admin_client):
    first = post_json(admin_client, "/api/v1/products", product_body(catalog), HTTP_IDEMPOTENCY_KEY="p-1")
    replay = post_json(admin_client, "/api/v1/products", product_body(catalog), HTTP_IDEMPOTENCY_KEY="p-1")
    other = post_json(admin_client, "/api/v1/products", product_body(catalog, sku="API-2"), HTTP_IDEMPOTENCY_KEY="p-1")

    assert first.status_code == replay.status_code == 201
    assert replay.content == first.content
    assert replay["Idempotent-Replayed"] == "true"
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Product.objects.filter(sku__startswith="API-").count() == 1
    assert Event.objects.filter(type="product.created", subject_id=str(first.json()["id"])).count() == 1


def test_a_failed_create_does_not_burn_the_key(org, catalog, admin_client):
    bad = post_json(admin_client, "/api/v1/products", product_body(catalog, list_price="-1"), HTTP_IDEMPOTENCY_KEY="k")
    good = post_json(admin_client, "/api/v1/products", product_body(catalog), HTTP_IDEMPOTENCY_KEY="k")
    assert (bad.status_code, good.status_code) == (422, 201)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "P-100"}, "sku"),
        ({"name": ""}, "name"),
        ({"line_id": 999999}, "line_id"),
        ({"line_id": "pumps"}, "line_id"),
        ({"list_price": "-1"}, "list_price"),
        ({"list_price": "12.345"}, "list_price"),
        ({"list_price": "1e40"}, "list_price"),
        ({"list_price": "abc"}, "list_price"),
        ({"standard_cost": None}, "standard_cost"),
        ({"tax_rate": "1.5"}, "tax_rate"),
        ({"tax_rate": "0.00001"}, "tax_rate"),
        ({"custom_fields": {"nope": 1}}, "custom_fields.nope"),
    ],
)
def test_bad_product_is_422_naming_the_field_and_changes_nothing(org, catalog, admin_client, overrides, field):
    before = Product.objects.count(), Event.objects.count()
    response = post_json(admin_client, "/api/v1/products", product_body(catalog, **overrides))
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "validation_error"
    assert field in response.json()["error"]["fields"]
    assert (Product.objects.count(), Event.objects.count()) == before


def test_bad_patch_is_422_and_changes_nothing(org, catalog, admin_client):
    before = snapshot(catalog.pump)
    response = patch_json(admin_client, f"/api/v1/products/{catalog.pump.pk}", {"sku": "V-200", "tax_rate": "-1"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"sku", "tax_rate"}
    catalog.pump.refresh_from_db()
    assert snapshot(catalog.pump) == before


def test_list_filters_and_orders(org, catalog, admin_client):
    CustomFieldDefinition.objects.create(
        model="catalog.product", name="tier", label="档次", field_type="choice", choices=["A", "B"]
    )
    make_product(org.admin, catalog.line, "T-1", list_price="500.00", custom_fields={"tier": "A"})

    def skus(query):
        response = admin_client.get(f"/api/v1/products?{query}")
        assert response.status_code == 200, response.content
        return [row["sku"] for row in response.json()["results"]]

    assert skus("") == ["P-100", "R-300", "T-1", "V-200"]
    assert skus("q=泵") == ["P-100"]
    assert skus("q=v-2") == ["V-200"]
    assert skus("is_active=false") == ["R-300"]
    assert skus(f"line_id={catalog.line.pk}&is_active=true&ordering=-list_price") == ["P-100", "T-1", "V-200"]
    assert skus("list_price_min=100&list_price_max=500.00") == ["R-300", "T-1"]
    assert skus("cf_tier=A") == ["T-1"]
    assert skus("ordering=-is_active,-sku&limit=2&offset=1") == ["T-1", "P-100"]
    for query, field in (
        ("ordering=standard_cost", "ordering"),
        ("cf_nope=1", "cf_nope"),
        ("list_price_min=-1", "list_price_min"),
        ("list_price_max=1.001", "list_price_max"),
        ("line_id=0", "line_id"),
    ):
        response = admin_client.get(f"/api/v1/products?{query}")
        assert response.status_code == 400, query
        assert field in response.json()["error"]["fields"]


def test_list_query_count_does_not_grow_with_rows(org, catalog, admin_client, django_assert_max_num_queries):
    for n in range(25):
        make_product(org.admin, catalog.line, f"N-{n:02d}")
    with django_assert_max_num_queries(8):
        assert admin_client.get("/api/v1/products?limit=100").json()["count"] == 28


@pytest.mark.parametrize(
    ("role", "sees_cost"),
    [
        ("sales_rep", False),
        ("warehouse", False),
        ("dealer", False),
        ("finance", True),
        ("sales_manager", True),
        ("regional_director", True),
    ],
)
def test_standard_cost_is_null_for_roles_that_may_not_see_costs(org, catalog, client_for, role, sees_cost):
    client = client_for(org.a.user(role))
    read = client.get(f"/api/v1/products/{catalog.valve.pk}").json()
    listed = client.get("/api/v1/products").json()["results"]
    csv_text = b"".join(client.get("/api/v1/products/export.csv").streaming_content).decode("utf-8-sig")

    expected = "41.25" if sees_cost else None
    assert read["standard_cost"] == expected
    assert {row["standard_cost"] for row in listed} == ({"60.00", "41.25"} if sees_cost else {None})
    assert ("standard_cost" in csv_text.splitlines()[0]) is sees_cost
    assert ("41.25" in csv_text) is sees_cost


def test_csv_export_uses_the_filters(org, catalog, admin_client):
    response = admin_client.get("/api/v1/products/export.csv?is_active=true&ordering=-sku")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "id,sku,name,line,unit,list_price,standard_cost,tax_rate,is_active,created_at"
    assert [line.split(",")[1] for line in lines[1:]] == ["V-200", "P-100"]


def test_a_supplier_sees_no_catalog(org, catalog, client_for):
    client = client_for(org.a.user("supplier"))
    assert client.get("/api/v1/products").json()["count"] == 0
    assert client.get("/api/v1/product-lines").json()["count"] == 0
    assert client.get("/api/v1/price-lists").json()["count"] == 0
    assert client.get("/api/v1/discount-limits").json()["count"] == 0
    for url in (
        f"/api/v1/products/{catalog.pump.pk}",
        f"/api/v1/products/{catalog.pump.pk}/price",
        f"/api/v1/price-lists/{catalog.vip_list.pk}",
        f"/api/v1/product-lines/{catalog.line.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"


def test_a_dealer_sees_only_active_products(org, catalog, client_for):
    client = client_for(org.a.user("dealer"))
    listed = client.get("/api/v1/products?limit=500").json()["results"]
    assert [row["sku"] for row in listed] == ["P-100", "V-200"]
    assert client.get(f"/api/v1/products/{catalog.retired.pk}").status_code == 404
    assert client.get(f"/api/v1/products/{catalog.pump.pk}").status_code == 200


def test_a_dealer_reads_a_price_list_without_inactive_products(org, catalog, client_for):
    from salesops.catalog import actions

    org.a.customer.group = catalog.vip  # the dealer's own account is in the group
    org.a.customer.save()
    actions.update_price_list(
        catalog.vip_list, actor=org.admin, items=[{"product": catalog.retired, "unit_price": "1.00"}]
    )
    dealer = client_for(org.a.user("dealer")).get(f"/api/v1/price-lists/{catalog.vip_list.pk}").json()
    admin = client_for(org.admin).get(f"/api/v1/price-lists/{catalog.vip_list.pk}").json()
    assert [item["product"]["sku"] for item in dealer["items"]] == ["P-100", "V-200"]
    assert [item["product"]["sku"] for item in admin["items"]] == ["P-100", "R-300", "V-200"]


@pytest.mark.parametrize("role", ["sales_rep", "finance", "dealer", "regional_director"])
def test_roles_other_than_admin_may_not_write(org, catalog, client_for, role):
    client = client_for(org.a.user(role))
    before = Product.objects.count(), PriceList.objects.count(), snapshot(catalog.pump)

    created = post_json(client, "/api/v1/products", product_body(catalog))
    patched = patch_json(client, f"/api/v1/products/{catalog.pump.pk}", {"list_price": "1"})
    listed = post_json(client, "/api/v1/price-lists", {"name": "x", "valid_from": "2026-01-01"})

    assert [created.status_code, patched.status_code, listed.status_code] == [403, 403, 403]
    assert created.json()["error"]["code"] == "forbidden"
    catalog.pump.refresh_from_db()
    assert (Product.objects.count(), PriceList.objects.count(), snapshot(catalog.pump)) == before


def test_api_keys_need_the_catalog_scope(org, catalog):
    client = Client()
    customers_only = bearer(api_key_for(org.admin, scopes=["customers:read"]))
    read_only = bearer(api_key_for(org.admin, scopes=["catalog:read"]))
    writer = bearer(api_key_for(org.admin, scopes=["catalog:write"]))

    denied = client.get(f"/api/v1/products/{catalog.pump.pk}", **customers_only)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/price-lists", **customers_only).status_code == 403
    assert client.get("/api/v1/products", **read_only).status_code == 200
    refused = post_json(client, "/api/v1/products", product_body(catalog), **read_only)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "insufficient_scope")
    assert post_json(client, "/api/v1/products", product_body(catalog), **writer).status_code == 201
    assert client.get("/api/v1/products", **writer).status_code == 200  # write implies read


def test_price_for_a_customer(org, catalog, vip_customer, admin_client):
    url = f"/api/v1/products/{catalog.pump.pk}/price"

    vip = admin_client.get(f"{url}?customer_id={vip_customer.pk}&on=2026-06-01").json()
    plain = admin_client.get(f"{url}?customer_id={org.b.customer.pk}&on=2026-06-01").json()
    early = admin_client.get(f"{url}?customer_id={vip_customer.pk}&on=2025-06-01").json()
    anonymous = admin_client.get(f"{url}?on=2026-06-01").json()

    assert vip == {
        "product_id": catalog.pump.pk,
        "customer_id": vip_customer.pk,
        "on": "2026-06-01",
        "unit_price": "1080.00",
        "source": "customer_group",
        "price_list": {
            "id": catalog.vip_list.pk,
            "name": "2026 大客户价",
            "customer_group": {"id": catalog.vip.pk, "code": "vip", "name": "大客户"},
        },
    }
    assert (plain["unit_price"], plain["source"], plain["price_list"]["id"]) == (
        "1150.00",
        "default",
        catalog.default_list.pk,
    )
    assert (early["unit_price"], early["source"], early["price_list"]) == ("1200.00", "list_price", None)
    assert (anonymous["unit_price"], anonymous["customer_id"]) == ("1150.00", None)


def test_price_respects_the_customers_scope(org, catalog, vip_customer, client_for):
    rep_b = client_for(org.b.user("sales_rep"))
    hidden = rep_b.get(f"/api/v1/products/{catalog.pump.pk}/price?customer_id={vip_customer.pk}")
    own = rep_b.get(f"/api/v1/products/{catalog.pump.pk}/price?customer_id={org.b.customer.pk}")
    assert hidden.status_code == 404
    assert (own.status_code, own.json()["unit_price"]) == (200, "1150.00")


def test_pricing_a_customer_with_a_key_needs_the_customers_scope(org, catalog, vip_customer):
    client = Client()
    url = f"/api/v1/products/{catalog.pump.pk}/price"
    catalog_only = bearer(api_key_for(org.admin, scopes=["catalog:read"]))
    both = bearer(api_key_for(org.admin, scopes=["catalog:read", "customers:read"]))

    assert client.get(url, **catalog_only).status_code == 200
    assert client.get(f"{url}?customer_id={vip_customer.pk}", **catalog_only).status_code == 403
    assert client.get(f"{url}?customer_id={vip_customer.pk}", **both).json()["unit_price"] == "1080.00"


def test_create_read_and_patch_a_price_list(org, catalog, admin_client):
    created = post_json(
        admin_client,
        "/api/v1/price-lists",
        {
            "name": "Q3 大客户促销",
            "customer_group_id": catalog.vip.pk,
            "valid_from": "2026-07-01",
            "valid_to": "2026-09-30",
            "items": [{"product_id": catalog.valve.pk, "unit_price": "66.60"}],
        },
        HTTP_IDEMPOTENCY_KEY="pl-1",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["items"] == [
        {"product": {"id": catalog.valve.pk, "sku": "V-200", "name": "球阀"}, "unit_price": "66.60"}
    ]
    url = f"/api/v1/price-lists/{body['id']}"
    assert admin_client.get(url).json() == body

    patched = patch_json(
        admin_client,
        url,
        {
            "valid_to": None,
            "items": [{"product_id": catalog.pump.pk, "unit_price": "999"}],
            "remove_product_ids": [catalog.valve.pk],
        },
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["valid_to"] is None
    assert [(i["product"]["sku"], i["unit_price"]) for i in patched.json()["items"]] == [("P-100", "999.00")]
    events = admin_client.get(f"{url}/events").json()
    assert [e["type"] for e in events] == ["price_list.updated", "price_list.created"]
    assert events[0]["payload"]["after"] == {
        "valid_to": None,
        "items": {str(catalog.pump.pk): "999.00", str(catalog.valve.pk): None},
    }


def test_price_lists_filter(org, catalog, admin_client):
    def names(query):
        return [row["name"] for row in admin_client.get(f"/api/v1/price-lists?{query}").json()["results"]]

    assert names("ordering=name") == ["2026 大客户价", "2026 标准价"]
    assert names("is_default=true") == ["2026 标准价"]
    assert names(f"customer_group_id={catalog.vip.pk}") == ["2026 大客户价"]
    assert names("valid_on=2025-12-31") == []
    assert names("valid_on=2026-01-01&q=标准") == ["2026 标准价"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"valid_to": "2025-12-31"}, "valid_to"),
        ({"valid_from": "not a date"}, "valid_from"),
        ({"customer_group_id": 999999}, "customer_group_id"),
        ({"items": [{"product_id": 999999, "unit_price": "1"}]}, "items.0.product_id"),
        ({"items": [{"product_id": "PUMP", "unit_price": "1"}]}, "items.0.product_id"),
        ("negative", "items.0.unit_price"),
        ("duplicate", "items.1.product_id"),
    ],
)
def test_bad_price_list_is_422_naming_the_field_and_changes_nothing(org, catalog, admin_client, body, field):
    if body == "negative":
        body = {"items": [{"product_id": catalog.pump.pk, "unit_price": "-5"}]}
    elif body == "duplicate":
        body = {"items": [{"product_id": catalog.pump.pk, "unit_price": "5"}] * 2}
    before = PriceList.objects.count(), Event.objects.count()

    response = post_json(admin_client, "/api/v1/price-lists", {"name": "坏", "valid_from": "2026-01-01", **body})

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert (PriceList.objects.count(), Event.objects.count()) == before


def test_bad_price_list_patch_changes_nothing(org, catalog, admin_client):
    url = f"/api/v1/price-lists/{catalog.vip_list.pk}"
    before = list(catalog.vip_list.items.values_list("product_id", "unit_price"))
    for body, field in (
        ({"valid_to": "2025-01-01"}, "valid_to"),
        ({"remove_product_ids": [999999]}, "remove_product_ids.0"),
        ({"items": [{"product_id": catalog.pump.pk, "unit_price": "1.234"}]}, "items.0.unit_price"),
    ):
        response = patch_json(admin_client, url, body)
        assert response.status_code == 422, body
        assert field in response.json()["error"]["fields"]
    assert list(catalog.vip_list.items.values_list("product_id", "unit_price")) == before


def test_discount_limits_are_listed_for_internal_roles(org, catalog, client_for):
    from salesops.catalog import actions

    actions.set_discount_limit(actor=org.admin, role="sales_rep", max_discount_percent="5")
    actions.set_discount_limit(actor=org.admin, role="sales_manager", max_discount_percent="12.5")

    rows = client_for(org.a.user("sales_rep")).get("/api/v1/discount-limits").json()["results"]
    assert [(row["role"], row["max_discount_percent"]) for row in rows] == [
        ("sales_manager", "12.50"),
        ("sales_rep", "5.00"),
    ]
    assert client_for(org.a.user("dealer")).get("/api/v1/discount-limits").json()["count"] == 0


def test_ids_that_cannot_exist_are_404(org, catalog, admin_client):
    assert admin_client.get("/api/v1/products/abc").status_code == 404
    assert admin_client.get("/api/v1/price-lists/0").status_code == 404
    assert admin_client.get("/api/v1/product-lines/99999999").status_code == 404


def test_line_must_exist(org, catalog, admin_client):
    assert ProductLine.objects.count() == 1
    response = patch_json(admin_client, f"/api/v1/products/{catalog.pump.pk}", {"line_id": 424242})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["line_id"]
    assert Decimal(admin_client.get(f"/api/v1/products/{catalog.pump.pk}").json()["list_price"]) == Decimal("1200")


def test_the_event_timeline_hides_costs_from_a_rep(org, catalog, client_for):
    from salesops.catalog import actions

    actions.update_product(catalog.pump, actor=org.admin, changes={"standard_cost": "65", "list_price": "1300"})
    url = f"/api/v1/products/{catalog.pump.pk}/events"

    rep_events = client_for(org.a.user("sales_rep")).get(url).json()
    finance_events = client_for(org.a.user("finance")).get(url).json()

    assert rep_events[0]["payload"] == {"before": {"list_price": "1200.00"}, "after": {"list_price": "1300.00"}}
    assert "standard_cost" not in rep_events[1]["payload"]["after"]
    assert finance_events[0]["payload"]["after"] == {"list_price": "1300.00", "standard_cost": "65.00"}


def test_a_dealer_sees_default_prices_and_its_own_groups_not_other_groups(org, catalog, client_for):
    dealer = client_for(org.a.user("dealer"))
    assert dealer.get(f"/api/v1/price-lists/{catalog.vip_list.pk}").status_code == 404
    assert [row["id"] for row in dealer.get("/api/v1/price-lists").json()["results"]] == [catalog.default_list.pk]

    org.a.customer.group = catalog.vip
    org.a.customer.save()
    assert dealer.get(f"/api/v1/price-lists/{catalog.vip_list.pk}").status_code == 200
