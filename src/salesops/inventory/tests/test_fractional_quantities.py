"""Fractional quantities add up exactly on both databases (SQLite computes in binary floating point)."""

from decimal import Decimal

import pytest

from salesops.inventory.actions import StockLine, receive_stock, release_stock, reserve_stock, ship_stock
from salesops.testing.stock import ledger_totals, level, make_product, make_warehouse

pytestmark = pytest.mark.django_db


def test_the_last_fraction_of_a_unit_can_be_reserved_shipped_and_released(org):
    product, warehouse = make_product(), make_warehouse(org.a.region)
    receive_stock(product=product, warehouse=warehouse, quantity="0.3", actor=org.admin)

    reserve_stock([StockLine(product, warehouse, Decimal("0.1"))], source=warehouse, actor=org.admin)
    reserve_stock([StockLine(product, warehouse, Decimal("0.2"))], source=warehouse, actor=org.admin)
    assert level(product, warehouse).available == 0

    release_stock([StockLine(product, warehouse, Decimal("0.1"))], source=warehouse, actor=org.admin)
    ship_stock([StockLine(product, warehouse, Decimal("0.2"))], source=warehouse, actor=org.admin)
    stock = level(product, warehouse)
    assert (stock.on_hand, stock.reserved, stock.available) == (Decimal("0.1"), 0, Decimal("0.1"))
    assert ledger_totals(product, warehouse) == (Decimal("0.1"), 0)
