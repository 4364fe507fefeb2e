"""The billing API: invoices, payments, corrections, credit notes, aging and month-end rows; scopes; bad input."""

import datetime
from decimal import Decimal

import pytest

from salesops.billing.actions import (
    confirm_correction,
    issue_invoice,
    record_month_end,
    record_payment,
    request_correction,
)
from salesops.billing.models import CorrectionRequest, CreditNote, Invoice, MonthEndReceivable, Payment
from salesops.billing.queries import (
    visible_corrections,
    visible_credit_notes,
    visible_invoices,
    visible_payments,
)
from salesops.billing.tests.fixtures import shipped_order
from salesops.catalog.pricing import company_today
from salesops.core.scoping import for_user
from salesops.testing.api import api_key_for, bearer, post_json

pytestmark = pytest.mark.django_db


def finance_headers(shop):
    return bearer(api_key_for(shop.org.a.user("finance"), ["billing:read", "billing:write"]))


def test_finance_invoices_and_collects_through_the_api(shop, client):
    order = shipped_order(shop, quantity="2")
    headers = finance_headers(shop)

    created = post_json(client, "/api/v1/invoices", {"order_id": order.pk}, HTTP_IDEMPOTENCY_KEY="inv-1", **headers)
    again = post_json(client, "/api/v1/invoices", {"order_id": order.pk}, HTTP_IDEMPOTENCY_KEY="inv-1", **headers)

    assert created.status_code == 201, created.content
    assert again.json() == created.json() and Invoice.objects.count() == 1
    invoice = created.json()
    assert (invoice["total"], invoice["balance"], invoice["status"]) == ("226.00", "226.00", "open")
    assert invoice["lines"][0]["tax_amount"] == "26.00"

    paid = post_json(
        client,
        "/api/v1/payments",
        {"customer_id": shop.org.a.customer.pk, "amount": "300.00", "received_on": company_today().isoformat()},
        **headers,
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["unapplied_amount"] == "74.00"
    assert paid.json()["settlements"] == [
        {"invoice": {"id": invoice["id"], "number": invoice["number"]}, "amount": "226.00"}
    ]
    read = client.get(f"/api/v1/invoices/{invoice['id']}", **headers).json()
    assert (read["status"], read["balance"], read["settlements"][0]["reference"]) == (
        "settled",
        "0.00",
        paid.json()["number"],
    )
    listed = client.get("/api/v1/invoices?status=settled", **headers).json()
    assert [item["number"] for item in listed["results"]] == [invoice["number"]]
    events = client.get(f"/api/v1/invoices/{invoice['id']}/events", **headers).json()
    assert {event["type"] for event in events} == {"invoice.issued", "invoice.settled"}
    assert (
        invoice["number"] in b"".join(client.get("/api/v1/invoices/export.csv", **headers).streaming_content).decode()
    )
    assert (
        paid.json()["number"]
        in b"".join(client.get("/api/v1/payments/export.csv", **headers).streaming_content).decode()
    )


def test_a_correction_goes_through_request_and_confirmation(shop, client):
    invoice = issue_invoice(shipped_order(shop, quantity="2"), actor=shop.org.a.user("finance"))
    line = invoice.lines.get()
    requested = post_json(
        client,
        f"/api/v1/invoices/{invoice.pk}/corrections",
        {"kind": "return", "reason": "退货", "lines": [{"invoice_line_id": line.pk, "quantity": "1"}]},
        **finance_headers(shop),
    )
    assert requested.status_code == 201, requested.content
    correction = requested.json()
    assert (correction["status"], correction["total"], correction["credit_note"]) == ("requested", "113.00", None)

    admin = bearer(api_key_for(shop.org.admin))
    confirmed = post_json(client, f"/api/v1/corrections/{correction['id']}/confirm", {"comment": "ok"}, **admin)

    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["credit_note"]["number"].startswith("CN-")
    notes = client.get(f"/api/v1/credit-notes?invoice_id={invoice.pk}", **admin).json()
    assert [note["total"] for note in notes["results"]] == ["113.00"]
    assert client.get(f"/api/v1/invoices/{invoice.pk}", **admin).json()["balance"] == "113.00"


def test_aging_and_month_end_rows_through_the_api(shop, client):
    finance = shop.org.a.user("finance")
    old = issue_invoice(shipped_order(shop, quantity="1"), actor=finance)
    issue_invoice(shipped_order(shop, quantity="2"), actor=finance)
    today = company_today()
    Invoice.objects.filter(pk=old.pk).update(
        due_date=today - datetime.timedelta(days=45), issue_date=today - datetime.timedelta(days=75)
    )
    headers = finance_headers(shop)

    report = client.get("/api/v1/receivables/aging", **headers).json()

    row = report["rows"][0]
    assert (row["customer"]["id"], row["current"], row["days_31_60"], row["total"], row["days_past_due"]) == (
        shop.org.a.customer.pk,
        "226.00",
        "113.00",
        "339.00",
        45,
    )
    assert report["totals"]["total"] == "339.00"
    record_month_end(today - datetime.timedelta(days=40))
    rows = client.get(f"/api/v1/receivables/month-end?customer_id={shop.org.a.customer.pk}", **headers).json()
    assert rows["count"] == 1 and rows["results"][0]["open_amount"] == "113.00"


@pytest.mark.parametrize(
    "url, body, field",
    [
        ("/api/v1/invoices", {"order_id": 999999}, "order_id"),
        ("/api/v1/invoices", {"order_id": "x"}, "order_id"),
        ("/api/v1/payments", {"customer_id": "CUSTOMER", "amount": "-1", "received_on": "2026-01-01"}, "amount"),
        ("/api/v1/payments", {"customer_id": 999999, "amount": "1", "received_on": "2026-01-01"}, "customer_id"),
        ("/api/v1/payments", {"customer_id": "CUSTOMER", "amount": "1", "received_on": "soon"}, "received_on"),
        (
            "/api/v1/payments",
            {"customer_id": "CUSTOMER", "amount": "1", "received_on": "2026-01-01", "method": "gold"},
            "method",
        ),
        (
            "/api/v1/invoices/INVOICE/corrections",
            {"kind": "swap", "reason": "x", "lines": [{"invoice_line_id": 1}]},
            "kind",
        ),
        (
            "/api/v1/invoices/INVOICE/corrections",
            {"kind": "return", "reason": "x", "lines": [{"invoice_line_id": 999999, "quantity": "1"}]},
            "lines.0.invoice_line_id",
        ),
        (
            "/api/v1/invoices/INVOICE/corrections",
            {"kind": "price", "reason": "", "lines": [{"invoice_line_id": 1}]},
            "reason",
        ),
    ],
)
def test_bad_input_on_every_billing_create_endpoint_names_the_field_and_changes_nothing(shop, client, url, body, field):
    invoice = issue_invoice(shipped_order(shop), actor=shop.org.a.user("finance"))
    url = url.replace("INVOICE", str(invoice.pk))
    body = {key: shop.org.a.customer.pk if value == "CUSTOMER" else value for key, value in body.items()}
    counts = (Invoice.objects.count(), Payment.objects.count(), CorrectionRequest.objects.count())

    response = post_json(client, url, body, **finance_headers(shop))

    assert 400 <= response.status_code < 500 and response.status_code != 404, response.content
    assert field in response.content.decode()
    assert (Invoice.objects.count(), Payment.objects.count(), CorrectionRequest.objects.count()) == counts


def test_an_api_key_without_the_billing_scope_is_refused(shop, client):
    headers = bearer(api_key_for(shop.org.a.user("finance"), ["orders:read"]))
    assert client.get("/api/v1/invoices", **headers).status_code == 403


ROLES = [
    ("admin", None, True),
    ("finance", "a", True),
    ("finance", "b", False),
    ("sales_rep", "a", True),
    ("sales_rep", "b", False),
    ("sales_manager", "a", True),
    ("regional_director", "b", False),
    ("risk_officer", "a", True),
    ("warehouse", "a", False),
    ("supplier", "a", False),
    ("dealer", "b", False),
]


@pytest.mark.parametrize("role, region, sees", ROLES)
def test_who_sees_billing_documents(shop, role, region, sees):
    finance = shop.org.a.user("finance")
    invoice = issue_invoice(shipped_order(shop, quantity="2"), actor=finance)
    request = request_correction(
        invoice,
        actor=finance,
        kind="price",
        reason="调价",
        lines=[{"invoice_line_id": invoice.lines.get().pk, "net_amount": "10.00"}],
    )
    confirm_correction(request, actor=shop.org.admin)
    record_payment(actor=finance, customer=shop.org.a.customer, amount="5.00", received_on=company_today())
    record_month_end(company_today())
    user = shop.org.admin if role == "admin" else getattr(shop.org, region).user(role)

    assert visible_invoices(user).exists() is sees
    assert visible_payments(user).exists() is sees
    assert visible_corrections(user).exists() is sees
    assert visible_credit_notes(user).exists() is sees
    assert for_user(MonthEndReceivable.objects.all(), user).exists() is sees
    assert CreditNote.objects.count() == 1 and Decimal(CreditNote.objects.get().total) == Decimal("11.30")


def test_billing_lists_take_a_fixed_number_of_queries(shop, client, django_assert_max_num_queries):
    finance = shop.org.a.user("finance")
    for _ in range(4):
        invoice = issue_invoice(shipped_order(shop, quantity="1"), actor=finance)
        record_payment(actor=finance, customer=shop.org.a.customer, amount="50.00", received_on=company_today())
    assert invoice.number.endswith("4")
    headers = finance_headers(shop)
    for url in ("/api/v1/invoices", "/api/v1/payments", "/api/v1/corrections", "/api/v1/receivables/aging"):
        with django_assert_max_num_queries(9):
            assert client.get(url, **headers).status_code == 200


def test_correction_credit_note_and_month_end_lists_export(shop, client):
    finance = shop.org.a.user("finance")
    invoice = issue_invoice(shipped_order(shop, quantity="2"), actor=finance)
    request = request_correction(
        invoice,
        actor=finance,
        kind="price",
        reason="调价",
        lines=[{"invoice_line_id": invoice.lines.get().pk, "net_amount": "10.00"}],
    )
    note = confirm_correction(request, actor=shop.org.admin)
    record_month_end(company_today())
    headers = finance_headers(shop)
    for url, expected in (
        ("/api/v1/corrections/export.csv", request.number),
        ("/api/v1/credit-notes/export.csv", note.number),
        ("/api/v1/receivables/month-end/export.csv", shop.org.a.customer.name),
    ):
        body = b"".join(client.get(url, **headers).streaming_content).decode("utf-8-sig")
        assert expected in body, url
        assert client.get(url.replace(".csv", ".xlsx"), **headers).status_code == 200
