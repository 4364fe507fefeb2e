"""The contacts and addresses API: create, list, filter, update, deactivate/delete, refused input naming the field
with nothing written, CSV export, the customer's defaults, and bounded query counts."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesops.core.models import Event
from salesops.customers.models import Contact, CustomerAddress
from salesops.customers.tests.fixtures import add_address, add_contact
from salesops.testing.api import api_key_for, bearer, post_json

ADDRESS = {
    "kind": "shipping",
    "label": "总部仓库",
    "recipient_name": "李娜",
    "recipient_phone": "139 0000 1111",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "street": "文三路 478 号",
    "postal_code": "310012",
    "latitude": "30.276600",
    "longitude": 120.130700,
}


@pytest.fixture
def rep_client(org, client_for):
    return client_for(org.a.user("sales_rep"))


def patch_json(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def counts() -> tuple[int, int, int]:
    return Contact.objects.count(), CustomerAddress.objects.count(), Event.objects.count()


def test_contact_create_read_update_deactivate(org, rep_client):
    created = post_json(
        rep_client,
        "/api/v1/contacts",
        {
            "customer_id": org.a.customer.pk,
            "name": "王伟",
            "job_title": "采购经理",
            "mobile_phone": "+86 138-1234-5678",
            "email": "wang.wei@EXAMPLE.com",
            "is_primary": True,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["customer"] == {"id": org.a.customer.pk, "name": org.a.customer.name}
    assert (body["mobile_phone"], body["email"], body["is_primary"]) == ("13812345678", "wang.wei@example.com", True)
    url = f"/api/v1/contacts/{body['id']}"

    assert rep_client.get(url).json()["name"] == "王伟"
    patched = patch_json(rep_client, url, {"department": "采购部", "office_phone": "0571-88886666 转 12"})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["department"], patched.json()["office_phone"]) == ("采购部", "0571-88886666 转 12")

    assert rep_client.delete(url).status_code == 204
    after = rep_client.get(url).json()
    assert (after["is_active"], after["is_primary"]) == (False, False)
    timeline = rep_client.get(f"{url}/events").json()
    assert [e["type"] for e in timeline] == ["contact.deactivated", "contact.updated", "contact.created"]
    assert timeline[1]["payload"]["after"] == {"department": "采购部", "office_phone": "0571-88886666 转 12"}

    reactivated = patch_json(rep_client, url, {"is_active": True, "is_primary": True})
    assert (reactivated.json()["is_active"], reactivated.json()["is_primary"]) == (True, True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mobile_phone": "12345678901"}, "mobile_phone"),
        ({"email": "wang@"}, "email"),
        ({"office_phone": "ask reception"}, "office_phone"),
        ({"wechat_id": "有空格 的"}, "wechat_id"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"customer_id": 999999}, "customer_id"),
        ({"customer_id": "abc"}, "customer_id"),
        ({"is_primary": "maybe"}, "is_primary"),
        ({"notes": "a\x00b"}, "notes"),
        ({"custom_fields": {"nope": 1}}, "custom_fields.nope"),
    ],
)
def test_bad_contact_input_is_422_naming_the_field_and_creates_nothing(org, rep_client, change, field):
    before = counts()
    payload = {"customer_id": org.a.customer.pk, "name": "王伟", "mobile_phone": "13812345678", **change}

    response = post_json(rep_client, "/api/v1/contacts", payload)

    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "validation_error"
    assert field in response.json()["error"]["fields"]
    assert counts() == before


def test_a_contact_for_a_customer_out_of_scope_reads_as_unknown(org, rep_client):
    before = counts()
    hidden = post_json(rep_client, "/api/v1/contacts", {"customer_id": org.b.customer.pk, "name": "王伟"})
    unknown = post_json(rep_client, "/api/v1/contacts", {"customer_id": 999999, "name": "王伟"})
    assert hidden.status_code == unknown.status_code == 422
    assert hidden.json()["error"]["fields"] == unknown.json()["error"]["fields"]
    assert counts() == before


def test_bad_contact_updates_are_422_and_change_nothing(org, rep_client, contact_a):
    url = f"/api/v1/contacts/{contact_a.pk}"
    before = rep_client.get(url).json()
    for change, field in (
        ({"mobile_phone": "1381234"}, "mobile_phone"),
        ({"name": None}, "name"),
        ({"is_active": None}, "is_active"),
        ({"is_primary": None}, "is_primary"),
    ):
        response = patch_json(rep_client, url, change)
        assert response.status_code == 422, (change, response.content)
        assert field in response.json()["error"]["fields"]
    assert rep_client.get(url).json() == before


def test_contact_list_filters_searches_orders_and_paginates(org, client_for):
    director = org.a.user("regional_director")
    client = client_for(org.admin)
    rep_b = org.b.user("sales_rep")
    add_contact(org.a.customer, director, name="王伟", mobile_phone="13812345678", is_primary=True)
    add_contact(org.a.customer, director, name="李娜", mobile_phone="13900001111", email="li.na@huaxin.cn")
    gone = add_contact(org.a.customer, director, name="张敏", mobile_phone="13700002222", email="")
    client.delete(f"/api/v1/contacts/{gone.pk}")
    add_contact(org.b.customer, rep_b, name="赵强", mobile_phone="18600003333", email="zhao@example.com")

    def names(query: str) -> list[str]:
        response = client.get(f"/api/v1/contacts?{query}")
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    of_a = names(f"customer_id={org.a.customer.pk}")
    assert (of_a[0], sorted(of_a[1:])) == ("王伟", sorted(["张敏", "李娜"]))  # the primary contact first
    assert names(f"region_id={org.b.region.pk}&is_active=true") == ["赵强"]
    assert names(f"owner_id={rep_b.pk}&ordering=-name") == ["赵强"]
    assert names("is_active=false") == ["张敏"]
    assert names("q=139 0000") == ["李娜"]
    assert names("q=HUAXIN") == ["李娜"]
    assert names("q=赵") == ["赵强"]
    assert names("is_primary=true") == ["王伟"]
    page = client.get("/api/v1/contacts?limit=2&offset=1&ordering=name").json()
    assert (page["count"], page["next_offset"], len(page["results"])) == (4, 3, 2)
    bad = client.get("/api/v1/contacts?ordering=mobile_phone")
    assert bad.status_code == 400
    assert "ordering" in bad.json()["error"]["fields"]


def test_contacts_export_csv_follows_the_scope_and_filters(org, client_for, contact_a, contact_b):
    client = client_for(org.a.user("regional_director"))
    response = client.get("/api/v1/contacts/export.csv?is_active=true")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = text.splitlines()
    assert lines[0].startswith("id,customer_id,customer,name,job_title,department,mobile_phone")
    assert len(lines) == 2
    assert "王伟" in lines[1] and "13812345678" in lines[1]
    assert "赵强" not in text


def test_list_endpoints_run_a_fixed_number_of_queries(org, client_for, django_assert_max_num_queries):
    director = org.a.user("regional_director")
    client = client_for(director)
    for n in range(15):
        add_contact(org.a.customer, director, name=f"联系人{n:02d}")
        add_address(org.a.customer, director, label=f"仓库{n:02d}")

    # session, user, managed units, count, page
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/contacts?limit=50").json()["results"]) == 15
    # session, user, managed units, customer, count, page
    with django_assert_max_num_queries(6):
        assert len(client.get(f"/api/v1/customers/{org.a.customer.pk}/addresses?limit=50").json()["results"]) == 15


def test_customer_detail_and_list_carry_the_defaults_without_a_query_per_customer(
    org, client_for, django_assert_max_num_queries
):
    from salesops.testing.org import credit_code

    director = org.a.user("regional_director")
    client = client_for(director)
    for n in range(10):
        created = post_json(
            client,
            "/api/v1/customers",
            {"name": f"默认 {n}", "credit_code": credit_code(), "office_id": org.a.office.pk},
        ).json()
        customer = org.a.customer.__class__.objects.get(pk=created["id"])
        add_address(customer, director)
        add_address(customer, director, kind="billing", label="注册地址")
        add_contact(customer, director, is_primary=True)

    # session, user, managed units, count, page, default addresses, primary contacts
    with django_assert_max_num_queries(7):
        rows = client.get("/api/v1/customers?limit=50").json()["results"]
    assert len(rows) == 11
    filled = [row for row in rows if row["name"].startswith("默认")]
    assert all(row["shipping_address"]["label"] == "仓库" for row in filled)
    assert all(row["billing_address"]["label"] == "注册地址" for row in filled)
    assert all(row["primary_contact"]["mobile_phone"] == "13812345678" for row in filled)
    bare = client.get(f"/api/v1/customers/{org.a.customer.pk}").json()
    assert (bare["billing_address"], bare["shipping_address"], bare["primary_contact"]) == (None, None, None)


def test_address_create_list_update_delete(org, rep_client):
    base = f"/api/v1/customers/{org.a.customer.pk}/addresses"
    first = post_json(rep_client, base, ADDRESS)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["is_default"], body["recipient_phone"], body["latitude"], body["longitude"]) == (
        True,
        "13900001111",
        "30.276600",
        "120.130700",
    )
    assert (
        body["map_url"] == "https://www.openstreetmap.org/?mlat=30.276600&mlon=120.130700#map=17/30.276600/120.130700"
    )
    second = post_json(rep_client, base, {**ADDRESS, "label": "二号仓", "is_default": True}).json()
    billing = post_json(rep_client, base, {**ADDRESS, "kind": "billing", "label": "注册地址"}).json()

    listed = rep_client.get(f"{base}?kind=shipping").json()
    assert [(row["label"], row["is_default"]) for row in listed["results"]] == [("二号仓", True), ("总部仓库", False)]
    assert rep_client.get(f"{base}?is_default=true&ordering=-kind").json()["count"] == 2
    customer = rep_client.get(f"/api/v1/customers/{org.a.customer.pk}").json()
    assert (customer["shipping_address"]["id"], customer["billing_address"]["id"]) == (second["id"], billing["id"])

    url = f"/api/v1/addresses/{body['id']}"
    patched = patch_json(rep_client, url, {"street": "文三路 500 号", "latitude": None, "longitude": None})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["street"], patched.json()["map_url"]) == ("文三路 500 号", None)
    assert rep_client.get(url).json()["street"] == "文三路 500 号"
    assert rep_client.delete(url).status_code == 204
    assert rep_client.get(url).status_code == 404
    assert Event.objects.filter(type="address.deleted", subject_id=str(body["id"])).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": "-181"}, "longitude"),
        ({"latitude": "NaN"}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"kind": "office"}, "kind"),
        ({"street": ""}, "street"),
        ({"postal_code": "3100"}, "postal_code"),
        ({"recipient_phone": ""}, "recipient_phone"),
        ({"recipient_phone": "call"}, "recipient_phone"),
        ({"is_default": "maybe"}, "is_default"),
    ],
)
def test_bad_address_input_is_422_naming_the_field_and_creates_nothing(org, rep_client, change, field):
    before = counts()
    response = post_json(rep_client, f"/api/v1/customers/{org.a.customer.pk}/addresses", {**ADDRESS, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert counts() == before


def test_addresses_of_an_unknown_or_hidden_customer_are_404(org, rep_client):
    before = counts()
    for customer_id in (999999, org.b.customer.pk):
        url = f"/api/v1/customers/{customer_id}/addresses"
        assert post_json(rep_client, url, ADDRESS).status_code == 404
        assert rep_client.get(url).status_code == 404
    assert counts() == before


def test_bad_address_updates_are_422_and_change_nothing(org, rep_client, address_a):
    url = f"/api/v1/addresses/{address_a.pk}"
    before = rep_client.get(url).json()
    for change, field in (
        ({"latitude": 90.5}, "latitude"),
        ({"kind": None}, "kind"),
        ({"city": None}, "city"),
        ({"recipient_name": ""}, "recipient_name"),  # still a shipping address
        ({"is_default": None}, "is_default"),
    ):
        response = patch_json(rep_client, url, change)
        assert response.status_code == 422, (change, response.content)
        assert field in response.json()["error"]["fields"]
    assert rep_client.get(url).json() == before


def test_a_read_only_api_key_cannot_write(org, client):
    headers = bearer(api_key_for(org.a.user("sales_rep"), scopes=["customers:read"]))
    before = counts()
    created = client.post(
        "/api/v1/contacts",
        json.dumps({"customer_id": org.a.customer.pk, "name": "王伟"}),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 403
    assert created.json()["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/contacts", **headers).status_code == 200
    assert counts() == before


def test_an_idempotency_key_creates_the_contact_once(org, rep_client):
    payload = {"customer_id": org.a.customer.pk, "name": "王伟"}
    first = post_json(rep_client, "/api/v1/contacts", payload, HTTP_IDEMPOTENCY_KEY="contact-1")
    again = post_json(rep_client, "/api/v1/contacts", payload, HTTP_IDEMPOTENCY_KEY="contact-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Contact.objects.count() == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.dictionaries(
        st.sampled_from(["customer_id", "name", "mobile_phone", "email", "is_primary", "kind", "latitude", "street"]),
        json_values,
        max_size=6,
    )
)
def test_no_body_makes_the_create_endpoints_fail_with_a_500(org, rep_client, payload):
    for url in ("/api/v1/contacts", f"/api/v1/customers/{org.a.customer.pk}/addresses"):
        response = post_json(rep_client, url, payload)
        assert response.status_code < 500, response.content


def test_contacts_take_custom_fields_in_the_api_schema_filters_export_and_form(org, rep_client):
    from salesops.core.models import CustomFieldDefinition

    CustomFieldDefinition.objects.create(
        model="customers.contact", name="birthday", label="生日", label_en="Birthday", field_type="date"
    )
    CustomFieldDefinition.objects.create(
        model="customers.contact", name="decision_maker", label="决策人", field_type="boolean", is_required=True
    )
    base = {"customer_id": org.a.customer.pk, "name": "王伟"}

    missing = post_json(rep_client, "/api/v1/contacts", base)
    created = post_json(
        rep_client, "/api/v1/contacts", {**base, "custom_fields": {"birthday": "1980-05-01", "decision_maker": "是"}}
    )
    other = post_json(
        rep_client, "/api/v1/contacts", {**base, "name": "李娜", "custom_fields": {"decision_maker": False}}
    )

    assert missing.status_code == 422
    assert set(missing.json()["error"]["fields"]) == {"custom_fields.decision_maker"}
    assert created.json()["custom_fields"] == {"birthday": "1980-05-01", "decision_maker": True}
    assert other.status_code == 201
    deciders = rep_client.get("/api/v1/contacts?cf_decision_maker=true").json()["results"]
    assert [row["name"] for row in deciders] == ["王伟"]
    assert rep_client.get("/api/v1/contacts?cf_birthday__gte=abc").status_code == 400
    export = b"".join(rep_client.get("/api/v1/contacts/export.csv").streaming_content).decode("utf-8-sig")
    assert export.splitlines()[0].endswith(",生日,决策人")
    schema = rep_client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ContactIn"]
    assert set(schema["properties"]["custom_fields"]["properties"]) == {"birthday", "decision_maker"}
    form = rep_client.get(f"/customers/{org.a.customer.pk}/contacts/new/").context["form"]
    assert {"cf_birthday", "cf_decision_maker"} <= set(form.fields)
