"""Catalog pages: list with search, htmx and CSV; detail with prices per list and the timeline; product forms for
administrators only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from salesops.catalog.models import Product
from salesops.core.events import snapshot
from salesops.core.models import Event


def form_data(catalog, **overrides):
    return {
        "sku": "PG-1",
        "name": "页面泵",
        "line": catalog.line.pk,
        "unit": "台",
        "list_price": "350.00",
        "standard_cost": "200.00",
        "tax_rate": "0.13",
        "is_active": "on",
        **overrides,
    }


def test_list_searches_and_answers_htmx_with_the_results_partial(org, catalog, client_for):
    client = client_for(org.a.user("sales_rep"))

    full = client.get(reverse("catalog:product_list"), {"q": "P-1"})
    partial = client.get(reverse("catalog:product_list"), {"q": "V-2"}, HTTP_HX_REQUEST="true")

    html = full.content.decode()
    assert "<html" in html
    assert "离心泵" in html and "球阀" not in html
    assert 'class="responsive"' in html and 'data-label="' in html
    assert reverse("catalog:product_list") in html  # the nav link
    assert "<html" not in partial.content.decode()
    assert 'id="results"' in partial.content.decode()
    assert "球阀" in partial.content.decode()


def test_list_filters_by_line_activity_and_price(org, catalog, client_for):
    client = client_for(org.admin)
    page = client.get(reverse("catalog:product_list"), {"is_active": "false", "line_id": catalog.line.pk})
    priced = client.get(reverse("catalog:product_list"), {"list_price_min": "1000"})
    assert [p.sku for p in page.context["page"]] == ["R-300"]
    assert [p.sku for p in priced.context["page"]] == ["P-100"]


def test_a_dealer_lists_only_active_products_and_a_supplier_none(org, catalog, client_for):
    dealer = client_for(org.a.user("dealer")).get(reverse("catalog:product_list"))
    assert [p.sku for p in dealer.context["page"]] == ["P-100", "V-200"]
    supplier = client_for(org.a.user("supplier"))
    assert list(supplier.get(reverse("catalog:product_list")).context["page"]) == []
    assert supplier.get(reverse("catalog:product_detail", args=[catalog.pump.pk])).status_code == 404


def test_list_exports_csv_with_the_filters_and_without_cost_for_a_rep(org, catalog, client_for):
    response = client_for(org.a.user("sales_rep")).get(
        reverse("catalog:product_list"), {"format": "csv", "is_active": "true"}
    )
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "id,sku,name,line,unit,list_price,tax_rate,is_active,created_at"
    assert [line.split(",")[1] for line in lines[1:]] == ["P-100", "V-200"]


def test_detail_shows_prices_per_list_and_the_timeline(org, catalog, client_for):
    client = client_for(org.a.user("sales_rep"))
    client.post(reverse("set_language"), {"language": "en"})

    response = client.get(reverse("catalog:product_detail", args=[catalog.pump.pk]))

    html = response.content.decode()
    assert [(pl.name, price) for pl, price, _valid in response.context["prices"]] == [
        ("2026 标准价", Decimal("1150.00")),
        ("2026 大客户价", Decimal("1080.00")),
    ]
    assert html.count('data-testid="price"') == 2
    assert "¥1080.00" in html and "¥1200.00" in html
    assert "60.00" not in html  # the standard cost is not shown to a rep
    assert 'data-event-type="product.created"' in html


def test_detail_shows_the_cost_to_finance(org, catalog, client_for):
    html = client_for(org.a.user("finance")).get(reverse("catalog:product_detail", args=[catalog.valve.pk]))
    assert "¥41.25" in html.content.decode()


def test_an_administrator_creates_and_edits_a_product(org, catalog, client_for):
    client = client_for(org.admin)

    created = client.post(reverse("catalog:product_create"), form_data(catalog))
    product = Product.objects.get(sku="PG-1")
    assert created.status_code == 302
    assert created["Location"] == reverse("catalog:product_detail", args=[product.pk])
    assert (product.list_price, product.unit, product.is_active) == (Decimal("350.00"), "台", True)

    client.post(reverse("catalog:product_edit", args=[product.pk]), form_data(catalog, list_price="360", is_active=""))
    product.refresh_from_db()
    assert (product.list_price, product.is_active) == (Decimal("360.00"), False)
    assert list(
        Event.objects.filter(subject_type="catalog.product", subject_id=str(product.pk))
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["product.created", "product.updated"]


def test_a_taken_sku_is_shown_on_the_field_and_nothing_is_created(org, catalog, client_for):
    response = client_for(org.admin).post(reverse("catalog:product_create"), form_data(catalog, sku="P-100"))
    assert response.status_code == 200
    assert "sku" in response.context["form"].errors
    assert not Product.objects.filter(name="页面泵").exists()


@pytest.mark.parametrize("role", ["sales_rep", "finance", "regional_director", "dealer"])
def test_other_roles_get_403_on_the_forms_and_change_nothing(org, catalog, client_for, role):
    client = client_for(org.a.user(role))
    before = snapshot(catalog.pump), Product.objects.count()

    assert client.get(reverse("catalog:product_create")).status_code == 403
    assert client.post(reverse("catalog:product_create"), form_data(catalog)).status_code == 403
    edit = reverse("catalog:product_edit", args=[catalog.pump.pk])
    assert client.post(edit, form_data(catalog, sku="P-100", list_price="1")).status_code == 403

    catalog.pump.refresh_from_db()
    assert (snapshot(catalog.pump), Product.objects.count()) == before
    list_html = client.get(reverse("catalog:product_list")).content.decode()
    assert reverse("catalog:product_create") not in list_html


def test_pages_need_a_sign_in(org, client):
    response = client.get(reverse("catalog:product_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
