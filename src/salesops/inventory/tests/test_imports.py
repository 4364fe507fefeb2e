"""Importing opening stock: each row is a goods-in through `receive_stock` with the note "opening balance"."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from salesops.core.imports import create_job
from salesops.core.models import Event, ImportJob
from salesops.inventory.actions import receive_stock
from salesops.inventory.models import StockLevel, StockMovement
from salesops.testing.imports import csv_file, problems, run_import, xlsx_file
from salesops.testing.stock import level, make_product, make_warehouse


@pytest.fixture
def stock_setup(org):
    return {
        "pump": make_product("P-1"),
        "valve": make_product("V-1"),
        "north": make_warehouse(org.a.region, "wh-north"),
        "south": make_warehouse(org.b.region, "wh-south"),
    }


def test_opening_stock_is_received_with_its_note_and_events(org, stock_setup):
    keeper = org.a.user("warehouse")
    content = xlsx_file(
        [
            ["SKU", "仓库", "数量"],
            ["P-1", "wh-north", 12.5],
            ["P-1", "仓库 wh-south", "3"],
            ["V-1", "wh-north", 0.001],
        ]
    )

    job = run_import("stock", content, keeper, filename="stock.xlsx")

    assert (job.status, job.created_count) == ("done", 3), job.errors
    pump, valve, north, south = (stock_setup[k] for k in ("pump", "valve", "north", "south"))
    assert level(pump, north).on_hand == Decimal("12.500")
    assert level(pump, south).on_hand == Decimal("3.000")
    assert level(valve, north).on_hand == Decimal("0.001")
    movements = StockMovement.objects.order_by("id")
    assert [(m.kind, m.note, m.actor) for m in movements] == [("receipt", "opening balance", keeper)] * 3
    assert Event.objects.filter(type="stock.received").count() == 3


def test_bad_rows_create_no_stock_and_are_reported(org, stock_setup):
    receive_stock(product=stock_setup["valve"], warehouse=stock_setup["south"], quantity=1, actor=org.admin)
    content = csv_file(
        [
            ["sku", "warehouse", "quantity"],
            ["P-1", "wh-north", "10"],
            ["NOPE", "wh-east", "-2"],
            ["V-1", "wh-south", "1.0005"],
            ["", "wh-north", "1"],
            ["P-1", "WH-NORTH", "4"],
        ]
    )

    job = run_import("stock", content, org.admin)

    assert job.status == "rejected"
    assert problems(job) == [
        (3, "sku", "No product has this SKU."),
        (3, "warehouse", "No active warehouse has this code or name."),
        (3, "quantity", "Enter a quantity above zero."),
        (4, "quantity", "At most 3 decimal places."),
        (
            4,
            "sku",
            "This product already has stock movements in this warehouse: use goods in or a correction.",
        ),
        (5, "sku", "Fill in this cell."),
        (6, "sku", "Row 2 already has this value."),
    ]
    assert not StockLevel.objects.filter(product=stock_setup["pump"]).exists()


@pytest.mark.parametrize("role", ["sales_rep", "finance", "sales_manager", "dealer"])
def test_only_warehouse_staff_and_administrators_import_stock(org, stock_setup, role):
    with pytest.raises(PermissionDenied):
        create_job(kind="stock", filename="s.csv", content=csv_file([["sku"], ["P-1"]]), actor=org.a.user(role))
    assert not ImportJob.objects.exists()
