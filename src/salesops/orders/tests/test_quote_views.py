"""Quote pages and the live line preview shared by the order and quote forms."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from salesops.catalog.models import PriceList, PriceListItem
from salesops.catalog.pricing import company_today
from salesops.customers.models import Customer, CustomerGroup
from salesops.orders.actions import submit_order
from salesops.orders.models import Quote, QuoteStatus, SalesOrder
from salesops.orders.tests.fixtures import draft
from salesops.orders.tests.quote_fixtures import quote_draft
from salesops.orders.tests.test_views import new_order_data


def new_quote_data(shop, *, valid_until=None, quantity="2", discount="0"):
    valid_until = valid_until or company_today() + datetime.timedelta(days=20)
    return {**new_order_data(shop, quantity, discount), "valid_until": valid_until.isoformat()}


@pytest.fixture
def group_price(shop):
    """Region a's customer belongs to a group whose list prices the product at 88.50."""
    group = CustomerGroup.objects.create(code="key", name="重点客户")
    Customer.objects.filter(pk=shop.org.a.customer.pk).update(group=group)
    prices = PriceList.objects.create(name="重点客户价", customer_group=group, valid_from=company_today())
    PriceListItem.objects.create(price_list=prices, product=shop.product, unit_price=Decimal("88.50"))
    return Decimal("88.50")


def test_a_rep_quotes_sends_and_converts_on_the_pages(shop, client_for):
    org = shop.org
    rep = client_for(org.a.user("sales_rep"))
    assert f'href="{reverse("orders:quote_list")}"' in rep.get(reverse("orders:list")).content.decode()
    form = rep.get(reverse("orders:quote_create")).content.decode()
    valid_until = company_today() + datetime.timedelta(days=30)
    assert f'value="{valid_until.isoformat()}"' in form
    assert org.a.customer.name in form and org.b.customer.name not in form

    created = rep.post(reverse("orders:quote_create"), new_quote_data(shop))
    quote = Quote.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("orders:quote_detail", args=[quote.pk])
    detail = rep.get(reverse("orders:quote_detail", args=[quote.pk])).content.decode()
    assert 'data-testid="unit-price">¥100.00<' in detail
    assert 'data-testid="available">10.000<' in detail
    assert "人民币贰佰贰拾陆元整" in detail
    assert f'href="{reverse("orders:quote_pdf", args=[quote.pk])}"' in detail
    assert re.findall(r'data-testid="action-(\w+)"', detail) == ["send", "convert", "cancel"]
    assert 'data-event-type="quote.created"' in detail

    rep.post(reverse("orders:quote_action", args=[quote.pk, "send"]))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    sent = rep.get(reverse("orders:quote_detail", args=[quote.pk])).content.decode()
    assert re.findall(r'data-testid="action-(\w+)"', sent) == ["convert", "decline", "cancel"]

    converted = rep.post(reverse("orders:quote_action", args=[quote.pk, "convert"]))
    order = SalesOrder.objects.get()
    assert converted.status_code == 302 and converted["Location"] == reverse("orders:detail", args=[order.pk])
    accepted = rep.get(reverse("orders:quote_detail", args=[quote.pk])).content.decode()
    assert f'href="{reverse("orders:detail", args=[order.pk])}" data-testid="converted-order"' in accepted
    assert 'data-testid="action-' not in accepted


def test_the_list_filters_and_exports(shop, client_for):
    rep = client_for(shop.org.a.user("sales_rep"))
    soon = quote_draft(shop, valid_until=company_today() + datetime.timedelta(days=3))
    later = quote_draft(shop)
    url = reverse("orders:quote_list")
    to = (company_today() + datetime.timedelta(days=5)).isoformat()
    page = rep.get(f"{url}?valid_until_to={to}").content.decode()
    assert soon.number in page and later.number not in page
    assert later.number not in rep.get(f"{url}?status=sent").content.decode()
    assert 'data-testid="quotes-csv"' in rep.get(url).content.decode()
    export = rep.get(f"{url}?valid_until_to={to}&format=csv")
    text = b"".join(export.streaming_content).decode()
    assert soon.number in text and later.number not in text
    xlsx = rep.get(f"{url}?valid_until_to={to}&format=xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="quotes.xlsx"'


def test_bad_form_input_is_shown_and_nothing_is_saved(shop, client_for):
    rep = client_for(shop.org.a.user("sales_rep"))
    yesterday = company_today() - datetime.timedelta(days=1)
    response = rep.post(reverse("orders:quote_create"), new_quote_data(shop, valid_until=yesterday))
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Quote.objects.exists()


def test_only_drafts_are_edited_and_sellers_quote(shop, client_for):
    org = shop.org
    quote = quote_draft(shop)
    rep = client_for(org.a.user("sales_rep"))
    edit = rep.get(reverse("orders:quote_edit", args=[quote.pk])).content.decode()
    assert f'<input type="hidden" name="customer" value="{org.a.customer.pk}">' in edit
    data = {**new_quote_data(shop, quantity="5"), "lines-TOTAL_FORMS": "4"}
    data.pop("customer")
    saved = rep.post(reverse("orders:quote_edit", args=[quote.pk]), data)
    assert saved.status_code == 302
    quote.refresh_from_db()
    assert quote.total == Decimal("565.00")
    rep.post(reverse("orders:quote_action", args=[quote.pk, "cancel"]), {"comment": "客户取消"})
    refused = rep.get(reverse("orders:quote_edit", args=[quote.pk]))
    assert refused.status_code == 302
    finance = client_for(org.a.user("finance"))
    assert finance.get(reverse("orders:quote_create")).status_code == 403
    assert finance.get(reverse("orders:quote_detail", args=[quote.pk])).status_code == 200


def test_the_page_pdf_route_serves_the_quote(shop, client_for):
    quote = quote_draft(shop)
    response = client_for(shop.org.a.user("sales_rep")).get(f"/orders/quotes/{quote.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


# --- the live line preview ---------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["orders:create", "orders:quote_create"])
def test_both_forms_ask_for_the_preview_on_every_line(shop, client_for, form):
    page = client_for(shop.org.a.user("sales_rep")).get(reverse(form)).content.decode()
    preview = reverse("orders:line_preview")
    for index in range(3):
        assert f'hx-get="{preview}" hx-vals=\'{{"line": "lines-{index}"}}\'' in page
        assert f"[name^='lines-{index}-']" in page
    assert page.count('data-testid="line-preview"') == 3
    assert "change from:#id_warehouse" in page


def test_the_order_edit_form_previews_its_existing_lines_on_load(shop, client_for):
    order = draft(shop)
    page = client_for(shop.org.a.user("sales_rep")).get(reverse("orders:edit", args=[order.pk])).content.decode()
    assert f'<input type="hidden" name="customer" value="{shop.org.a.customer.pk}">' in page
    assert page.count('hx-trigger="load, change') == 1  # the filled line; the blank ones wait for a change


def preview(client, shop, *, quantity, customer=True, warehouse=True, line="lines-1"):
    params = {"line": line, f"{line}-product": shop.product.pk, f"{line}-quantity": quantity}
    params[f"{line}-discount_percent"] = "10"
    if customer:
        params["customer"] = shop.org.a.customer.pk
    if warehouse:
        params["warehouse"] = shop.warehouse.pk
    response = client.get(reverse("orders:line_preview"), params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_preview_shows_the_customers_price_the_amount_and_available_stock(shop, client_for, group_price):
    rep = client_for(shop.org.a.user("sales_rep"))
    html = preview(rep, shop, quantity="4")
    # 4 × 88.50 less 10 % = 318.60; 10 on hand in region a's warehouse
    assert 'data-testid="preview-unit-price">¥88.50<' in html
    assert 'data-testid="preview-amount">¥318.60<' in html
    assert 'data-testid="preview-available">10.000 件<' in html
    assert 'data-testid="preview-shortage"' not in html


def test_the_preview_warns_when_the_quantity_is_more_than_available(shop, client_for, group_price):
    draft_order = draft(shop, quantity="7")
    submit_order(draft_order, actor=shop.org.a.user("sales_rep"))  # reserves 7 of the 10
    html = preview(client_for(shop.org.a.user("sales_rep")), shop, quantity="4")
    assert 'data-testid="preview-available">3.000 件<' in html
    assert 'data-testid="preview-shortage"' in html


def test_the_preview_without_customer_or_warehouse_shows_what_it_can(shop, client_for, group_price):
    rep = client_for(shop.org.a.user("sales_rep"))
    html = preview(rep, shop, quantity="1", customer=False, warehouse=False)
    assert 'data-testid="preview-unit-price">¥100.00' in html  # the list price, until a customer is chosen
    assert "preview-available" not in html
    assert 'data-testid="preview-unit-price"' not in preview(rep, shop, quantity="1", line="x; drop")
    blank = rep.get(reverse("orders:line_preview"), {"line": "lines-0", "lines-0-product": ""}).content.decode()
    assert "preview-unit-price" not in blank


def test_the_preview_is_for_sellers_and_their_customers_only(shop, client_for, group_price):
    org = shop.org
    assert client_for(org.a.user("finance")).get(reverse("orders:line_preview")).status_code == 403
    other = client_for(org.b.user("sales_rep"))
    # Region a's customer is not region b's rep's: the price falls back to the list price
    assert 'data-testid="preview-unit-price">¥100.00' in preview(other, shop, quantity="1")
