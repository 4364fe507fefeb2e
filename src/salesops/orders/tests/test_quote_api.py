"""The quotes API: create (idempotent), list with filters, export, patch drafts, actions, PDF, events, bad input."""

import datetime
import io
import json
import uuid

import openpyxl
import pytest

from salesops.catalog.pricing import company_today
from salesops.core.events import snapshot
from salesops.orders.models import Quote, QuoteLine, QuoteStatus, SalesOrder
from salesops.orders.tests.quote_fixtures import quote_draft, reload_quote
from salesops.testing.api import api_key_for, bearer, post_json


def body(shop, **extra):
    return {
        "customer_id": shop.org.a.customer.pk,
        "warehouse_id": shop.warehouse.pk,
        "lines": [{"product_id": shop.product.pk, "quantity": "2", "discount_percent": "0"}],
        **extra,
    }


def days(count: int) -> str:
    return (company_today() + datetime.timedelta(days=count)).isoformat()


def patch_json(client, url, data, **headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def test_a_rep_creates_sends_and_converts_a_quote(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep"), ["quotes:write", "orders:write"]))
    created = post_json(client, "/api/v1/quotes", body(shop, valid_until=days(14)), **headers)
    assert created.status_code == 201, created.content
    quote = created.json()
    assert (quote["status"], quote["total"], quote["valid_until"], quote["lines"][0]["unit_price"]) == (
        "draft",
        "226.00",
        days(14),
        "100.00",
    )
    assert quote["total_in_words"] == "贰佰贰拾陆元整"
    assert quote["converted_order"] is None

    sent = post_json(client, f"/api/v1/quotes/{quote['id']}/send", {}, **headers)
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    converted = post_json(client, f"/api/v1/quotes/{quote['id']}/convert", {"comment": "客户签字"}, **headers)
    assert converted.status_code == 200, converted.content
    order = SalesOrder.objects.get()
    assert converted.json()["status"] == "accepted"
    assert converted.json()["converted_order"] == {"id": order.pk, "number": order.number}
    again = post_json(client, f"/api/v1/quotes/{quote['id']}/convert", {}, **headers)
    assert again.status_code == 200 and again.json()["converted_order"]["id"] == order.pk
    assert SalesOrder.objects.count() == 1

    events = client.get(f"/api/v1/quotes/{quote['id']}/events", **headers).json()
    assert [event["type"] for event in events] == ["quote.accepted", "quote.sent", "quote.created"]


def test_convert_needs_the_orders_scope_too(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep"), ["quotes:write"]))
    quote = quote_draft(shop)
    response = post_json(client, f"/api/v1/quotes/{quote.pk}/convert", {}, **headers)
    assert response.status_code == 403
    assert reload_quote(quote).status == QuoteStatus.DRAFT
    assert not SalesOrder.objects.exists()


def test_the_same_idempotency_key_creates_one_quote(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep")))
    key = str(uuid.uuid4())
    first = post_json(client, "/api/v1/quotes", body(shop), HTTP_IDEMPOTENCY_KEY=key, **headers)
    second = post_json(client, "/api/v1/quotes", body(shop), HTTP_IDEMPOTENCY_KEY=key, **headers)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    assert Quote.objects.count() == 1


def test_list_filters_ordering_and_export(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("sales_manager"), ["quotes:read"]))
    soon = quote_draft(shop, valid_until=company_today() + datetime.timedelta(days=5))
    later = quote_draft(shop, quantity="3")
    Quote.objects.filter(pk=later.pk).update(status=QuoteStatus.SENT)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/quotes?{query}", **headers)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("ordering=-total") == [later.pk, soon.pk]
    assert ids("ordering=valid_until") == [soon.pk, later.pk]
    assert ids("status=sent") == [later.pk]
    assert ids(f"valid_until_to={days(10)}") == [soon.pk]
    assert ids(f"valid_until_from={days(10)}") == [later.pk]
    assert ids(f"created_from={days(0)}&created_to={days(0)}&ordering=number") == [soon.pk, later.pk]
    assert ids(f"customer_id={shop.org.b.customer.pk}") == []
    assert ids(f"region_id={shop.org.a.region.pk}&owner_id={shop.org.a.user('sales_rep').pk}&q=QT-") == [
        later.pk,
        soon.pk,
    ]
    first_page = client.get("/api/v1/quotes?ordering=number&limit=1", **headers).json()
    assert (first_page["count"], first_page["next_offset"], [row["id"] for row in first_page["results"]]) == (
        2,
        1,
        [soon.pk],
    )
    assert ids("ordering=number&limit=1&offset=1") == [later.pk]
    assert client.get("/api/v1/quotes?ordering=secret", **headers).status_code == 400
    assert client.get("/api/v1/quotes?status=confirmed", **headers).status_code == 400
    export = client.get("/api/v1/quotes/export.csv?ordering=number", **headers)
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode()
    assert text.index(soon.number) < text.index(later.number)
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/api/v1/quotes/export.xlsx?ordering=number", **headers).streaming_content))
    )
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert rows[0] == text.lstrip("\ufeff").splitlines()[0].split(",")
    assert [row[1] for row in rows[1:]] == [soon.number, later.number]
    assert client.get("/api/v1/quotes/abc", **headers).status_code == 404


def test_patch_changes_only_drafts(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep")))
    quote = quote_draft(shop)
    patched = patch_json(
        client, f"/api/v1/quotes/{quote.pk}", {"valid_until": days(3), "discount_percent": "5"}, **headers
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["valid_until"], patched.json()["discount_percent"]) == (days(3), "5.00")
    past = patch_json(client, f"/api/v1/quotes/{quote.pk}", {"valid_until": days(-1)}, **headers)
    assert past.status_code == 422 and "valid_until" in past.json()["error"]["fields"]
    post_json(client, f"/api/v1/quotes/{quote.pk}/send", {}, **headers)
    refused = patch_json(client, f"/api/v1/quotes/{quote.pk}", {"discount_percent": "9"}, **headers)
    assert refused.status_code == 422
    assert "status" in refused.json()["error"]["fields"]
    assert reload_quote(quote).discount_percent == 5


def test_the_pdf_is_served_to_those_who_see_the_quote(shop, client):
    quote = quote_draft(shop)
    response = client.get(f"/api/v1/quotes/{quote.pk}/pdf", **bearer(api_key_for(shop.org.a.user("sales_rep"))))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{quote.number}.pdf"'
    assert response.content.startswith(b"%PDF-")
    other = client.get(f"/api/v1/quotes/{quote.pk}/pdf", **bearer(api_key_for(shop.org.b.user("sales_rep"))))
    assert other.status_code == 404


CREATE_ERRORS = [
    ({"customer_id": 999999}, "customer_id"),
    ({"warehouse_id": 999999}, "warehouse_id"),
    ({"owner_id": 999999}, "owner_id"),
    ({"discount_percent": "101"}, "discount_percent"),
    ({"valid_until": "2020-01-01"}, "valid_until"),
    ({"valid_until": "next week"}, "valid_until"),
    ({"lines": []}, "lines"),
    ({"lines": [{"product_id": 999999, "quantity": "1"}]}, "lines.0.product_id"),
    ({"lines": [{"product_id": 1, "quantity": "0"}]}, "lines.0.quantity"),
    ({"lines": [{"product_id": 1, "quantity": "1.0001"}]}, "lines.0.quantity"),
    ({"lines": [{"product_id": 1, "quantity": "1", "discount_percent": "-1"}]}, "lines.0.discount_percent"),
    ({"customer_id": "abc"}, "customer_id"),
]


@pytest.mark.parametrize(("change", "field"), CREATE_ERRORS)
def test_bad_input_on_create_names_the_field_and_changes_nothing(shop, client, change, field):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep")))
    response = post_json(client, "/api/v1/quotes", body(shop, **change), **headers)
    assert response.status_code == 422, response.content
    assert any(key == field or key.endswith(field) for key in response.json()["error"]["fields"]), response.json()
    assert not Quote.objects.exists() and not QuoteLine.objects.exists()


@pytest.mark.parametrize(
    ("action", "sent", "status", "field"),
    [
        ("send", "not json", 400, None),
        ("send", {"comment": 5}, 422, "comment"),
        ("decline", {}, 422, "status"),
        ("cancel", {"comment": "x" * 501}, 422, "comment"),
        ("convert", {"comment": "\x00"}, 422, "comment"),
    ],
)
def test_bad_input_on_every_action_is_4xx_and_changes_nothing(shop, client, action, sent, status, field):
    headers = bearer(api_key_for(shop.org.admin))
    quote = quote_draft(shop)
    before = snapshot(reload_quote(quote))
    response = post_json(client, f"/api/v1/quotes/{quote.pk}/{action}", sent, **headers)
    assert response.status_code == status, response.content
    if field:
        assert any(key.endswith(field) for key in response.json()["error"]["fields"]), response.json()
    assert snapshot(reload_quote(quote)) == before
    assert not SalesOrder.objects.exists()


def test_sending_above_the_discount_limit_waits_for_approval(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep")))
    quote = quote_draft(shop, discount="15")
    response = post_json(client, f"/api/v1/quotes/{quote.pk}/send", {}, **headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["sent_at"], body["approval_reasons"]) == (
        "pending_approval",
        None,
        ["报价折扣超出提交人的折扣权限"],
    )
    assert reload_quote(quote).status == QuoteStatus.PENDING_APPROVAL


def test_a_read_only_key_cannot_write(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep"), ["quotes:read"]))
    quote = quote_draft(shop)
    assert post_json(client, f"/api/v1/quotes/{quote.pk}/send", {}, **headers).status_code == 403
    assert post_json(client, "/api/v1/quotes", body(shop), **headers).status_code == 403
    assert reload_quote(quote).status == QuoteStatus.DRAFT
    assert Quote.objects.count() == 1
