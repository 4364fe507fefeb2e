"""`salesops demo-data`: the demo company and a year of its order-to-cash history (deterministic)."""

from django.core.management.base import BaseCommand

from salesops.web.demo_company import load_demo_company


class Command(BaseCommand):
    help = (
        "Load the demo company: 3 regions, 9 offices, 40 reps, 500 customers, 200 products in 8 lines, 3 warehouses "
        "and one year of quotes, orders, shipments, invoices and payments (with late payers). Does nothing to a "
        "database that has orders already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed, the same company).")
        parser.add_argument("--days", type=int, default=365, help="How many days of history to replay.")
        parser.add_argument("--orders-per-day", type=float, default=4.5, help="Average orders per business day.")

    def handle(self, *args, **options):
        load_demo_company(
            seed=options["seed"],
            days=options["days"],
            orders_per_day=options["orders_per_day"],
            say=self.stdout.write,
        )
