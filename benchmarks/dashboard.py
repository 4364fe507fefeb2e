"""Benchmark: the process dashboard at realistic scale, against a full scan of the raw tables.

Loads the large demo (`salesops demo-data --scale large`: 400,000 orders of about 5 lines for 1,000 reps, or
`--orders N`) into a scratch database, then prints one line per figure:

1. Catch-up. The load leaves one pending delivery to the rollup handler per stage event, as a bulk import would;
   the dispatcher drains them (`deliver_pending`, BATCH_SIZE events per transaction): seconds and events/s.
2. Page against scan. For the admin (company-wide) and a regional director, for the past year, ungrouped and
   grouped by region, product line and salesperson: the dashboard page (Django test client GET /reporting/,
   signed in, the median of `--rounds` requests) against computing the same figures by a straightforward scan of
   the raw tables (core_event's stage events joined to the orders and their lines, entering and leaving events
   paired per stage and order in Python). Both must give the same counts (documents in stage now, arrivals,
   completions, delayed, per stage and group; the script stops otherwise); prints both times and the ratio
   (goal: the page at least 100 times faster).

Run on demand (not part of the test suite):
    .venv/bin/python benchmarks/dashboard.py --orders 20000
    .venv/bin/python benchmarks/dashboard.py --database postgres --orders 20000
    .venv/bin/python benchmarks/dashboard.py                       # the full 400,000 orders
With --database postgres it creates the database named in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/salesops_dashboard_bench; it must not exist) and drops it at the end; with
sqlite a fresh file in a temporary directory. `--keep` leaves the loaded database in place (and prints where), and
`--reuse DIRECTORY` (SQLite) or `--reuse` (PostgreSQL, the database in DATABASE_URL) measures on such a database
without loading it again: the full load takes most of an hour. `--profile [GROUPING]` profiles the admin's page
(company-wide, or grouped by region, product_line or salesperson) instead of comparing.
"""

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from order_pipeline import create_database, drop_database, setup_django

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/salesops_dashboard_bench"
GROUPINGS = [None, "region", "product_line", "salesperson"]


def load(orders: int) -> None:
    from salesops.web.demo_large import load_large_demo

    start = time.perf_counter()
    report = load_large_demo(orders=orders, say=lambda text: None)
    print(
        f"0. load: {report.orders} orders, {report.lines} lines, {report.events} events, {report.rows} rows in "
        f"{time.perf_counter() - start:.0f} s ({report.seconds:.0f} s for the history)"
    )


def catch_up() -> None:
    from salesops.core.dispatch import deliver_pending

    start, delivered = time.perf_counter(), 0
    while True:
        report = deliver_pending()
        if not report.delivered:
            break
        delivered += report.delivered
    elapsed = time.perf_counter() - start
    print(f"1. catch-up: {delivered} stage events applied in {elapsed:.1f} s, {delivered / elapsed:.0f} events/s")


# --- the scan --------------------------------------------------------------------------------------------------


def scan(start: datetime.date, end: datetime.date, group_by: str | None, regions: set[int] | None) -> dict:
    """Figures per (stage, group) from the raw tables: pair each order's entering and leaving events per stage
    (a visit opens on the first entering event and closes on the first leaving one, as the rollups define it)."""
    from django.db import connection

    from salesops.core.timezones import company_zone
    from salesops.reporting.stages import stages

    zone = company_zone()
    order_stages = [item for item in stages() if item.subject_type == "orders.salesorder"]
    types = sorted({name for item in order_stages for name in item.enter | item.leave})
    entering = {name: [item for item in order_stages if name in item.enter] for name in types}
    leaving = {name: [item for item in order_stages if name in item.leave] for name in types}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, region_id, owner_id FROM orders_salesorder")
        orders = {pk: (region, owner) for pk, region, owner in cursor.fetchall()}
        lines: dict[int, set[int]] = defaultdict(set)
        if group_by == "product_line":
            cursor.execute(
                "SELECT l.order_id, p.line_id FROM orders_orderline l JOIN catalog_product p ON p.id = l.product_id"
            )
            for order_id, line_id in cursor.fetchall():
                lines[order_id].add(line_id)
        placeholders = ", ".join(["%s"] * len(types))
        cursor.execute(
            f"SELECT type, subject_id, occurred_at FROM core_event WHERE subject_type = 'orders.salesorder' "
            f"AND type IN ({placeholders}) ORDER BY id",
            types,
        )
        events = cursor.fetchall()
    converter = connection.ops.convert_datetimefield_value if connection.vendor == "sqlite" else None
    figures: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    open_visits: dict[tuple[str, int], datetime.datetime] = {}

    def groups(order_id: int) -> list[int | None]:
        region, owner = orders[order_id]
        if regions is not None and region not in regions:
            return []
        if group_by == "region":
            return [region]
        if group_by == "salesperson":
            return [owner]
        if group_by == "product_line":
            return sorted(lines[order_id])
        return [None]

    for kind, subject_id, occurred_at in events:
        order_id = int(subject_id)
        if converter is not None:
            occurred_at = converter(occurred_at, None, connection)
        for item in leaving[kind]:
            entered = open_visits.pop((item.key, order_id), None)
            if entered is None:
                continue
            day = occurred_at.astimezone(zone).date()
            delayed = occurred_at - entered > datetime.timedelta(hours=item.target_hours)
            for group in groups(order_id):
                figure = figures[item.key, group]
                figure[0] -= 1
                if start <= day <= end:
                    figure[2] += 1
                    figure[3] += delayed
        for item in entering[kind]:
            if (item.key, order_id) in open_visits:
                continue
            open_visits[item.key, order_id] = occurred_at
            day = occurred_at.astimezone(zone).date()
            for group in groups(order_id):
                figure = figures[item.key, group]
                figure[0] += 1
                if start <= day <= end:
                    figure[1] += 1
    return {key: tuple(values) for key, values in figures.items() if any(values)}


def from_rollups(user, start, end, group_by) -> dict:
    from salesops.reporting.metrics import Slice, stage_metrics

    return {
        (item.stage, item.group): (item.in_stage, item.arrivals, item.completions, item.delayed)
        for item in stage_metrics(user, Slice(start, end, group_by=group_by))
        if any((item.in_stage, item.arrivals, item.completions, item.delayed))
    }


def compare(rounds: int) -> None:
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    from salesops.accounts.models import User
    from salesops.core import clock
    from salesops.reporting.metrics import reach_of

    setup_test_environment()
    # plain static storage: the scratch installation has not run collectstatic (its manifest is missing)
    override_settings(
        STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    end = clock.today()
    start = end - datetime.timedelta(days=364)
    ratios = []
    for username in ("admin", "director_east"):
        user = User.objects.get(username=username)
        reach = reach_of(user)
        client = Client()
        client.force_login(user)
        for group_by in GROUPINGS:
            url = f"/reporting/?start={start}&end={end}" + (f"&group_by={group_by}" if group_by else "")
            assert client.get(url).status_code == 200  # warm
            times = []
            for _ in range(rounds):
                began = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - began)
                assert response.status_code == 200
            page = statistics.median(times)
            began = time.perf_counter()
            scanned = scan(start, end, group_by, None if reach.regions is None else set(reach.regions))
            scan_time = time.perf_counter() - began
            rolled = from_rollups(user, start, end, group_by)
            if rolled != scanned:
                wrong = sorted(set(rolled.items()) ^ set(scanned.items()), key=str)[:6]
                raise SystemExit(f"the rollups and the scan differ for {username}, {group_by}: {wrong}")
            ratios.append(scan_time / page)
            print(
                f"2. {username}, {group_by or 'company-wide'}: page {page * 1000:.0f} ms, scan {scan_time:.2f} s, "
                f"ratio {scan_time / page:.0f}x (goal: 100x or more), {len(rolled)} figures equal"
            )
    print(f"   smallest ratio {min(ratios):.0f}x, median {statistics.median(ratios):.0f}x")


def profile_page(group_by: str | None) -> None:
    import cProfile
    import pstats

    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    from salesops.accounts.models import User
    from salesops.core import clock

    setup_test_environment()
    override_settings(
        STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()
    end = clock.today()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    url = f"/reporting/?start={end - datetime.timedelta(days=364)}&end={end}"
    url += f"&group_by={group_by}" if group_by else ""
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--orders", type=int, default=400_000)
    parser.add_argument("--rounds", type=int, default=5, help="page requests per figure (the median counts)")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="company",
        choices=["company", *GROUPINGS[1:]],
        help="profile the admin's page (company-wide or grouped) and stop",
    )
    parser.add_argument("--keep", action="store_true", help="leave the loaded database in place")
    parser.add_argument(
        "--reuse", nargs="?", const="", metavar="DIRECTORY", help="measure on a database kept by --keep"
    )
    options = parser.parse_args()
    os.environ.setdefault("EMAIL_URL", "locmem://")  # the alerts the catch-up raises are not printed
    if options.database == "postgres":
        os.environ.setdefault("DATABASE_URL", POSTGRES_URL)
    else:
        os.environ.pop("DATABASE_URL", None)
    if options.reuse is not None:
        if options.database == "sqlite":
            if not (Path(options.reuse) / "salesops.sqlite3").exists():
                raise SystemExit(f"no database kept in {options.reuse!r}: give the directory --keep printed")
            os.environ["SALESOPS_VAR_DIR"] = options.reuse
        scratch, postgres_name = None, None
        setup_django()
    else:
        scratch = tempfile.mkdtemp(prefix="salesops-bench-")
        vendor, postgres_name = create_database(scratch)
    try:
        if scratch is not None:
            setup_django()
            print(f"database: {vendor}")
            load(options.orders)
            catch_up()
        if options.profile:
            profile_page(None if options.profile == "company" else options.profile)
        else:
            compare(options.rounds)
    finally:
        if options.keep:
            print(f"kept: {scratch if postgres_name is None else os.environ['DATABASE_URL']} (--reuse it)")
        elif scratch is not None:
            if postgres_name:
                drop_database(postgres_name)
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
