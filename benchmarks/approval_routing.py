"""Benchmark: the approval engine's routing against its compiled conditions alone, and simulation at scale.

Prints one line per figure (SQLite, or PostgreSQL with DATABASE_URL):

1. Routing: `--documents` order contexts (default 10,000, random amounts, discounts, lines, customers and
   submitters) routed through a 20-rule policy by `approvals.routing.route` (what live routing and simulation
   both call), against evaluating the same 20 compiled conditions on the same contexts in a plain loop, in the
   same run: documents/s for both and the ratio (the engine's overhead: reading rules in order, planning and
   merging steps).
2. Simulation: `--history` past orders (default 100,000, with 1-5 lines each, written with bulk inserts)
   replayed by `approvals.simulation.simulate` with the same policy: seconds and documents/s, for the whole
   report (contexts built from the database, routes, approvers resolved, expected times from history).

Run on demand (not part of the test suite):
    .venv/bin/python benchmarks/approval_routing.py [--documents 10000] [--history 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/salesops_bench_routing \
        .venv/bin/python benchmarks/approval_routing.py
"""

import argparse
import datetime
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from order_pipeline import create_database, drop_database, setup_django

ROUNDS = 5
GROUPS = ["dealers", "key-accounts", "retail", None]
PRODUCT_LINES = ["pumps", "valves", "motors", "sensors", "pipes", "seals", "tools", "parts"]
REGIONS = ["east", "south", "north"]
TERMS = ["prepay", "net30", "net60", "net90"]
STATUSES = ["active"] * 18 + ["on_hold", "frozen"]


def policy_document() -> dict:
    """Twenty rules of the kinds companies write: amount bands, discounts beyond limits, customer groups and
    credit, product lines, payment terms, regions; one rejects, one stops the reading early."""
    manager, director, gm = {"kind": "manager"}, {"kind": "director"}, {"kind": "general_manager"}
    finance, risk = {"kind": "role", "value": "finance"}, {"kind": "role", "value": "risk_officer"}

    def route(name, condition, *approvers, parallel=False, stop=False):
        steps = [
            {"name": f"{name} {n}", "approvers": [a], "parallel": parallel and n > 0} for n, a in enumerate(approvers)
        ]
        return {"name": name, "condition": condition, "outcome": "route", "steps": steps, "stop": stop}

    return {
        "rules": [
            {"name": "ban", "condition": "order.total >= 50000000", "outcome": "reject", "message": "too large"},
            route("huge", "order.total >= 5000000", director, gm, parallel=True, stop=True),
            route("very large", "order.total >= 1000000", director, gm),
            route("large", "order.total >= 500000", manager, director),
            route("medium", "order.total >= 200000 && order.total < 500000", manager),
            route("discount", "order.lines.exists(l, l.discount_percent > submitter.discount_limit)", risk),
            route(
                "deep discount",
                "order.lines.exists(l, l.discount_percent > submitter.discount_limit + 10)",
                risk,
                director,
            ),
            route("order discount", "order.discount_percent > 5", manager),
            route("dealer volume", "customer.group == 'dealers' && order.total > 50000", manager),
            route("key account", "customer.group == 'key-accounts' && order.max_line_discount_percent > 8", director),
            route("credit", "customer.credit_status != 'active'", finance),
            route("exposure", "customer.receivable_balance + order.total > customer.credit_limit * 0.9", finance),
            route("long terms", "order.payment_term == 'net90' && order.total > 100000", finance),
            route("valves", "order.lines.exists(l, l.product_line == 'valves' && l.quantity > 500)", manager),
            route("mixed", "size(order.lines) >= 5 && order.total > 80000", manager),
            route("volume", "sum(order.lines.map(l, l.quantity)) > 2000", director),
            route("below list", "order.lines.exists(l, l.unit_price < l.list_price * 0.7)", risk),
            route("east", "submitter.region == 'east' && order.total > 300000", director),
            route("new rep", "submitter.role == 'sales_rep' && order.discount_percent > 3", manager),
            route(
                "south pumps", "customer.region == 'south' && order.lines.exists(l, l.product_line == 'pumps')", manager
            ),
        ]
    }


def random_context(rng: random.Random) -> dict:
    lines = []
    for position in range(1, rng.randint(1, 5) + 1):
        list_price = Decimal(rng.randrange(1000, 500000)) / 100
        discount = Decimal(rng.choice([0, 0, 0, 2, 5, 8, 12, 15, 25]))
        quantity = Decimal(rng.randint(1, 1000))
        unit_price = (list_price * Decimal("0.95")).quantize(Decimal("0.01"))
        amount = (quantity * unit_price * (100 - discount) / 100).quantize(Decimal("0.01"))
        lines.append(
            {
                "position": position,
                "sku": f"P-{rng.randint(1, 200):05d}",
                "product_line": rng.choice(PRODUCT_LINES),
                "quantity": quantity,
                "unit_price": unit_price,
                "list_price": list_price,
                "discount_percent": discount,
                "amount": amount,
            }
        )
    subtotal = sum((line["amount"] for line in lines), Decimal(0))
    order_discount = Decimal(rng.choice([0, 0, 0, 2, 5, 10]))
    total = (subtotal * (100 - order_discount) / 100 * Decimal("1.13")).quantize(Decimal("0.01"))
    return {
        "order": {
            "number": "SO",
            "total": total,
            "subtotal": subtotal,
            "discount_percent": order_discount,
            "discount_amount": Decimal(0),
            "tax_amount": Decimal(0),
            "payment_term": rng.choice(TERMS),
            "warehouse": "wh",
            "max_line_discount_percent": max(line["discount_percent"] for line in lines),
            "lines": lines,
        },
        "customer": {
            "name": "c",
            "group": rng.choice(GROUPS),
            "region": rng.choice(REGIONS),
            "office": None,
            "payment_term": rng.choice(TERMS),
            "credit_status": rng.choice(STATUSES),
            "credit_limit": Decimal(rng.randrange(100000, 5000000)),
            "receivable_balance": Decimal(rng.randrange(0, 3000000)),
            "custom": {},
        },
        "submitter": {
            "username": "rep",
            "role": rng.choice(["sales_rep", "sales_rep", "sales_manager"]),
            "discount_limit": Decimal(rng.choice([10, 20])),
            "office": None,
            "region": rng.choice(REGIONS),
        },
    }


def routing_figure(documents: int) -> None:
    from salesops.approvals.policy_document import PolicyDocument
    from salesops.approvals.routing import compile_policy
    from salesops.approvals.subjects import subject_type

    schema = subject_type("orders.salesorder").schema()
    policy = compile_policy(PolicyDocument.model_validate(policy_document()), schema)
    rng = random.Random(7)
    contexts = [random_context(rng) for _ in range(documents)]

    def conditions_alone():
        for context in contexts:
            for condition in policy.conditions:
                condition.evaluate(context)

    def engine():
        for context in contexts:
            policy.route(context)

    alone, routed = [], []
    for _round in range(ROUNDS):  # interleaved, medians count
        for runner, times in ((conditions_alone, alone), (engine, routed)):
            start = time.perf_counter()
            runner()
            times.append(time.perf_counter() - start)
    alone_rate, engine_rate = documents / statistics.median(alone), documents / statistics.median(routed)
    outcomes = {}
    for context in contexts:
        outcome = policy.route(context).outcome
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(
        f"1. routing {documents} documents through {len(policy.conditions)} rules: engine {engine_rate:,.0f} "
        f"documents/s, conditions alone {alone_rate:,.0f} documents/s, ratio {engine_rate / alone_rate:.2f} "
        f"(outcomes {outcomes})"
    )


def load_history(count: int) -> tuple[datetime.datetime, datetime.datetime]:
    """`count` submitted orders of 1-5 lines over the past year, written with bulk inserts."""
    from django.db import transaction

    from salesops.accounts.models import OrgUnit, Role, User
    from salesops.catalog.models import DiscountLimit, Product, ProductLine
    from salesops.customers.credit_code import complete_credit_code
    from salesops.customers.models import Customer, CustomerGroup
    from salesops.inventory.models import Warehouse
    from salesops.orders.models import OrderLine, SalesOrder

    rng = random.Random(11)
    company = OrgUnit.objects.create(kind="company", name="Bench", code="bench")
    regions = [OrgUnit.objects.create(kind="region", name=r, code=r, parent=company) for r in REGIONS]
    offices = [OrgUnit.objects.create(kind="office", name=f"{r.code}-o", code=f"{r.code}-o", parent=r) for r in regions]
    teams = [OrgUnit.objects.create(kind="team", name=f"{o.code}-t", code=f"{o.code}-t", parent=o) for o in offices]
    company.manager = User.objects.create(username="gm", role=Role.REGIONAL_DIRECTOR, org_unit=company)
    company.save()
    for role in (Role.FINANCE, Role.RISK_OFFICER):
        User.objects.create(username=role, role=role, org_unit=company)
    reps = []
    for region, team in zip(regions, teams, strict=True):
        region.manager = User.objects.create(
            username=f"director-{region.code}", role=Role.REGIONAL_DIRECTOR, org_unit=region
        )
        region.save()
        team.manager = User.objects.create(username=f"manager-{region.code}", role=Role.SALES_MANAGER, org_unit=team)
        team.save()
        reps += [
            User.objects.create(username=f"rep-{region.code}-{n}", role=Role.SALES_REP, org_unit=team)
            for n in range(10)
        ]
    DiscountLimit.objects.bulk_create(
        [
            DiscountLimit(role=Role.SALES_REP, max_discount_percent=10),
            DiscountLimit(role=Role.SALES_MANAGER, max_discount_percent=20),
        ]
    )
    lines_by_code = {code: ProductLine.objects.create(code=code, name=code) for code in PRODUCT_LINES}
    products = Product.objects.bulk_create(
        Product(
            sku=f"P-{n:05d}",
            name=f"产品 {n}",
            line=lines_by_code[PRODUCT_LINES[n % len(PRODUCT_LINES)]],
            list_price=Decimal(rng.randrange(1000, 500000)) / 100,
            standard_cost=Decimal(1),
        )
        for n in range(200)
    )
    products = list(Product.objects.order_by("pk"))
    groups = [CustomerGroup.objects.create(code=code, name=code) for code in GROUPS if code]
    warehouse = Warehouse.objects.create(code="wh", name="wh", region=regions[0])
    Customer.objects.bulk_create(
        Customer(
            name=f"客户 {n}",
            credit_code=complete_credit_code(f"91310115{n:08d}"),
            office=offices[n % 3],
            region=regions[n % 3],
            owner=reps[n % len(reps)],
            group=rng.choice([*groups, None]),
            credit_limit=Decimal(rng.randrange(100000, 5000000)),
            credit_status=rng.choice(STATUSES),
        )
        for n in range(500)
    )
    customers = list(Customer.objects.order_by("pk"))
    end = datetime.datetime.now(datetime.UTC)
    start = end - datetime.timedelta(days=365)
    batch = 5000
    for first in range(0, count, batch):
        with transaction.atomic():
            orders = []
            for n in range(first, min(first + batch, count)):
                customer = rng.choice(customers)
                orders.append(
                    SalesOrder(
                        number=f"H-{n:08d}",
                        customer=customer,
                        owner=customer.owner,
                        office=customer.office,
                        region=customer.region,
                        warehouse=warehouse,
                        status="confirmed",
                        payment_term=rng.choice(TERMS),
                        discount_percent=Decimal(rng.choice([0, 0, 0, 2, 5, 10])),
                        submitted_by=customer.owner,
                        submitted_at=start + datetime.timedelta(seconds=rng.randrange(365 * 86400)),
                    )
                )
            SalesOrder.objects.bulk_create(orders)
            order_lines = []
            for order in orders:
                subtotal = Decimal(0)
                for position in range(1, rng.randint(1, 5) + 1):
                    product = rng.choice(products)
                    quantity = Decimal(rng.randint(1, 1000))
                    discount = Decimal(rng.choice([0, 0, 0, 2, 5, 8, 12, 15, 25]))
                    unit_price = (product.list_price * Decimal("0.95")).quantize(Decimal("0.01"))
                    amount = (quantity * unit_price * (100 - discount) / 100).quantize(Decimal("0.01"))
                    subtotal += amount
                    order_lines.append(
                        OrderLine(
                            order=order,
                            position=position,
                            product=product,
                            quantity=quantity,
                            unit_price=unit_price,
                            discount_percent=discount,
                            tax_rate=Decimal("0.13"),
                            amount=amount,
                            tax_amount=(amount * Decimal("0.13")).quantize(Decimal("0.01")),
                        )
                    )
                order.subtotal = subtotal
                order.total = (subtotal * (100 - order.discount_percent) / 100 * Decimal("1.13")).quantize(
                    Decimal("0.01")
                )
            OrderLine.objects.bulk_create(order_lines)
            SalesOrder.objects.bulk_update(orders, ["subtotal", "total"])
    return start, end + datetime.timedelta(seconds=1)


def simulation_figure(count: int) -> None:
    from salesops.approvals.simulation import simulate

    started = time.perf_counter()
    start, end = load_history(count)
    print(f"   loaded {count} past orders in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    report = simulate("orders.salesorder", policy_document(), start=start, end=end)
    elapsed = time.perf_counter() - started
    print(
        f"2. simulation of {report['documents']} past orders through {len(policy_document()['rules'])} rules: "
        f"{elapsed:.1f} s, {report['documents'] / elapsed:,.0f} documents/s "
        f"(outcomes {report['outcomes']}, {len(report['chains'])} distinct chains, {len(report['load'])} approvers)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=100_000, help="past orders to simulate (0: skip)")
    options = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="salesops-bench-")
    vendor, postgres_name = create_database(scratch)
    try:
        setup_django()
        print(f"database: {vendor}")
        routing_figure(options.documents)
        if options.history:
            simulation_figure(options.history)
    finally:
        if postgres_name:
            drop_database(postgres_name)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
