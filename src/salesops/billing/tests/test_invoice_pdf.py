"""The printed invoice: a Chinese A4 PDF whose text (销售发票, buyer, lines, VAT, the 大写 total) reads back out."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from salesops.billing.actions import issue_invoice
from salesops.billing.invoice_pdf import invoice_pdf
from salesops.billing.tests.fixtures import shipped_order
from salesops.inventory.actions import receive_stock
from salesops.testing.api import api_key_for, bearer

pytestmark = pytest.mark.django_db


def flat_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_invoice_pdf_reads_back_in_chinese(shop):
    # 12 units at 100.00, 13 % VAT: 1,200.00 + 156.00 = 1,356.00
    receive_stock(product=shop.product, warehouse=shop.warehouse, quantity=10, actor=shop.org.admin)
    invoice = issue_invoice(shipped_order(shop, quantity="12"), actor=shop.org.a.user("finance"))
    assert invoice.total == Decimal("1356.00")

    text = flat_text(invoice_pdf(invoice))

    assert "销售发票" in text and invoice.number in text and invoice.order.number in text
    assert shop.org.a.customer.name.replace(" ", "") in text
    assert shop.org.a.customer.credit_code in text
    assert "人民币壹仟叁佰伍拾陆元整" in text
    assert "价税合计¥1356.00" in text and "合计税额¥156.00" in text
    assert "税率13%" in text


def test_the_pdf_is_served_on_the_page_and_the_api_within_scope(shop, client_for, client):
    invoice = issue_invoice(shipped_order(shop, quantity="1"), actor=shop.org.a.user("finance"))
    page = client_for(shop.org.a.user("finance")).get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    api = client.get(f"/api/v1/invoices/{invoice.pk}/pdf", **bearer(api_key_for(shop.org.a.user("sales_rep"))))
    assert api.status_code == 200 and "销售发票" in flat_text(api.content)
    other = client.get(f"/api/v1/invoices/{invoice.pk}/pdf", **bearer(api_key_for(shop.org.b.user("finance"))))
    assert other.status_code == 404
