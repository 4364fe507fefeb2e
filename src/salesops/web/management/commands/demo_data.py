"""`salesops demo-data`: the demo company and a year of its order-to-cash history (deterministic).

`--scale large` loads the company of 1,000 reps and its 400,000 orders in bulk instead (web/demo_large.py)."""

from django.core.management.base import BaseCommand

from salesops.web.demo_company import load_demo_company
from salesops.web.demo_large import ORDERS, load_large_demo


class Command(BaseCommand):
    help = (
        "Load the demo company: 3 regions, 9 offices, 40 reps, 500 customers, 200 products in 8 lines, 3 warehouses "
        "and one year of quotes, orders, shipments, invoices and payments (with late payers). With --scale large: "
        "30 offices, 1,000 reps, 10,000 customers and about 400,000 orders of 5 lines, written in bulk, with their "
        "events and the rollup deliveries pending. Does nothing to a database that has orders already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed, the same company).")
        parser.add_argument("--days", type=int, default=365, help="How many days of history to replay.")
        parser.add_argument("--orders-per-day", type=float, default=4.5, help="Average orders per business day.")
        parser.add_argument("--scale", choices=["demo", "large"], default="demo", help="The demo size.")
        parser.add_argument(
            "--orders", type=int, default=ORDERS, help="With --scale large: how many orders (default 400,000)."
        )

    def handle(self, *args, **options):
        if options["scale"] == "large":
            load_large_demo(orders=options["orders"], seed=options["seed"], days=options["days"], say=self.stdout.write)
            return
        load_demo_company(
            seed=options["seed"],
            days=options["days"],
            orders_per_day=options["orders_per_day"],
            say=self.stdout.write,
        )
