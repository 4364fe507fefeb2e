"""Benchmark: stock reservations through `inventory.actions.reserve_stock` against hand-written SQL doing the same
reads and writes, in the same run on the same database.

Both sides reserve 5 lines per document in one transaction: a conditional UPDATE per line, a ledger row per line
and one outbox event. The action also merges and sorts lines, reads each level back for the safety-stock check
and records the event through the outbox (with its handler deliveries).

Run on demand (not part of the test suite):
    .venv/bin/python benchmarks/stock_reservation.py [--documents 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/salesops_bench .venv/bin/python benchmarks/stock_reservation.py
With no DATABASE_URL it uses a fresh SQLite file in a temporary directory.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

LINES_PER_DOCUMENT = 5


def setup_django() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    scratch = tempfile.mkdtemp(prefix="salesops-bench-")
    os.environ.setdefault("SALESOPS_VAR_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def prepare(products: int):
    from salesops.accounts.models import OrgUnit, Role, User
    from salesops.catalog.models import Product, ProductLine
    from salesops.customers.models import Customer
    from salesops.inventory.actions import receive_stock
    from salesops.inventory.models import Warehouse

    suffix = uuid.uuid4().hex[:8]
    company = OrgUnit.objects.create(kind="company", name="Bench", code=f"bench-{suffix}")
    region = OrgUnit.objects.create(kind="region", name="Region", code=f"region-{suffix}", parent=company)
    office = OrgUnit.objects.create(kind="office", name="Office", code=f"office-{suffix}", parent=region)
    keeper = User.objects.create(username=f"keeper-{suffix}", role=Role.ADMIN, is_superuser=True, org_unit=company)
    line = ProductLine.objects.create(code=f"line-{suffix}", name="Line")
    items = [
        Product.objects.create(
            sku=f"B-{suffix}-{n}", name=f"P{n}", line=line, list_price=Decimal(10), standard_cost=Decimal(5)
        )
        for n in range(products)
    ]
    warehouse = Warehouse.objects.create(code=f"wh-{suffix}", name="WH", region=region)
    for product in items:
        receive_stock(product=product, warehouse=warehouse, quantity=Decimal("1000000"), actor=keeper)
    source = Customer.objects.create(
        name="Bench customer", credit_code=f"B{suffix}".ljust(18, "0")[:18], office=office, region=region, owner=keeper
    )
    return keeper, items, warehouse, source


def run_actions(documents: int, keeper, products, warehouse, source) -> float:
    from salesops.inventory.actions import StockLine, reserve_stock

    start = time.perf_counter()
    for number in range(documents):
        lines = [
            StockLine(products[(number + k) % len(products)], warehouse, Decimal(1)) for k in range(LINES_PER_DOCUMENT)
        ]
        reserve_stock(lines, source=source, actor=keeper)
    return time.perf_counter() - start


def run_baseline(documents: int, keeper, products, warehouse, source) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    levels = "inventory_stocklevel"
    movements = "inventory_stockmovement"
    events = "core_event"
    start = time.perf_counter()
    for number in range(documents):
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            lines = []
            for k in range(LINES_PER_DOCUMENT):
                product = products[(number + k) % len(products)]
                cursor.execute(
                    f"UPDATE {levels} SET reserved = reserved + %s, updated_at = %s "
                    "WHERE product_id = %s AND warehouse_id = %s AND on_hand >= reserved + %s",
                    [Decimal(1), now, product.pk, warehouse.pk, Decimal(1)],
                )
                assert cursor.rowcount == 1
                cursor.execute(
                    f"INSERT INTO {movements} (product_id, warehouse_id, kind, on_hand_change, reserved_change, "
                    "source_type, source_id, note, actor_id, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        product.pk,
                        warehouse.pk,
                        "reservation",
                        Decimal(0),
                        Decimal(1),
                        "customers.customer",
                        str(source.pk),
                        "",
                        keeper.pk,
                        now,
                    ],
                )
                lines.append({"product": product.sku, "warehouse": warehouse.code, "quantity": "1"})
            cursor.execute(
                f"INSERT INTO {events} (uuid, type, subject_type, subject_id, subject_label, actor_id, actor_label, "
                "occurred_at, payload) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4(),
                    "stock.reserved",
                    "customers.customer",
                    str(source.pk),
                    source.name,
                    keeper.pk,
                    keeper.username,
                    now,
                    json.dumps({"data": {"lines": lines}}),
                ],
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--products", type=int, default=50)
    options = parser.parse_args()
    vendor = setup_django()
    keeper, products, warehouse, source = prepare(options.products)
    run_baseline(50, keeper, products, warehouse, source)  # warm up both paths
    run_actions(50, keeper, products, warehouse, source)
    baseline = run_baseline(options.documents, keeper, products, warehouse, source)
    actions = run_actions(options.documents, keeper, products, warehouse, source)
    per_second_actions = options.documents / actions
    per_second_baseline = options.documents / baseline
    print(f"database: {vendor}; {options.documents} documents of {LINES_PER_DOCUMENT} lines")
    print(f"raw SQL baseline: {per_second_baseline:8.1f} reservations/s")
    print(f"reserve_stock:    {per_second_actions:8.1f} reservations/s")
    print(f"ratio (actions / baseline): {per_second_actions / per_second_baseline:.2f}")


if __name__ == "__main__":
    main()
