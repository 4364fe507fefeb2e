"""Importing products: prices and VAT rates are exact decimals whether they come as CSV text or Excel numbers."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from salesops.catalog.models import Product
from salesops.core.imports import create_job
from salesops.core.models import CustomFieldDefinition, Event, ImportJob
from salesops.testing.imports import csv_file, problems, run_import, xlsx_file

HEADER = ["SKU", "名称", "产品线", "单位", "标价", "标准成本", "税率", "启用"]


def test_a_good_csv_creates_every_product_with_its_event(org, catalog):
    content = csv_file(
        [
            HEADER,
            ["IMP-1", "导入离心泵", "pumps", "台", "1,200.50", "800", "13%", "是"],
            ["IMP-2", "导入球阀", "工业泵", "", "80.5", "41.25", "", "false"],
        ]
    )

    job = run_import("products", content, org.admin)

    assert (job.status, job.created_count) == ("done", 2)
    pump, valve = Product.objects.get(sku="IMP-1"), Product.objects.get(sku="IMP-2")
    assert (pump.name, pump.line, pump.unit, pump.list_price, pump.standard_cost, pump.tax_rate, pump.is_active) == (
        "导入离心泵",
        catalog.line,
        "台",
        Decimal("1200.50"),
        Decimal("800.00"),
        Decimal("0.1300"),
        True,
    )
    assert (valve.unit, valve.list_price, valve.tax_rate, valve.is_active) == (
        "件",
        Decimal("80.50"),
        Decimal("0.1300"),
        False,
    )
    assert Event.objects.filter(type="product.created", subject_id__in=[pump.pk, valve.pk]).count() == 2


def test_numeric_excel_cells_become_exact_decimals(org, catalog):
    # openpyxl hands over binary floats: 0.1 + 0.2 is 0.30000000000000004, which Excel shows as 0.3.
    content = xlsx_file(
        [
            ["sku", "name", "line", "list_price", "standard_cost", "tax_rate"],
            [10001, "数字编码产品", "pumps", 1200.5, 0.1 + 0.2, 0.09],
            ["X-2", "整数价格", "pumps", 99, 45.0, 0],
        ]
    )

    job = run_import("products", content, org.admin, filename="products.xlsx")

    assert job.status == "done", job.errors
    first, second = Product.objects.get(sku="10001"), Product.objects.get(sku="X-2")
    assert (first.list_price, first.standard_cost, first.tax_rate) == (
        Decimal("1200.50"),
        Decimal("0.30"),
        Decimal("0.0900"),
    )
    assert (second.list_price, second.standard_cost, second.tax_rate) == (
        Decimal("99.00"),
        Decimal("45.00"),
        Decimal("0.0000"),
    )


def test_bad_rows_create_nothing_and_are_reported_by_row_and_column(org, catalog):
    content = xlsx_file(
        [
            ["sku", "name", "line", "list_price", "standard_cost", "tax_rate", "is_active"],
            ["OK-1", "好产品", "pumps", "10.00", "5.00", None, None],
            [catalog.pump.sku, "已有编码", "pumps", 12.345, "-1", 1.5, "maybe"],
            ["OK-2", None, "valves", "ten", "5", None, None],
        ]
    )

    job = run_import("products", content, org.admin, filename="products.xlsx")

    assert job.status == "rejected"
    assert problems(job) == [
        (3, "sku", "Another product already has this SKU."),
        (3, "list_price", "At most 2 decimal places."),
        (3, "standard_cost", "Must be at least 0."),
        (3, "tax_rate", "Must be at most 1."),
        (3, "is_active", "Enter true or false."),
        (4, "line", "No product line has this code or name."),
        (4, "name", "Enter the product name."),
        (4, "list_price", "Enter a number."),
    ]
    assert not Product.objects.filter(sku__startswith="OK-").exists()


def test_the_same_sku_twice_in_the_file_is_refused(org, catalog):
    content = csv_file(
        [HEADER, ["D-1", "甲", "pumps", "", "1", "1", "", ""], ["d-1", "乙", "pumps", "", "1", "1", "", ""]]
    )

    job = run_import("products", content, org.admin)

    assert problems(job) == [(3, "SKU", "Row 2 already has this value.")]
    assert not Product.objects.filter(sku__iexact="d-1").exists()


def test_product_custom_fields_are_columns(org, catalog):
    CustomFieldDefinition.objects.create(
        model="catalog.product", name="weight", label="重量", label_en="Weight", field_type="decimal"
    )
    content = csv_file([[*HEADER, "重量"], ["CF-1", "带重量", "pumps", "", "1", "1", "", "", "12.5"]])

    job = run_import("products", content, org.admin)

    assert job.status == "done", job.errors
    assert Product.objects.get(sku="CF-1").custom_fields == {"weight": "12.50"}


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "finance", "warehouse", "dealer"])
def test_only_administrators_import_products(org, catalog, role):
    with pytest.raises(PermissionDenied):
        create_job(
            kind="products",
            filename="p.csv",
            content=csv_file([HEADER, ["N-1", "甲", "pumps", "", "1", "1", "", ""]]),
            actor=org.a.user(role),
        )
    assert not ImportJob.objects.exists()
