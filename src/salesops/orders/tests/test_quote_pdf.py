"""The printed quote: a Chinese A4 PDF whose text (company, 报价单, lines, the 大写 total) reads back out of it."""

import io
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from pypdf import PdfReader

from salesops.orders.quote_actions import update_quote
from salesops.orders.quote_pdf import quote_pdf
from salesops.orders.tests.quote_fixtures import quote_draft, reload_quote
from salesops.testing.stock import make_product

A4_POINTS = (595, 842)


def text_of(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages), reader


def test_the_quote_pdf_reads_back_in_chinese(shop):
    # Given a quote for 1,234.5 units at 100.00 with 13 % VAT: 123,450.00 + 16,048.50 = 139,498.50
    rep = shop.org.a.user("sales_rep")
    get_user_model().objects.filter(pk=rep.pk).update(display_name="王小明", phone="13800138000")
    quote = quote_draft(shop, quantity="1234.5")
    assert quote.total == Decimal("139498.50")

    text, reader = text_of(quote_pdf(reload_quote(quote)))

    flat = re.sub(r"\s+", "", text)
    assert "TestCo" in flat  # the company at the top of the org tree
    assert "报价单" in flat
    assert quote.number in flat
    assert "人民币壹拾叁万玖仟肆佰玖拾捌元伍角" in flat
    assert "¥139498.50" in flat
    assert shop.org.a.customer.name.replace(" ", "") in flat
    assert "产品P-001" in flat
    assert "王小明" in flat and "13800138000" in flat
    assert f"有效期至{quote.valid_until.year}年{quote.valid_until.month}月{quote.valid_until.day}日" in flat
    assert "1/1" in flat  # the page number
    assert [round(float(value)) for value in reader.pages[0].mediabox[2:]] == list(A4_POINTS)
    fonts = [str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("WenQuanYi" in font for font in fonts), fonts


def test_a_long_quote_runs_over_pages_with_page_numbers(shop):
    products = [make_product(f"P-{index:03d}", price="10.00") for index in range(2, 62)]
    quote = update_quote(
        quote_draft(shop),
        actor=shop.org.a.user("sales_rep"),
        changes={"lines": [{"product": product, "quantity": "1"} for product in products]},
    )
    text, reader = text_of(quote_pdf(quote))
    assert len(reader.pages) >= 2
    flat = re.sub(r"\s+", "", text)
    assert f"1/{len(reader.pages)}" in flat and f"{len(reader.pages)}/{len(reader.pages)}" in flat
    assert "P-061" in flat
    assert "人民币陆佰柒拾捌元整" in flat  # 60 × 10.00 + 13 % = 678.00
