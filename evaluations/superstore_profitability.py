"""Reconcile the profitability report with a real data set: the Tableau "Sample - Superstore" orders.

Converts the CSV into a `sales_ledger` import file (Region -> a region org unit, Category -> a product line,
Sales -> revenue, Profit -> profit, Quantity, Order Date, Order ID -> order reference), creates the 4 regions and
3 product lines it needs through actions, imports the file through the same import job as `salesops import
sales_ledger FILE`, runs the report by region x product line and compares it with an independent sum of the CSV
(csv module + Decimal, no pandas, no salesops code): every cell's revenue and profit, and the totals 2,297,200.86
and 286,397.02. Prints the table and PASS or FAIL (exit status 1).

Run on demand, never from the test suite (it reads /work/shared):

    .venv/bin/python evaluations/superstore_profitability.py ["/work/shared/data/superstore/Sample - Superstore.csv"]

With no DATABASE_URL it uses a fresh SQLite file in a temporary directory.
"""

import argparse
import csv
import datetime
import io
import os
import sys
import tempfile
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DEFAULT_PATH = "/work/shared/data/superstore/Sample - Superstore.csv"
EXPECTED_SALES = Decimal("2297200.86")
EXPECTED_PROFIT = Decimal("286397.02")
CENT = Decimal("0.01")


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    scratch = tempfile.mkdtemp(prefix="salesops-superstore-")
    os.environ.setdefault("SALESOPS_VAR_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def read_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # the data set also circulates in Windows-1252
        text = raw.decode("cp1252")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def slug(text: str) -> str:
    return "".join(character if character.isalnum() else "-" for character in text.strip().casefold())


def us_date(text: str) -> str:
    month, day, year = (int(part) for part in text.split("/"))
    return datetime.date(year, month, day).isoformat()


def independent_sums(rows: list[dict[str, str]]) -> dict[tuple[str, str], list[Decimal]]:
    """Sales and profit per (region, category), exact, straight from the CSV text."""
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        cell = sums[(row["Region"], row["Category"])]
        cell[0] += Decimal(row["Sales"])
        cell[1] += Decimal(row["Profit"])
    return sums


def ledger_file(rows: list[dict[str, str]]) -> bytes:
    """The CSV as a sales_ledger import file (UTF-8, the import's own headers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["date", "order_ref", "region", "product_line", "quantity", "revenue", "profit"])
    for row in rows:
        writer.writerow(
            [
                us_date(row["Order Date"]),
                row["Order ID"],
                f"superstore-{slug(row['Region'])}",
                f"superstore-{slug(row['Category'])}",
                row["Quantity"],
                row["Sales"],
                row["Profit"],
            ]
        )
    return buffer.getvalue().encode()


def prepare(rows: list[dict[str, str]]):
    """An administrator, a company, and the regions and product lines the file names, all through actions."""
    from salesops.accounts.actions import save_org_unit
    from salesops.accounts.models import OrgUnit, Role, User
    from salesops.catalog.actions import create_product_line

    admin = User.objects.create(username="superstore-admin", role=Role.ADMIN, is_superuser=True, is_staff=True)
    company = save_org_unit(OrgUnit(kind="company", name="Superstore", code="superstore"), actor=admin)
    for region in sorted({row["Region"] for row in rows}):
        unit = OrgUnit(kind="region", name=region, code=f"superstore-{slug(region)}", parent=company)
        save_org_unit(unit, actor=admin)
    for category in sorted({row["Category"] for row in rows}):
        create_product_line(actor=admin, code=f"superstore-{slug(category)}", name=category)
    return admin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"The Superstore CSV (default: {DEFAULT_PATH}).")
    arguments = parser.parse_args()
    rows = read_rows(Path(arguments.path))
    expected = independent_sums(rows)

    setup_django()
    from salesops.core.imports import create_job, run_job
    from salesops.core.models import ImportJob
    from salesops.costs.queries import profitability

    admin = prepare(rows)
    started = time.perf_counter()
    job = create_job(kind="sales_ledger", filename="superstore-ledger.csv", content=ledger_file(rows), actor=admin)
    run_job(job)
    imported = time.perf_counter() - started
    if job.status != ImportJob.Status.DONE:
        print(f"FAIL: the import was {job.status}: {job.errors[:10]}")
        return 1
    print(f"Imported {job.created_count} ledger lines of {len(rows)} rows in {imported:.1f} s.")

    started = time.perf_counter()
    report = profitability(admin, group_by=["region", "product_line"])
    elapsed = time.perf_counter() - started
    print(f"Report by region x product line in {elapsed * 1000:.0f} ms.\n")

    failures = []
    header = (
        f"{'region':<10} {'product line':<16} {'revenue':>14} {'profit':>13} {'CSV revenue':>14} {'CSV profit':>13}"
    )
    print(header)
    print("-" * len(header))
    seen = set()
    for row in report.rows:
        region, line = row.members["region"].name, row.members["product_line"].name
        seen.add((region, line))
        sales, profit = (value.quantize(CENT, rounding=ROUND_HALF_UP) for value in expected.get((region, line), [0, 0]))
        revenue, margin = row.figures.revenue, row.figures.margin
        mark = "" if (revenue, margin) == (sales, profit) else "  <- differs"
        if mark:
            failures.append((region, line))
        print(f"{region:<10} {line:<16} {revenue:>14,} {margin:>13,} {sales:>14,} {profit:>13,}{mark}")
    missing = set(expected) - seen
    failures += sorted(missing)
    total_sales = sum((cell[0] for cell in expected.values()), Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
    total_profit = sum((cell[1] for cell in expected.values()), Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
    print("-" * len(header))
    print(
        f"{'total':<27} {report.total.revenue:>14,} {report.total.margin:>13,} {total_sales:>14,} {total_profit:>13,}"
    )
    checks = {
        "cells match the CSV": not failures,
        f"revenue total {EXPECTED_SALES:,}": report.total.revenue == total_sales == EXPECTED_SALES,
        f"profit total {EXPECTED_PROFIT:,}": report.total.margin == total_profit == EXPECTED_PROFIT,
    }
    print()
    for name, passed in checks.items():
        print(f"{'ok  ' if passed else 'FAIL'} {name}")
    passed = all(checks.values())
    print("PASS" if passed else f"FAIL {failures}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
