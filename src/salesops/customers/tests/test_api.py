"""The customers API: CRUD through actions, listing conventions, error envelope and the OpenAPI schema."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesops.core.models import Event
from salesops.customers.credit_code import complete_credit_code
from salesops.customers.models import Customer
from salesops.testing.api import post_json
from salesops.testing.org import credit_code


@pytest.fixture
def rep_client(org, client_for):
    return client_for(org.a.user("sales_rep"))


def test_create_read_update_delete_with_events(org, rep_client):
    code = credit_code()
    created = post_json(
        rep_client,
        "/api/v1/customers",
        {"name": "杭州新材料有限公司", "credit_code": code.lower(), "office_id": org.a.office.pk},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["credit_code"] == code
    assert body["owner"]["username"] == "sales_rep_a"
    assert body["region"] == {"id": org.a.region.pk, "name": "Region a"}
    url = f"/api/v1/customers/{body['id']}"

    assert rep_client.get(url).json()["name"] == "杭州新材料有限公司"
    patched = rep_client.patch(url, json.dumps({"status": "inactive"}), content_type="application/json")
    assert patched.json()["status"] == "inactive"
    timeline = rep_client.get(f"{url}/events").json()
    assert [e["type"] for e in timeline] == ["customer.updated", "customer.created"]
    assert timeline[0]["payload"] == {"before": {"status": "active"}, "after": {"status": "inactive"}}
    assert timeline[0]["actor"] == "sales_rep_a"

    assert rep_client.delete(url).status_code == 204
    assert rep_client.get(url).status_code == 404
    assert Event.objects.filter(type="customer.deleted", subject_id=str(body["id"])).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"credit_code": "short"}, "credit_code"),
        ({"name": ""}, "name"),
        ({"status": "vip"}, "status"),
        ({"office_id": 999999}, "office_id"),
    ],
)
def test_invalid_input_is_422_naming_the_field_and_changes_nothing(org, rep_client, change, field):
    before = Customer.objects.count()
    payload = {"name": "Bad Co", "credit_code": credit_code(), "office_id": org.a.office.pk, **change}

    response = post_json(rep_client, "/api/v1/customers", payload)

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert Customer.objects.count() == before


def test_duplicate_credit_code_is_rejected(org, rep_client):
    response = post_json(
        rep_client,
        "/api/v1/customers",
        {"name": "Copy", "credit_code": org.b.customer.credit_code, "office_id": org.a.office.pk},
    )
    assert response.status_code == 422
    assert "credit_code" in response.json()["error"]["fields"]


def test_a_rep_cannot_give_a_customer_to_another_team(org, rep_client):
    response = post_json(
        rep_client,
        "/api/v1/customers",
        {
            "name": "Gift",
            "credit_code": credit_code(),
            "office_id": org.a.office.pk,
            "owner_id": org.b.user("sales_rep").pk,
        },
    )
    assert response.status_code == 422
    assert "owner_id" in response.json()["error"]["fields"]


def test_malformed_json_is_400(rep_client):
    response = rep_client.post("/api/v1/customers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_list_paginates_filters_and_orders(org, client_for):
    director = client_for(org.a.user("regional_director"))
    for index in range(5):
        post_json(
            director,
            "/api/v1/customers",
            {
                "name": f"Bulk {index}",
                "credit_code": complete_credit_code(f"91310115{index:08d}"),
                "office_id": org.a.office.pk,
                "owner_id": org.a.user("sales_rep").pk,
                "status": "prospect" if index % 2 else "active",
            },
        )

    page = director.get("/api/v1/customers?limit=2&offset=2&ordering=-name").json()
    prospects = director.get("/api/v1/customers?status=prospect").json()
    searched = director.get("/api/v1/customers?q=bulk 3").json()
    bad_order = director.get("/api/v1/customers?ordering=password")
    bad_limit = director.get("/api/v1/customers?limit=0")

    assert page["count"] == 6
    assert [row["name"] for row in page["results"]] == ["Bulk 3", "Bulk 2"]  # after "Customer of Region a", "Bulk 4"
    assert page["next_offset"] == 4
    assert {row["name"] for row in prospects["results"]} == {"Bulk 1", "Bulk 3"}
    assert [row["name"] for row in searched["results"]] == ["Bulk 3"]
    assert bad_order.status_code == 400
    assert "ordering" in bad_order.json()["error"]["fields"]
    assert bad_limit.status_code == 400
    assert "limit" in bad_limit.json()["error"]["fields"]


def test_list_query_count_does_not_grow_with_rows(org, client_for, django_assert_max_num_queries):
    director = client_for(org.a.user("regional_director"))
    for index in range(20):
        post_json(
            director,
            "/api/v1/customers",
            {
                "name": f"N+1 {index}",
                "credit_code": complete_credit_code(f"91310115{index + 50:08d}"),
                "office_id": org.a.office.pk,
                "owner_id": org.a.user("sales_rep").pk,
            },
        )
    with django_assert_max_num_queries(8):
        assert len(director.get("/api/v1/customers?limit=50").json()["results"]) == 21


def test_openapi_documents_every_error_response_and_the_idempotency_header(rep_client):
    schema = rep_client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = set(operation["responses"])
            assert {"401", "403", "404"} <= responses, (method, path)
            if method in {"post", "patch"}:
                assert {"409", "422"} <= responses, (method, path)
            if method == "post":
                assert "Idempotency-Key" in [p["name"] for p in operation.get("parameters", [])]
    assert "ErrorOut" in schema["components"]["schemas"]


def test_interactive_docs_are_served_without_a_cdn(rep_client):
    page = rep_client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle" in page
    assert "cdn" not in page.lower()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.dictionaries(
        st.sampled_from(["name", "credit_code", "office_id", "owner_id", "status", "custom_fields", "extra"]),
        json_values,
        max_size=6,
    )
)
def test_no_body_makes_the_api_fail_with_a_500(org, rep_client, payload):
    response = post_json(rep_client, "/api/v1/customers", payload)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_a_rep_cannot_put_a_customer_in_another_regions_office(org, rep_client):
    created = post_json(
        rep_client,
        "/api/v1/customers",
        {"name": "Elsewhere", "credit_code": credit_code(), "office_id": org.b.office.pk},
    )
    moved = rep_client.patch(
        f"/api/v1/customers/{org.a.customer.pk}",
        json.dumps({"office_id": org.b.office.pk}),
        content_type="application/json",
    )

    assert created.status_code == moved.status_code == 422
    assert "office_id" in created.json()["error"]["fields"]
    assert not Customer.objects.filter(name="Elsewhere").exists()
    org.a.customer.refresh_from_db()
    assert org.a.customer.office == org.a.office


@pytest.mark.parametrize(
    "query",
    [
        "offset=100000000000000000000000",
        "region_id=100000000000000000000000",
        "q=a%00b",
        "status=a%00b",
        "limit=abc",
        "ordering=%00",
    ],
)
def test_extreme_query_parameters_are_4xx_not_500(org, rep_client, query):
    response = rep_client.get(f"/api/v1/customers?{query}")
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["error"]["fields"]


def test_extreme_custom_values_are_422_not_500(org, rep_client):
    from salesops.core.models import CustomFieldDefinition

    CustomFieldDefinition.objects.create(model="customers.customer", name="amount", label="金额", field_type="decimal")
    CustomFieldDefinition.objects.create(model="customers.customer", name="note", label="备注", field_type="text")
    for custom in ({"amount": "1e30"}, {"amount": "1e-30"}, {"note": "a\x00b"}, {"note": {"nested": 1}}, {"note": 5}):
        response = post_json(
            rep_client,
            "/api/v1/customers",
            {"name": "Edge", "credit_code": credit_code(), "office_id": org.a.office.pk, "custom_fields": custom},
        )
        assert response.status_code == 422, (custom, response.content)
    assert rep_client.get("/api/v1/customers?cf_amount=1e40").status_code == 400


def test_csv_cells_never_start_a_formula(org, client_for):
    director = client_for(org.a.user("regional_director"))
    post_json(
        director,
        "/api/v1/customers",
        {
            "name": '=HYPERLINK("http://x")',
            "credit_code": credit_code(),
            "office_id": org.a.office.pk,
            "owner_id": org.a.user("sales_rep").pk,
        },
    )
    text = b"".join(director.get("/api/v1/customers/export.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text


def test_an_id_that_cannot_exist_is_404(rep_client):
    assert rep_client.get("/api/v1/customers/not-a-number").status_code == 404
    assert rep_client.delete("/api/v1/customers/false").status_code == 404


@pytest.mark.parametrize("query", ["created_to=9999-12-31", "created_from=0001-01-01", "created_to=0001-01-01"])
def test_dates_at_the_ends_of_the_calendar_clamp(org, rep_client, query):
    assert rep_client.get(f"/api/v1/customers?{query}").status_code == 200
