"""Stock reservation: all or nothing, never oversold under concurrency, and the ledger always adds up."""

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection

from salesops.core.models import Event
from salesops.customers.models import Customer
from salesops.inventory.actions import (
    InsufficientStock,
    StockLine,
    adjust_stock,
    receive_stock,
    release_stock,
    reserve_stock,
    ship_stock,
)
from salesops.inventory.models import SafetyStock
from salesops.testing.org import build_org
from salesops.testing.stock import ledger_totals, level, make_product, make_warehouse


@pytest.fixture
def stocked(org):
    product = make_product()
    warehouse = make_warehouse(org.a.region)
    receive_stock(product=product, warehouse=warehouse, quantity="10", actor=org.admin)
    return product, warehouse


def test_reserve_release_ship_keep_level_and_ledger_equal(org, stocked):
    product, warehouse = stocked
    source = org.a.customer

    reserve_stock([StockLine(product, warehouse, Decimal("4"))], source=source, actor=org.admin)
    release_stock([StockLine(product, warehouse, Decimal("1"))], source=source, actor=org.admin)
    ship_stock([StockLine(product, warehouse, Decimal("2"))], source=source, actor=org.admin)

    current = level(product, warehouse)
    assert (current.on_hand, current.reserved, current.available) == (Decimal(8), Decimal(1), Decimal(7))
    assert ledger_totals(product, warehouse) == (current.on_hand, current.reserved)
    assert list(
        Event.objects.filter(subject_type="customers.customer", subject_id=str(source.pk), type__startswith="stock.")
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["stock.reserved", "stock.released", "stock.shipped"]


def test_a_shortage_on_one_line_reserves_nothing(org, stocked):
    product, warehouse = stocked
    other = make_product("P-002")
    receive_stock(product=other, warehouse=warehouse, quantity="1", actor=org.admin)

    with pytest.raises(InsufficientStock) as caught:
        reserve_stock(
            [StockLine(product, warehouse, Decimal("3")), StockLine(other, warehouse, Decimal("2"))],
            source=org.a.customer,
            actor=org.admin,
        )

    assert caught.value.shortages == [
        {"sku": "P-002", "warehouse": "wh-a", "requested": Decimal("2"), "available": Decimal("1")}
    ]
    assert level(product, warehouse).reserved == 0
    assert level(other, warehouse).reserved == 0
    assert not Event.objects.filter(type="stock.reserved").exists()


def test_lines_for_the_same_product_are_added_up(org, stocked):
    product, warehouse = stocked
    with pytest.raises(InsufficientStock):
        reserve_stock(
            [StockLine(product, warehouse, Decimal("6")), StockLine(product, warehouse, Decimal("5"))],
            source=org.a.customer,
            actor=org.admin,
        )
    assert level(product, warehouse).reserved == 0


def test_adjustments_never_take_on_hand_below_reserved(org, stocked):
    from django.core.exceptions import ValidationError

    product, warehouse = stocked
    reserve_stock([StockLine(product, warehouse, Decimal("7"))], source=org.a.customer, actor=org.admin)
    with pytest.raises(ValidationError) as caught:
        adjust_stock(product=product, warehouse=warehouse, change="-4", reason="count", actor=org.admin)
    assert "change" in caught.value.message_dict
    adjust_stock(product=product, warehouse=warehouse, change="-3", reason="damaged", actor=org.admin)
    assert level(product, warehouse).available == 0


def test_falling_below_safety_stock_raises_one_alert_per_crossing(org, stocked):
    product, warehouse = stocked
    SafetyStock.objects.create(product=product, warehouse=warehouse, minimum=Decimal("5"))
    line = StockLine(product, warehouse, Decimal("3"))

    reserve_stock([line], source=org.a.customer, actor=org.admin)  # 7 available: above
    reserve_stock([line], source=org.a.customer, actor=org.admin)  # 4: crosses below
    reserve_stock([StockLine(product, warehouse, Decimal("1"))], source=org.a.customer, actor=org.admin)  # 3: still

    alerts = Event.objects.filter(type="stock.below_safety")
    assert alerts.count() == 1
    assert alerts.get().payload["data"] == {
        "product": "P-001",
        "warehouse": "wh-a",
        "available": "4.000",
        "minimum": "5.000",
    }


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.0001", "1e12"])
def test_bad_receipt_quantities_are_refused(org, stocked, bad):
    from django.core.exceptions import ValidationError

    product, warehouse = stocked
    with pytest.raises(ValidationError) as caught:
        receive_stock(product=product, warehouse=warehouse, quantity=bad, actor=org.admin)
    assert "quantity" in caught.value.message_dict
    assert level(product, warehouse).on_hand == 10


def test_only_warehouse_staff_change_stock(org, stocked):
    from django.core.exceptions import PermissionDenied

    product, warehouse = stocked
    with pytest.raises(PermissionDenied):
        receive_stock(product=product, warehouse=warehouse, quantity="1", actor=org.a.user("sales_rep"))
    receive_stock(product=product, warehouse=warehouse, quantity="1", actor=org.a.user("warehouse"))
    assert level(product, warehouse).on_hand == 11


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_clients_never_oversell_the_last_units():
    # Given 10 units and 16 clients that each want 1 to 3 of them at the same moment
    org = build_org()
    product = make_product()
    warehouse = make_warehouse(org.a.region)
    receive_stock(product=product, warehouse=warehouse, quantity="10", actor=org.admin)
    rng = random.Random(16)
    wanted = [Decimal(rng.randint(1, 3)) for _ in range(16)]
    sources = [
        Customer.objects.create(
            name=f"Client {n}",
            credit_code=f"C{n:017d}",
            office=org.a.office,
            region=org.a.region,
            owner=org.a.user("sales_rep"),
        )
        for n in range(16)
    ]
    confirmed, refused, errors = [], [], []
    barrier = threading.Barrier(16)

    def client(index):
        try:
            barrier.wait()
            reserve_stock([StockLine(product, warehouse, wanted[index])], source=sources[index], actor=org.admin)
            confirmed.append(index)
        except InsufficientStock as exc:
            refused.append(exc.shortages[0])
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then no error, nothing oversold, every refusal says why, and the ledger matches the level
    current = level(product, warehouse)
    reserved = sum((wanted[index] for index in confirmed), Decimal(0))
    assert errors == []
    assert len(confirmed) + len(refused) == 16
    assert current.reserved == reserved <= 10
    assert current.available == 10 - reserved
    assert all(shortage["requested"] > shortage["available"] for shortage in refused)
    # Clients kept coming until the rest could not be served: what is left is less than any refused request.
    assert current.available < min((shortage["requested"] for shortage in refused), default=Decimal(99))
    assert ledger_totals(product, warehouse) == (current.on_hand, current.reserved)
    assert Event.objects.filter(type="stock.reserved").count() == len(confirmed)
