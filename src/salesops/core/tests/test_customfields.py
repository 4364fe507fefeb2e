"""Custom fields: definitions, value validation on every write path, API schema, filters and exports."""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from salesops.core import customfields
from salesops.customers.models import Customer
from salesops.testing.api import post_json
from salesops.testing.customfields import define_customer_fields
from salesops.testing.org import credit_code


def definition(**overrides):
    base = {
        "name": "f",
        "field_type": "text",
        "is_required": False,
        "choices": [],
        "min_value": None,
        "max_value": None,
        "max_length": None,
        "decimal_places": 2,
        "pattern": "",
    }
    return SimpleNamespace(**{**base, **overrides})


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("text", "abc", "abc"),
        ("number", "42", 42),
        ("number", 7, 7),
        ("decimal", "12.5", "12.50"),
        ("decimal", 3, "3.00"),
        ("date", "2026-11-27", "2026-11-27"),
        ("boolean", "是", True),
        ("boolean", False, False),
        ("choice", "B", "B"),
    ],
)
def test_values_are_stored_in_their_canonical_form(kind, raw, stored):
    assert customfields.clean_value(definition(field_type=kind, choices=["A", "B"]), raw) == stored


@pytest.mark.parametrize(
    ("overrides", "raw"),
    [
        ({"field_type": "number"}, "4.5"),
        ({"field_type": "number"}, True),
        ({"field_type": "number", "max_value": Decimal(10)}, 11),
        ({"field_type": "decimal"}, "1.234"),
        ({"field_type": "decimal"}, "NaN"),
        ({"field_type": "decimal", "min_value": Decimal(0)}, "-1"),
        ({"field_type": "date"}, "27/11/2026"),
        ({"field_type": "boolean"}, "maybe"),
        ({"field_type": "choice", "choices": ["A"]}, "Z"),
        ({"field_type": "text", "max_length": 3}, "abcd"),
        ({"field_type": "text", "pattern": r"[A-Z]{2}\d+"}, "ab1"),
    ],
)
def test_bad_values_are_rejected(overrides, raw):
    with pytest.raises(ValidationError):
        customfields.clean_value(definition(**overrides), raw)


def test_errors_name_the_field_and_cover_required_and_unknown():
    definitions = [definition(name="tier", field_type="choice", choices=["A"], is_required=True)]
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        customfields.validate_values(definitions, {"colour": "red"})
    assert caught.value.message_dict == {
        "custom_fields.colour": ["Unknown custom field."],
        "custom_fields.tier": ["This field is required."],
    }


def test_partial_updates_merge_and_keep_values_of_retired_fields():
    definitions = [definition(name="tier", field_type="choice", choices=["A", "B"])]
    merged = customfields.validate_values(definitions, {"tier": "B"}, existing={"tier": "A", "retired": 1})
    assert merged == {"tier": "B", "retired": 1}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Bad Name"}, "name"),
        ({"field_type": "choice", "choices": []}, "choices"),
        ({"pattern": "(unclosed"}, "pattern"),
        ({"min_value": Decimal(5), "max_value": Decimal(1)}, "max_value"),
    ],
)
def test_definitions_are_checked(overrides, field):
    with pytest.raises(ValidationError) as caught:
        customfields.validate_definition(definition(**overrides))
    assert field in caught.value.message_dict


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_any_integer_round_trips_as_a_number(number):
    assert customfields.clean_value(definition(field_type="number"), str(number)) == number


def customer_body(org, **custom):
    return {"name": "CF Co", "credit_code": credit_code(), "office_id": org.a.office.pk, "custom_fields": custom}


def test_api_rejects_bad_values_naming_the_field_and_creates_nothing(org, client_for):
    define_customer_fields()
    client = client_for(org.a.user("sales_rep"))

    response = post_json(client, "/api/v1/customers", customer_body(org, tier="Z", employees="many"))

    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"custom_fields.tier", "custom_fields.employees"}
    assert not Customer.objects.filter(name="CF Co").exists()


def test_api_stores_filters_and_patches_custom_values(org, client_for):
    define_customer_fields()
    client = client_for(org.a.user("sales_rep"))

    created = post_json(client, "/api/v1/customers", customer_body(org, tier="A", employees="250"))
    customer_id = created.json()["id"]
    by_tier = client.get("/api/v1/customers?cf_tier=A").json()
    by_size = client.get("/api/v1/customers?cf_employees__gte=300").json()
    patched = client.patch(
        f"/api/v1/customers/{customer_id}",
        json.dumps({"custom_fields": {"employees": 300}}),
        content_type="application/json",
    )

    assert created.status_code == 201
    assert created.json()["custom_fields"] == {"tier": "A", "employees": 250}
    assert [row["id"] for row in by_tier["results"]] == [customer_id]
    assert by_size["count"] == 0
    assert patched.json()["custom_fields"] == {"tier": "A", "employees": 300}
    assert client.get("/api/v1/customers?cf_employees__gte=300").json()["count"] == 1


def test_api_refuses_unknown_or_malformed_custom_filters(org, client_for):
    define_customer_fields()
    client = client_for(org.a.user("sales_rep"))
    unknown = client.get("/api/v1/customers?cf_colour=red")
    malformed = client.get("/api/v1/customers?cf_employees=lots")
    assert (unknown.status_code, malformed.status_code) == (400, 400)
    assert "cf_colour" in unknown.json()["error"]["fields"]
    assert "cf_employees" in malformed.json()["error"]["fields"]


def test_openapi_schema_lists_the_current_custom_fields(org, client_for):
    define_customer_fields()
    schema = client_for(org.a.user("sales_rep")).get("/api/v1/openapi.json").json()
    custom = schema["components"]["schemas"]["CustomerOut"]["properties"]["custom_fields"]
    assert custom["properties"]["tier"] == {
        "title": "Tier",
        "description": "",
        "type": "string",
        "enum": ["A", "B", "C"],
        "nullable": False,
    }
    assert custom["properties"]["employees"]["type"] == "integer"
    assert custom["required"] == ["tier"]


def test_form_shows_custom_fields_and_rejects_bad_values(org, client_for):
    define_customer_fields()
    client = client_for(org.a.user("sales_rep"))
    blank = client.get(reverse("customers:create"))
    assert 'name="cf_tier"' in blank.content.decode()

    response = client.post(
        reverse("customers:create"),
        {
            "name": "Form CF Co",
            "credit_code": credit_code(),
            "status": "active",
            "office": org.a.office.pk,
            "owner": org.a.user("sales_rep").pk,
            "cf_tier": "",
            "cf_employees": "0",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "cf_tier" in form.errors
    assert "cf_employees" in form.errors
    assert not Customer.objects.filter(name="Form CF Co").exists()


def test_every_model_save_validates_custom_values(org):
    define_customer_fields()
    customer = org.a.customer
    customer.custom_fields = {"tier": "nope"}
    with pytest.raises(ValidationError):
        customer.save()


def test_csv_export_has_a_column_per_custom_field(org, client_for):
    define_customer_fields()
    client = client_for(org.a.user("sales_rep"))
    post_json(client, "/api/v1/customers", customer_body(org, tier="B", customer_since="2024-03-01"))

    response = client.get("/api/v1/customers/export.csv?ordering=name")
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    assert rows[0].split(",")[-3:] == ["合作起始日", "员工人数", "客户等级"]  # definition order, then name
    assert any(row.endswith(",2024-03-01,,B") for row in rows[1:])


def test_admin_form_edits_custom_fields(org, client_for):
    define_customer_fields()
    client = client_for(org.admin)
    customer = org.a.customer
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    fields = {
        "name": customer.name,
        "credit_code": customer.credit_code,
        "status": "active",
        "office": org.a.office.pk,
        "owner": org.a.user("sales_rep").pk,
        "cf_tier": "C",
    }
    assert 'name="cf_tier"' in client.get(url).content.decode()

    rejected = client.post(url, {**fields, "cf_employees": "-5"})
    assert rejected.status_code == 200  # re-shown with the error
    assert "cf_employees" in rejected.context["adminform"].form.errors

    client.post(url, {**fields, "cf_employees": "12"})
    customer.refresh_from_db()
    assert customer.custom_fields == {"tier": "C", "employees": 12}
