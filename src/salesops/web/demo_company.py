"""The demo company, loaded step by step through each app's demo loader and the history replay."""

import time
from collections.abc import Callable

from salesops.accounts.demo import load_demo_organisation
from salesops.approvals.demo import load_demo_policy
from salesops.catalog.demo import load_demo_catalog
from salesops.customers.demo import load_demo_customers
from salesops.inventory.demo import load_demo_stock
from salesops.reporting.demo import load_demo_reporting
from salesops.web.demo_history import load_demo_history

CUSTOMERS = 500


def load_demo_company(
    *, seed: int = 2026, days: int = 365, orders_per_day: float = 4.5, say: Callable[[str], object] = print
) -> list:
    """Create what is missing (each loader skips what exists) and return the demo logins."""
    logins = load_demo_organisation()
    for label, loader in (
        ("customers", lambda: load_demo_customers(total=CUSTOMERS, seed=seed)),
        ("products", lambda: load_demo_catalog(seed=seed)),
        ("opening stock receipts", lambda: load_demo_stock(seed=seed)),
    ):
        created = loader()
        if created:
            say(f"Created {created} demo {label}.")
    if load_demo_policy():
        say("Activated the demo approval policy.")
    started = time.monotonic()
    say(f"Replaying {days} days of order-to-cash history (a few minutes the first time)...")
    report = load_demo_history(seed=seed, days=days, orders_per_day=orders_per_day)
    if report is None:
        say("History exists already; nothing replayed.")
    else:
        say(
            f"History: {report.quotes} quotes, {report.orders} orders, {report.shipments} shipments, "
            f"{report.invoices} invoices, {report.payments} payments, {report.corrections} credit notes "
            f"in {time.monotonic() - started:.0f} s."
        )
    rules, events = load_demo_reporting()
    say(f"Dashboard: {rules} alert rules, rollups rebuilt from {events} events.")
    return logins
