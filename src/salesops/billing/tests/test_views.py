"""Finance pages: invoice from the order page, record a payment, request and confirm a correction, aging."""

import pytest
from django.urls import reverse

from salesops.billing.models import CorrectionRequest, CreditNote, Invoice, Payment
from salesops.billing.tests.fixtures import shipped_order
from salesops.catalog.pricing import company_today
from salesops.orders.models import OrderStatus, SalesOrder

pytestmark = pytest.mark.django_db


def test_finance_invoices_from_the_order_page_and_records_the_payment(shop, client_for):
    order = shipped_order(shop, quantity="2")
    finance = client_for(shop.org.a.user("finance"))
    page = finance.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="action-invoice"' in page

    issued = finance.post(reverse("billing:invoice_issue", args=[order.pk]))

    invoice = Invoice.objects.get()
    assert issued["Location"] == reverse("billing:invoice_detail", args=[invoice.pk])
    detail = finance.get(issued["Location"]).content.decode()
    assert invoice.number in detail and "¥226.00" in detail and 'data-testid="record-payment"' in detail
    form = finance.get(reverse("billing:payment_create") + f"?invoice={invoice.pk}").content.decode()
    assert 'value="226.00"' in form

    response = finance.post(
        reverse("billing:payment_create"),
        {
            "customer": shop.org.a.customer.pk,
            "amount": "226.00",
            "received_on": company_today().isoformat(),
            "method": "bank_transfer",
            "reference": "招行 8899",
            "invoice": invoice.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()
    payment = Payment.objects.get()
    assert payment.reference == "招行 8899"
    assert response["Location"] == reverse("billing:payment_detail", args=[payment.pk])
    receipt = finance.get(response["Location"]).content.decode()
    assert invoice.number in receipt and "¥226.00" in receipt
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PAID
    listing = finance.get(reverse("billing:payment_list")).content.decode()
    assert Payment.objects.get().number in listing
    order_page = finance.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert invoice.number in order_page and 'data-testid="action-invoice"' not in order_page


def test_a_bad_payment_on_the_page_shows_the_field_error_and_saves_nothing(shop, client_for):
    finance = client_for(shop.org.a.user("finance"))
    response = finance.post(
        reverse("billing:payment_create"),
        {"customer": shop.org.a.customer.pk, "amount": "10", "received_on": "2999-01-01", "method": "cash"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "future" in response.content.decode()
    assert Payment.objects.count() == 0


def test_a_correction_is_requested_by_one_and_confirmed_by_another_on_the_invoice_page(shop, client_for):
    order = shipped_order(shop, quantity="2")
    requester = client_for(shop.org.a.user("finance"))
    requester.post(reverse("billing:invoice_issue", args=[order.pk]))
    invoice = Invoice.objects.get()
    line = invoice.lines.get()
    url = reverse("billing:invoice_detail", args=[invoice.pk])

    requester.post(url, {"kind": "return", "reason": "包装破损退回", f"line_{line.pk}": "1"})

    correction = CorrectionRequest.objects.get()
    assert 'data-testid="confirm-correction"' not in requester.get(url).content.decode()  # not one's own
    assert correction.number in requester.get(reverse("billing:correction_queue")).content.decode()
    admin = client_for(shop.org.admin)
    assert 'data-testid="confirm-correction"' in admin.get(url).content.decode()
    admin.post(reverse("billing:correction_decide", args=[correction.pk, "confirm"]), {"comment": "同意"})
    note = CreditNote.objects.get()
    page = admin.get(url).content.decode()
    assert note.number in page and "¥113.00" in page


def test_the_aging_page_lists_open_balances_per_customer(shop, client_for):
    order = shipped_order(shop, quantity="2")
    finance = client_for(shop.org.a.user("finance"))
    finance.post(reverse("billing:invoice_issue", args=[order.pk]))
    page = finance.get(reverse("billing:aging")).content.decode()
    assert shop.org.a.customer.name in page and "¥226.00" in page
    exported = finance.get(reverse("billing:aging") + "?format=csv")
    assert shop.org.a.customer.name in b"".join(exported.streaming_content).decode("utf-8-sig")
    other = client_for(shop.org.b.user("finance")).get(reverse("billing:aging")).content.decode()
    assert shop.org.a.customer.name not in other


def test_only_finance_reaches_the_billing_forms(shop, client_for):
    order = shipped_order(shop, quantity="1")
    rep = client_for(shop.org.a.user("sales_rep"))
    assert rep.post(reverse("billing:invoice_issue", args=[order.pk])).status_code == 403
    assert rep.get(reverse("billing:payment_create")).status_code == 403
    assert Invoice.objects.count() == 0
    warehouse_page = client_for(shop.org.a.user("warehouse")).get(reverse("billing:invoice_list"))
    assert warehouse_page.status_code == 200 and "invoice-row" not in warehouse_page.content.decode()
