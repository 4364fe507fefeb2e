"""Excel exports: every CSV export has an .xlsx twin with the same columns (custom fields included), numbers as
numbers, times as dates in the user's zone, and text that cannot run as a formula."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from salesops.catalog.tests.fixtures import build_catalog
from salesops.core.exports import XLSX_CONTENT_TYPE
from salesops.customers.actions import create_customer
from salesops.orders.tests.fixtures import build_shop, draft
from salesops.testing.api import api_key_for, bearer
from salesops.testing.customfields import define_customer_fields
from salesops.testing.org import credit_code


def workbook_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(response) -> list[list]:
    return [[cell.value for cell in row] for row in workbook_of(response).active.iter_rows()]


def csv_header(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0].split(",")


def test_customers_xlsx_has_the_csv_columns_custom_fields_chinese_text_and_local_times(org, client_for):
    define_customer_fields()
    director = org.a.user("regional_director")
    director.time_zone = "Europe/London"
    director.save(update_fields=["time_zone"])
    customer = create_customer(
        actor=director,
        name="杭州西湖贸易有限公司",
        credit_code=credit_code(),
        office=org.a.office,
        custom_fields={"tier": "A", "employees": 120, "customer_since": "2020-05-01"},
    )
    client = client_for(director)

    xlsx = client.get("/api/v1/customers/export.xlsx?q=杭州", HTTP_ACCEPT_LANGUAGE="en")
    csv = client.get("/api/v1/customers/export.csv?q=杭州", HTTP_ACCEPT_LANGUAGE="en")

    assert xlsx["Content-Disposition"] == 'attachment; filename="customers.xlsx"'
    header, row = rows_of(xlsx)
    assert header == csv_header(csv)
    assert header == [
        "id", "name", "credit_code", "status", "region", "office", "owner", "created_at",
        "Customer since", "Employees", "Tier",
    ]  # fmt: skip
    london = customer.created_at.astimezone(zoneinfo.ZoneInfo("Europe/London")).replace(tzinfo=None, microsecond=0)
    assert row[:7] == [
        customer.pk,
        "杭州西湖贸易有限公司",
        customer.credit_code,
        "active",
        "Region a",
        "Office a",
        director.username,
    ]
    assert row[7].replace(microsecond=0) == london
    assert row[8:] == [datetime.datetime(2020, 5, 1), 120, "A"]
    sheet = workbook_of(client.get("/api/v1/customers/export.xlsx?q=杭州")).active
    assert (sheet["H2"].number_format, sheet["I2"].number_format) == ("yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd")


def test_money_is_a_number_with_two_places_and_cost_stays_hidden_from_reps(org, client_for):
    build_catalog(org.admin)

    admin_sheet = workbook_of(client_for(org.admin).get("/api/v1/products/export.xlsx?q=V-200")).active
    rep_rows = rows_of(
        client_for(org.a.user("sales_rep")).get(reverse("catalog:product_list"), {"format": "xlsx", "q": "V-200"})
    )

    header = [cell.value for cell in admin_sheet[1]]
    price = admin_sheet.cell(row=2, column=header.index("list_price") + 1)
    cost = admin_sheet.cell(row=2, column=header.index("standard_cost") + 1)
    tax = admin_sheet.cell(row=2, column=header.index("tax_rate") + 1)
    assert (price.value, price.number_format, price.data_type) == (80.5, "0.00", "n")
    assert Decimal(str(cost.value)) == Decimal("41.25")
    assert (tax.value, tax.number_format) == (0.13, "0.0000")
    assert "standard_cost" not in rep_rows[0]
    assert rep_rows[1][rep_rows[0].index("name")] == "球阀"


def test_text_that_looks_like_a_formula_stays_text(org, client_for):
    director = org.a.user("regional_director")
    create_customer(actor=director, name='=HYPERLINK("http://x")', credit_code=credit_code(), office=org.a.office)

    sheet = workbook_of(client_for(director).get("/api/v1/customers/export.xlsx?q=HYPERLINK")).active

    cell = sheet["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)


def test_stock_and_orders_pages_export_excel_with_quantities_and_amounts(org, client_for):
    shop = build_shop(org)
    order = draft(shop, quantity="3")
    director = client_for(org.a.user("regional_director"))

    stock = rows_of(director.get(reverse("inventory:list"), {"format": "xlsx"}))
    orders = workbook_of(director.get(reverse("orders:list"), {"format": "xlsx"})).active

    assert stock[0] == ["sku", "product", "unit", "warehouse", "on_hand", "reserved", "available", "safety_minimum"]
    assert stock[1][:5] == ["P-001", "产品 P-001", "件", "wh-a", 10]
    header = [cell.value for cell in orders[1]]
    total = orders.cell(row=2, column=header.index("total") + 1)
    assert orders.cell(row=2, column=header.index("number") + 1).value == order.number
    assert (Decimal(str(total.value)), total.number_format) == (order.total, "0.00")


def test_api_keys_export_excel_with_the_read_scope(org):
    build_shop(org)
    headers = bearer(api_key_for(org.a.user("warehouse"), scopes=["stock:read"]))

    assert Client().get("/api/v1/stock/export.xlsx", **headers).status_code == 200
    assert Client().get("/api/v1/orders/export.xlsx", **headers).status_code == 403


LIST_PAGES = [
    "customers:list",
    "catalog:product_list",
    "inventory:list",
    "orders:list",
    "orders:shipment_list",
    "billing:invoice_list",
    "billing:payment_list",
    "billing:aging",
]


@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_pages_link_excel_beside_csv_and_answer_both(org, client_for, page):
    client = client_for(org.admin)

    html = client.get(reverse(page)).content.decode()
    csv = client.get(reverse(page), {"format": "csv"})
    xlsx = client.get(reverse(page), {"format": "xlsx"})

    assert "format=csv" in html
    assert "format=xlsx" in html
    assert rows_of(xlsx)[0] == csv_header(csv)


def test_every_csv_export_route_has_an_excel_twin_with_the_same_columns(org):
    client = Client()
    headers = bearer(api_key_for(org.admin))
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    csv_routes = sorted(path for path in paths if path.endswith("/export.csv"))

    assert [path.replace(".csv", ".xlsx") for path in csv_routes] == sorted(
        path for path in paths if path.endswith("/export.xlsx")
    )
    assert len(csv_routes) >= 8
    for path in csv_routes:
        csv, xlsx = client.get(path, **headers), client.get(path.replace(".csv", ".xlsx"), **headers)
        assert rows_of(xlsx)[0] == csv_header(csv), path
