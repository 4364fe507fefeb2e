"""Benchmark: orders placed through the real order path, against hand-written SQL, with history, over HTTP.

Prints one line per figure (SQLite, or PostgreSQL with DATABASE_URL):

1. Overhead. Orders of 5 lines placed through the order path against a raw-SQL baseline doing the same reads and
   writes, in the same run on the same database, in interleaved rounds: orders/s for both and the ratio (goal: at
   least 0.25). For reference, the same orders placed in two requests (create, then submit), and their ratio.
2. Flat with history. The same measurement on the database after loading `--history` historical orders (default
   one million) with their invoices, payments and settlements, against a copy of it taken before the load (the
   empty twin), in alternating rounds: orders/s with history as a share of orders/s on the empty twin (goal: at
   least 0.9, so no statement on the order path may grow with history). Measuring both in the same rounds keeps
   the machine's ups and downs out of the share (measured minutes apart it scattered from 0.77 to 1.33).
3. Under concurrency. `salesops serve` on a free port and `--clients` threads (default 16), each with its own rep
   and API key, placing orders over HTTP (POST /api/v1/orders with `submit: true` and an Idempotency-Key) for
   `--duration` seconds: orders/s, p50 and p99 request latency and the errors (any non-2xx answer or failed
   connection; goal: none).

What "through the real actions" means here: each order is what a client integration sends, one POST creating and
submitting it, and the benchmark calls the API's own handler function for it (`orders.api.create_order`) wrapped
in `@idempotent` with an Idempotency-Key. So every order runs the scoped lookups of the customer, the warehouse
and the products, validation, pricing, the credit check, the approval policy, the stock reservation, the events,
the idempotency record and the rendered answer stored in it: everything the order path does. Only ninja's request
parsing, authentication and the middleware are left out; figure 3 has them. Calling the bare actions would leave
out the idempotency record and reads the API really makes; going through the test client would measure Django's
middleware rather than the order path. The two-request form also runs the submit handler: a second idempotency
record, answer and commit, and the scoped read and lock of the order the submission starts with.

The baseline does in one transaction per order what that request does, in as few statements as hand-written SQL
needs: the customer read (and locked on PostgreSQL), the warehouse, the rep's discount limit and the active
approval policy version, the rep's line of org units (which the policy's conditions read), the products with
their prices, the open-orders sum of the credit exposure, the order-number counter, the five conditional stock
UPDATEs, the order, its lines, the ledger rows, the safety-stock read, the four events (order.created,
order.submitted, stock.reserved, order.confirmed) with their deliveries, and the idempotency record with its
answer.

Every order is confirmed: the customers have ample credit and the warehouse ample stock, totals stay under the
default policy's approval threshold and line discounts within the rep's limit.

The history is generated with raw SQL (COPY on PostgreSQL, executemany in large transactions on SQLite), spread
over the past three years, consistent with the schema's constraints and the customers' balances: each historical
order has two lines, is shipped and invoiced in full; most invoices are settled by a payment, the recent ones are
partly still open (and counted in the customer's receivables). Shipments and their ledger rows are left out.

Run on demand (not part of the test suite):
    .venv/bin/python benchmarks/order_pipeline.py [--orders 1000] [--history 1000000] [--duration 30]
    .venv/bin/python benchmarks/order_pipeline.py --history 100000 --duration 10      # a quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/salesops_bench .venv/bin/python benchmarks/order_pipeline.py
Without DATABASE_URL it uses a fresh SQLite file in a temporary directory. With DATABASE_URL it creates the
database named there (it must not exist yet) and drops it at the end. `--profile` prints where the order path
spends its time and `--queries` the statements of one order.
"""

import argparse
import copy
import cProfile
import datetime
import hashlib
import http.client
import io
import json
import os
import pstats
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
LINES_PER_ORDER = 5
HISTORY_LINES = 2
HISTORY_YEARS = 3
CREDIT_LIMIT = Decimal("100000000.00")
STOCK = Decimal("1000000000")
DISCOUNT_LIMIT = Decimal("10")
CENT = Decimal("0.01")
APPROVAL_THRESHOLD = Decimal("200000")  # the installation's default order policy (approvals/default_policies.py)


# --- the database ----------------------------------------------------------------------------------------------


def create_database(scratch: str) -> tuple[str, str | None]:
    """Point Django at a fresh database: a SQLite file in `scratch`, or the PostgreSQL database named in
    DATABASE_URL, created here. Returns the vendor and the PostgreSQL database name (None for SQLite)."""
    os.environ["SALESOPS_VAR_DIR"] = scratch
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite", None
    import psycopg
    from psycopg import sql

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(server_url(url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return "postgresql", name


def server_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with psycopg.connect(server_url(os.environ["DATABASE_URL"]), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class Twin:
    """A copy of the database as it is before the history is loaded, with a connection of its own that figure 2
    swaps in as Django's default connection for the rounds on the empty database. The copy keeps every id of the
    original (the shop's reps, customers and products are the same rows in both); SQLite copies through the
    backup API, PostgreSQL by CREATE DATABASE ... TEMPLATE."""

    def __init__(self, scratch: str, postgres_name: str | None):
        from django.db import DEFAULT_DB_ALIAS, connections

        self.alias, self.connections = DEFAULT_DB_ALIAS, connections
        self.original = connections[DEFAULT_DB_ALIAS]
        settings = copy.deepcopy(self.original.settings_dict)
        self.postgres_name = f"{postgres_name}_empty" if postgres_name else None
        if self.postgres_name:
            import psycopg
            from psycopg import sql

            connections.close_all()  # a template database must have no connections
            with psycopg.connect(server_url(os.environ["DATABASE_URL"]), autocommit=True) as admin:
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(self.postgres_name), sql.Identifier(postgres_name)
                    )
                )
            settings["NAME"] = self.postgres_name
        else:
            settings["NAME"] = str(Path(scratch) / "empty-twin.sqlite3")
            self.original.ensure_connection()
            with closing(sqlite3.connect(settings["NAME"])) as target:
                self.original.connection.backup(target)
        self.empty = type(self.original)(settings, DEFAULT_DB_ALIAS)

    def use(self, *, empty: bool) -> None:
        self.connections[self.alias] = self.empty if empty else self.original

    def drop(self) -> None:
        self.use(empty=False)
        self.empty.close()
        if self.postgres_name:
            drop_database(self.postgres_name)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the shop: reps with API keys, customers, priced products in stock -----------------------------------------


@dataclass
class Shop:
    reps: list
    keys: list  # one ApiKey per rep
    secrets: list[str]
    customers: list
    products: list
    warehouse: object
    finance: object
    customers_of: dict[int, list] = field(default_factory=dict)  # rep id -> their customers


def prepare(*, reps: int, customers: int, products: int) -> Shop:
    """The org (one office, a team of reps and its manager), products on a default and a group price list, a
    warehouse with ample stock, customers with ample credit, and an API key per rep."""
    from salesops.accounts.actions import create_api_key
    from salesops.accounts.models import OrgUnit, Role, User
    from salesops.catalog.models import DiscountLimit, PriceList, PriceListItem, Product, ProductLine
    from salesops.catalog.pricing import company_today
    from salesops.customers.credit_code import complete_credit_code
    from salesops.customers.models import Customer, CustomerGroup
    from salesops.inventory.actions import receive_stock
    from salesops.inventory.models import Warehouse
    from salesops.orders.models import OrderCounter

    company = OrgUnit.objects.create(kind="company", name="Bench", code="bench")
    region = OrgUnit.objects.create(kind="region", name="East", code="east", parent=company)
    office = OrgUnit.objects.create(kind="office", name="Shanghai", code="shanghai", parent=region)
    team = OrgUnit.objects.create(kind="team", name="Team", code="team", parent=office)
    admin = User.objects.create(username="bench-admin", role=Role.ADMIN, is_superuser=True, org_unit=company)
    finance = User.objects.create(username="bench-finance", role=Role.FINANCE, org_unit=company)
    manager = User.objects.create(username="bench-manager", role=Role.SALES_MANAGER, org_unit=team)
    team.manager = manager
    team.save()
    rep_users = [User.objects.create(username=f"rep-{n:02d}", role=Role.SALES_REP, org_unit=team) for n in range(reps)]
    DiscountLimit.objects.create(role=Role.SALES_REP, max_discount_percent=DISCOUNT_LIMIT)
    OrderCounter.objects.get_or_create(year=company_today().year)

    line = ProductLine.objects.create(code="pumps", name="工业泵")
    rng = random.Random(1)
    items = Product.objects.bulk_create(
        Product(
            sku=f"P-{n:05d}",
            name=f"产品 {n}",
            line=line,
            list_price=Decimal(rng.randrange(1000, 50000)) / 100,
            standard_cost=Decimal(rng.randrange(500, 1000)) / 100,
        )
        for n in range(products)
    )
    items = list(Product.objects.order_by("pk"))
    dealers = CustomerGroup.objects.create(code="dealers", name="经销商")
    year_start = company_today().replace(month=1, day=1)
    default_list = PriceList.objects.create(name="2026 list", valid_from=year_start)
    group_list = PriceList.objects.create(name="Dealers", customer_group=dealers, valid_from=year_start)
    PriceListItem.objects.bulk_create(
        [
            PriceListItem(price_list=default_list, product=p, unit_price=(p.list_price * 95 / 100).quantize(CENT))
            for p in items
        ]
        + [
            PriceListItem(price_list=group_list, product=p, unit_price=(p.list_price * 85 / 100).quantize(CENT))
            for p in items[::2]
        ]
    )
    warehouse = Warehouse.objects.create(code="wh-sh", name="上海仓", region=region)
    for product in items:
        receive_stock(product=product, warehouse=warehouse, quantity=STOCK, actor=admin)

    Customer.objects.bulk_create(
        Customer(
            name=f"客户 {n}",
            credit_code=complete_credit_code(f"91310115{n:08d}"),
            office=office,
            region=region,
            owner=rep_users[n % reps],
            group=dealers if n % 2 else None,
            payment_term=Customer.PaymentTerm.NET30,
            credit_limit=CREDIT_LIMIT,
        )
        for n in range(customers)
    )
    buyers = list(Customer.objects.order_by("pk"))
    keys, secrets = [], []
    for rep in rep_users:
        key, secret = create_api_key(user=rep, name="bench", scopes=["orders:write"], expires_at=None, actor=admin)
        keys.append(key)
        secrets.append(secret)
    shop = Shop(rep_users, keys, secrets, buyers, items, warehouse, finance)
    for customer in buyers:
        shop.customers_of.setdefault(customer.owner_id, []).append(customer)
    return shop


@dataclass
class OrderRequest:
    """One order as a client sends it: the rep (and their API key), the customer and five lines."""

    rep: object
    key: object
    customer: object
    body: bytes  # a draft; with "submit": true in `placing`
    placing: bytes
    lines: list[tuple[object, Decimal, Decimal]]  # (product, quantity, discount percent)


def order_request(number: int, shop: Shop, *, rep_index: int | None = None) -> OrderRequest:
    rng = random.Random(number)
    if rep_index is None:
        customer = shop.customers[number % len(shop.customers)]
        rep_index = next(i for i, rep in enumerate(shop.reps) if rep.pk == customer.owner_id)
    else:
        own = shop.customers_of[shop.reps[rep_index].pk]
        customer = own[number % len(own)]
    lines = [
        (shop.products[index], Decimal(rng.randint(1, 9)), Decimal(rng.choice(["0", "2.5", "5"])))
        for index in rng.sample(range(len(shop.products)), LINES_PER_ORDER)
    ]
    body = {
        "customer_id": customer.pk,
        "warehouse_id": shop.warehouse.pk,
        "lines": [
            {"product_id": product.pk, "quantity": str(quantity), "discount_percent": str(discount)}
            for product, quantity, discount in lines
        ],
    }
    rep, key = shop.reps[rep_index], shop.keys[rep_index]
    return OrderRequest(
        rep, key, customer, json.dumps(body).encode(), json.dumps(body | {"submit": True}).encode(), lines
    )


# --- the order path: the API's handlers with their Idempotency-Keys --------------------------------------------


class OrderPath:
    """Places an order as the API does after authentication: `place`, in one request, the create handler with
    `submit: true` under `@idempotent`; `place_in_two_requests`, the create handler then the submit handler, each
    under `@idempotent` with its own key."""

    def __init__(self):
        from django.test import RequestFactory

        from salesops.orders import api
        from salesops.orders.schemas import CommentIn, OrderIn

        self.factory = RequestFactory()
        self.create = api.create_order
        self.submit = api.router.path_operations["/orders/{order_id}/submit"].operations[0].view_func
        self.order_in, self.comment_in = OrderIn, CommentIn

    def request(self, path: str, body: bytes, order: OrderRequest):
        request = self.factory.post(
            path, data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
        request.user, request.api_key = order.rep, order.key
        return request

    def place(self, order: OrderRequest) -> None:
        request = self.request("/api/v1/orders", order.placing, order)
        response = self.create(request, payload=self.order_in.model_validate_json(order.placing))
        assert response.status_code == 201, response.content
        assert json.loads(response.content)["status"] == "confirmed", response.content

    def place_in_two_requests(self, order: OrderRequest) -> None:
        request = self.request("/api/v1/orders", order.body, order)
        response = self.create(request, payload=self.order_in.model_validate_json(order.body))
        assert response.status_code == 201, response.content
        order_id = json.loads(response.content)["id"]
        request = self.request(f"/api/v1/orders/{order_id}/submit", b"{}", order)
        response = self.submit(request, order_id=order_id, payload=self.comment_in.model_validate_json(b"{}"))
        assert response.status_code == 200, response.content
        assert json.loads(response.content)["status"] == "confirmed", response.content


# --- the baseline: the same reads and writes in hand-written SQL -----------------------------------------------


class Baseline:
    """One transaction per order, as few statements as hand-written SQL needs (see the module docstring)."""

    def __init__(self, shop: Shop):
        from django.db import connection

        from salesops.accounts.models import OrgUnit
        from salesops.approvals.models import ApprovalPolicy, PolicyVersion
        from salesops.catalog.models import DiscountLimit, PriceList, PriceListItem, Product
        from salesops.catalog.pricing import company_today
        from salesops.core.handlers import handlers_for
        from salesops.core.models import Event, EventDelivery, IdempotencyRecord
        from salesops.customers.models import Customer
        from salesops.inventory.models import SafetyStock, StockLevel, StockMovement, Warehouse
        from salesops.orders.models import OPEN_STATUSES, OrderCounter, OrderLine, OrderStatus, SalesOrder

        self.shop = shop
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        table = {
            model: connection.ops.quote_name(model._meta.db_table)
            for model in (
                Customer,
                Warehouse,
                DiscountLimit,
                ApprovalPolicy,
                PolicyVersion,
                OrgUnit,
                Product,
                PriceList,
                PriceListItem,
                OrderCounter,
                SalesOrder,
                OrderLine,
                StockLevel,
                StockMovement,
                SafetyStock,
                Event,
                EventDelivery,
                IdempotencyRecord,
            )
        }
        self.table = table
        lock = " FOR UPDATE" if self.postgres else ""
        self.customer_sql = (
            "SELECT name, status, payment_term, credit_limit, credit_status, receivable_balance, credit_balance, "
            f"group_id, office_id, region_id FROM {table[Customer]} WHERE id = %s AND owner_id = %s{lock}"
        )
        self.terms_sql = (
            f"SELECT (SELECT is_active FROM {table[Warehouse]} WHERE id = %s), "
            f"(SELECT max_discount_percent FROM {table[DiscountLimit]} WHERE role = %s), "
            f"(SELECT v.document FROM {table[PolicyVersion]} v JOIN {table[ApprovalPolicy]} p ON p.id = v.policy_id "
            "WHERE p.subject_type = 'orders.salesorder' AND v.status = 'active')"
        )
        # The approval policy's conditions read the submitter's office and region: the rep's line of org units.
        self.org_line_sql = (
            f"SELECT u.kind, u.code FROM {table[OrgUnit]} u WHERE "
            f"(SELECT path FROM {table[OrgUnit]} WHERE id = %s) LIKE u.path || '%%'"
        )
        self.prices_sql = (
            "SELECT p.id, p.sku, p.is_active, p.tax_rate, COALESCE(("
            f"SELECT i.unit_price FROM {table[PriceListItem]} i JOIN {table[PriceList]} l ON l.id = i.price_list_id "
            "WHERE i.product_id = p.id AND l.is_active AND l.valid_from <= %s AND (l.valid_to IS NULL "
            "OR l.valid_to >= %s) AND (l.customer_group_id IS NULL OR l.customer_group_id = %s) "
            "ORDER BY l.customer_group_id IS NULL, l.valid_from DESC, l.id DESC LIMIT 1), p.list_price) "
            f"FROM {table[Product]} p WHERE p.id IN (%s, %s, %s, %s, %s)"
        )
        statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
        self.exposure_sql = (
            "SELECT COALESCE(SUM(CASE WHEN total - invoiced_amount - cancelled_amount - prepayment_amount "
            "+ prepayment_applied > 0 THEN total - invoiced_amount - cancelled_amount - prepayment_amount "
            "+ prepayment_applied ELSE 0 END), 0) "
            f"FROM {table[SalesOrder]} WHERE customer_id = %s AND id <> %s "
            f"AND status IN ({statuses}, '{OrderStatus.ON_HOLD}') AND (status IN ({statuses}) OR is_stock_reserved)"
        )
        self.counter_sql = (
            f"UPDATE {table[OrderCounter]} SET last_number = last_number + 1 WHERE year = %s RETURNING last_number"
        )
        self.reserve_sql = (
            f"UPDATE {table[StockLevel]} SET reserved = ROUND(reserved + CAST(%s AS NUMERIC), 3), updated_at = %s "
            "WHERE product_id = %s AND warehouse_id = %s AND on_hand >= ROUND(reserved + CAST(%s AS NUMERIC), 3)"
        )
        self.order_columns = [f.column for f in SalesOrder._meta.concrete_fields if f.column != "id"]
        self.line_columns = [f.column for f in OrderLine._meta.concrete_fields if f.column != "id"]
        self.movement_columns = [f.column for f in StockMovement._meta.concrete_fields if f.column != "id"]
        self.event_columns = [f.column for f in Event._meta.concrete_fields if f.column != "id"]
        self.delivery_columns = [f.column for f in EventDelivery._meta.concrete_fields if f.column != "id"]
        self.handlers = {
            name: [handler.name for handler in handlers_for(name)]
            for name in ("order.created", "order.submitted", "stock.reserved", "order.confirmed")
        }
        self.record_columns = [f.column for f in IdempotencyRecord._meta.concrete_fields if f.column != "id"]
        self.safety_sql = (
            f"SELECT product_id, minimum FROM {table[SafetyStock]} WHERE warehouse_id = %s "
            "AND product_id IN (%s, %s, %s, %s, %s)"
        )
        self.today = company_today

    def insert(self, cursor, model, columns: list[str], rows: list[dict], returning: bool = False):
        """Insert `rows`; with `returning`, answer the new id (one row) or ids (several, in the rows' order)."""
        values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
        sql = f"INSERT INTO {self.table[model]} ({', '.join(columns)}) VALUES {values}"
        if returning:
            sql += " RETURNING id"
        cursor.execute(sql, [row[column] for row in rows for column in columns])
        if not returning:
            return None
        ids = [row[0] for row in cursor.fetchall()]
        return ids[0] if len(rows) == 1 else ids

    def place(self, order: OrderRequest) -> None:
        from django.db import transaction
        from django.utils import timezone

        from salesops.core.models import Event, EventDelivery, IdempotencyRecord
        from salesops.inventory.models import StockMovement
        from salesops.orders.models import OrderLine, SalesOrder, money

        ops = self.connection.ops
        shop, rep, customer = self.shop, order.rep, order.customer
        today = self.today()
        now = timezone.now()
        stamp = ops.adapt_datetimefield_value(now)
        warehouse = shop.warehouse
        with transaction.atomic(), self.connection.cursor() as cursor:
            cursor.execute(self.customer_sql, [customer.pk, rep.pk])
            name, status, term, limit, credit_status, receivable, credit, group, office, region = cursor.fetchone()
            assert status == "active" and credit_status == "active"
            cursor.execute(self.terms_sql, [warehouse.pk, rep.role])
            warehouse_active, discount_limit, policy = cursor.fetchone()
            assert warehouse_active and policy
            cursor.execute(self.org_line_sql, [rep.org_unit_id])
            assert cursor.fetchall()
            product_ids = [product.pk for product, _q, _d in order.lines]
            day = ops.adapt_datefield_value(today)
            cursor.execute(self.prices_sql, [day, day, group, *product_ids])
            prices = {row[0]: row for row in cursor.fetchall()}
            lines, subtotal, tax = [], Decimal("0.00"), Decimal("0.00")
            for position, (product, quantity, discount) in enumerate(order.lines, start=1):
                _id, sku, active, tax_rate, unit_price = prices[product.pk]
                assert active and discount <= Decimal(discount_limit)
                unit_price, tax_rate = Decimal(unit_price).quantize(CENT), Decimal(tax_rate)
                amount = money(quantity * unit_price * (100 - discount) / 100)
                line_tax = money(amount * tax_rate)
                subtotal, tax = subtotal + amount, tax + line_tax
                lines.append(
                    {
                        "position": position,
                        "product_id": product.pk,
                        "quantity": quantity,
                        "unit_price": unit_price,
                        "discount_percent": discount,
                        "tax_rate": tax_rate,
                        "amount": amount,
                        "tax_amount": line_tax,
                        "shipped_quantity": 0,
                        "cancelled_quantity": 0,
                        "invoiced_quantity": 0,
                        "sku": sku,
                    }
                )
            total = subtotal + tax
            assert total <= APPROVAL_THRESHOLD  # the default policy's large-order rule
            cursor.execute(self.counter_sql, [today.year])
            number = f"SO-{today.year}-{cursor.fetchone()[0]:06d}"
            cursor.execute(self.exposure_sql, [customer.pk, 0])
            exposure = Decimal(receivable) - Decimal(credit) + Decimal(cursor.fetchone()[0]) + total
            assert exposure <= Decimal(limit)
            for line in sorted(lines, key=lambda line: line["product_id"]):
                quantity = str(line["quantity"])
                cursor.execute(self.reserve_sql, [quantity, stamp, line["product_id"], warehouse.pk, quantity])
                assert cursor.rowcount == 1
            row = {
                "number": number,
                "customer_id": customer.pk,
                "owner_id": rep.pk,
                "office_id": office,
                "region_id": region,
                "warehouse_id": warehouse.pk,
                "status": "confirmed",
                "payment_term": term,
                "discount_percent": 0,
                "subtotal": subtotal,
                "discount_amount": 0,
                "tax_amount": tax,
                "total": total,
                "prepayment_amount": 0,
                "prepayment_applied": 0,
                "prepayment_credited": 0,
                "prepayment_credit_left": 0,
                "invoiced_amount": 0,
                "cancelled_amount": 0,
                "hold_reason": "",
                "held_by_id": None,
                "is_stock_reserved": True,
                "approval_reasons": "[]",
                "approved_by_id": None,
                "decided_at": None,
                "decision_comment": "",
                "submitted_by_id": rep.pk,
                "submitted_at": stamp,
                "confirmed_at": stamp,
                "created_at": stamp,
                "updated_at": stamp,
            }
            order_id = self.insert(cursor, SalesOrder, self.order_columns, [row], returning=True)
            for line in lines:
                line["order_id"] = order_id
            self.insert(cursor, OrderLine, self.line_columns, lines)
            movements = [
                {
                    "product_id": line["product_id"],
                    "warehouse_id": warehouse.pk,
                    "kind": "reservation",
                    "on_hand_change": 0,
                    "reserved_change": line["quantity"],
                    "source_type": "orders.salesorder",
                    "source_id": str(order_id),
                    "note": "",
                    "actor_id": rep.pk,
                    "created_at": stamp,
                }
                for line in lines
            ]
            self.insert(cursor, StockMovement, self.movement_columns, movements)
            cursor.execute(self.safety_sql, [warehouse.pk, *product_ids])
            assert not cursor.fetchall()
            line_data = [
                {
                    "product": line["sku"],
                    "quantity": str(line["quantity"]),
                    "unit_price": str(line["unit_price"]),
                    "discount_percent": str(line["discount_percent"]),
                    "amount": str(line["amount"]),
                }
                for line in lines
            ]
            stock_data = [
                {"product": line["sku"], "warehouse": warehouse.code, "quantity": str(line["quantity"])}
                for line in lines
            ]
            snapshot = {key: str(value) if value is not None else None for key, value in row.items()}
            payloads = [
                ("order.created", {"after": snapshot | {"status": "draft"}, "data": {"lines": line_data}}),
                ("order.submitted", {"before": {"status": "draft"}, "after": {"status": "submitted"}}),
                ("stock.reserved", {"data": {"lines": stock_data}}),
                ("order.confirmed", {"before": {"status": "submitted"}, "after": {"status": "confirmed"}}),
            ]
            events = [
                {
                    "uuid": uuid.uuid4().hex if not self.postgres else uuid.uuid4(),
                    "type": event_type,
                    "subject_type": "orders.salesorder",
                    "subject_id": str(order_id),
                    "subject_label": number,
                    "actor_id": rep.pk,
                    "actor_label": rep.username,
                    "occurred_at": stamp,
                    "payload": json.dumps(payload),
                }
                for event_type, payload in payloads
            ]
            event_ids = self.insert(cursor, Event, self.event_columns, events, returning=True)
            # The outbox's delivery rows, one per event and registered handler (the stage rollups', decision 0013).
            deliveries = [
                {
                    "event_id": event_id,
                    "handler": handler,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": stamp,
                    "locked_until": None,
                    "lease_token": "",
                    "last_error": "",
                    "delivered_at": None,
                }
                for event_id, (event_type, _payload) in zip(event_ids, payloads, strict=True)
                for handler in self.handlers[event_type]
            ]
            if deliveries:
                self.insert(cursor, EventDelivery, self.delivery_columns, deliveries)
            answer = {
                "id": order_id,
                "customer": {"id": customer.pk, "name": name},
                "lines": line_data,
                **{key: str(value) for key, value in row.items()},
            }
            path = "/api/v1/orders"
            record = {
                "principal": f"key:{order.key.pk}",
                "key": uuid.uuid4().hex,
                "method": "POST",
                "path": path,
                "request_hash": hashlib.sha256(f"POST {path}\n".encode() + order.placing).hexdigest(),
                "response_status": 201,
                "response_body": json.dumps(answer | {"status": "confirmed"}, ensure_ascii=False),
                "response_content_type": "application/json; charset=utf-8",
                "created_at": stamp,
            }
            self.insert(cursor, IdempotencyRecord, self.record_columns, [record])


# --- figures 1 and 2: interleaved rounds ----------------------------------------------------------------------


class Numbering:
    """Order numbers for `order_request`: every order gets its own inputs, whichever side places it."""

    def __init__(self):
        self.next = 0

    def take(self, count: int) -> range:
        start = self.next
        self.next += count
        return range(start, start + count)


def timed(place, requests: list[OrderRequest]) -> float:
    start = time.perf_counter()
    for request in requests:
        place(request)
    return time.perf_counter() - start


def one_round(round_number: int, per_round: int, shop: Shop, numbering: Numbering, sides: dict) -> dict:
    """Orders/s of each side (name: its `place`), each placing `per_round` orders back to back, the side that goes
    first rotating from one round to the next."""
    names = list(sides)
    first = round_number % len(names)
    rates = {}
    for name in names[first:] + names[:first]:
        requests = [order_request(n, shop) for n in numbering.take(per_round)]
        rates[name] = per_round / timed(sides[name], requests)
    return rates


def measure(orders: int, rounds: int, shop: Shop, numbering: Numbering, path: OrderPath, baseline: Baseline):
    """Figure 1: orders/s of the order path (in one request, and in two) and of the baseline, and the ratios:
    medians over `rounds` short rounds, so that load from elsewhere on the machine weighs on all alike."""
    per_round = max(orders // rounds, 1)
    sides = {"path": path.place, "two_requests": path.place_in_two_requests, "baseline": baseline.place}
    rates = {name: [] for name in sides}
    ratios = {"path": [], "two_requests": []}
    for round_number in range(rounds):
        measured = one_round(round_number, per_round, shop, numbering, sides)
        for name, rate in measured.items():
            rates[name].append(rate)
        for name in ratios:
            ratios[name].append(measured[name] / measured["baseline"])
    return {name: statistics.median(values) for name, values in rates.items()} | {
        f"{name}_ratio": statistics.median(values) for name, values in ratios.items()
    }


def measure_with_history(orders: int, rounds: int, shop: Shop, numbering: Numbering, path, baseline, twin) -> dict:
    """Figure 2: in each round both sides place orders on the database with history and on its empty twin (which
    goes first alternates), so that the two states are compared under the same load from elsewhere on the
    machine rather than minutes apart. Medians over the rounds of orders/s and of each side's share (with history
    / empty) within a round."""
    per_round = max(orders // rounds, 1)
    sides = {"path": path.place, "baseline": baseline.place}
    rates = {(side, empty): [] for side in sides for empty in (True, False)}
    shares = {"path": [], "baseline": []}
    for round_number in range(rounds):
        for empty in (True, False) if round_number % 2 else (False, True):
            twin.use(empty=empty)
            measured = one_round(round_number // 2, per_round, shop, numbering, sides)
            rates["path", empty].append(measured["path"])
            rates["baseline", empty].append(measured["baseline"])
        for side in shares:
            shares[side].append(rates[side, False][-1] / rates[side, True][-1])
    twin.use(empty=False)
    figures = {f"{side}_{'empty' if empty else 'history'}": statistics.median(v) for (side, empty), v in rates.items()}
    return figures | {f"{side}_share": statistics.median(values) for side, values in shares.items()}


def warm_up(shop: Shop, numbering: Numbering, path: OrderPath, baseline: Baseline, count: int = 50) -> None:
    for place in (baseline.place, path.place, path.place_in_two_requests):
        timed(place, [order_request(n, shop) for n in numbering.take(count)])


# --- history -------------------------------------------------------------------------------------------------


class History:
    """The past orders of the shop's customers, over the last HISTORY_YEARS years: each shipped and invoiced in
    full, its invoice settled by one payment, except about half of the last 60 days' invoices, still open (and
    in their customer's receivables). Numbers continue the current counters."""

    CHUNK = 50_000  # orders per transaction

    def __init__(self, count: int, shop: Shop):
        from django.db import connection

        from salesops.catalog.pricing import company_today
        from salesops.core.models import DocumentCounter
        from salesops.orders.models import OrderCounter

        self.count, self.shop = count, shop
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.today = company_today()
        self.rng = random.Random(2)
        self.counters = {("SO", c.year): c.last_number for c in OrderCounter.objects.all()}
        self.counters |= {(c.series, c.year): c.last_number for c in DocumentCounter.objects.all()}
        self.receivables: dict[int, Decimal] = {}
        self.reps = {rep.pk: rep for rep in shop.reps}

    def load(self) -> None:
        from django.db import transaction

        from salesops.core.bulk import BulkWriter

        writer = BulkWriter(self.connection)
        ids = self.next_ids()
        first_day = self.today - datetime.timedelta(days=365 * HISTORY_YEARS)
        span = (self.today - first_day).days - 5
        # In date order, so that numbers count up with time as they do in the product.
        days = sorted(self.rng.randrange(span) for _ in range(self.count))
        for chunk in range(0, self.count, self.CHUNK):
            with transaction.atomic():
                for offset in days[chunk : chunk + self.CHUNK]:
                    self.order(first_day + datetime.timedelta(days=offset), ids, writer.add)
                writer.flush()
        self.finish()

    def next_ids(self) -> dict:
        from django.db.models import Max

        from salesops.billing.models import Invoice, InvoiceLine, Payment, Settlement
        from salesops.orders.models import OrderLine, SalesOrder

        models = (SalesOrder, OrderLine, Invoice, InvoiceLine, Payment, Settlement)
        return {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in models}

    def number(self, series: str, year: int) -> str:
        self.counters[series, year] = self.counters.get((series, year), 0) + 1
        return f"{series}-{year}-{self.counters[series, year]:06d}"

    def moment(self, day: datetime.date, hour: int, seconds: int = 0):
        value = datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)
        value += datetime.timedelta(seconds=seconds)
        return value if self.postgres else self.connection.ops.adapt_datetimefield_value(value)

    def day(self, value: datetime.date):
        return value if self.postgres else value.isoformat()

    def order(self, ordered_on: datetime.date, ids: dict, write) -> None:
        from salesops.billing.models import Invoice, InvoiceLine, Payment, Settlement
        from salesops.orders.models import OrderLine, SalesOrder, money

        rng, shop = self.rng, self.shop
        customer = shop.customers[rng.randrange(len(shop.customers))]
        rep, finance = self.reps[customer.owner_id].pk, shop.finance.pk
        ordered_at = self.moment(ordered_on, 1, rng.randrange(9 * 3600))
        order_id, invoice_id = ids[SalesOrder], ids[Invoice]
        ids[SalesOrder] += 1
        ids[Invoice] += 1
        lines, subtotal, tax = [], Decimal("0.00"), Decimal("0.00")
        for position in range(1, HISTORY_LINES + 1):
            product = shop.products[rng.randrange(len(shop.products))]
            quantity = Decimal(rng.randint(1, 20))
            amount = money(quantity * product.list_price)
            line_tax = money(amount * product.tax_rate)
            subtotal, tax = subtotal + amount, tax + line_tax
            lines.append((position, product, quantity, amount, line_tax))
        total = subtotal + tax
        issued_on = min(ordered_on + datetime.timedelta(days=rng.randint(1, 5)), self.today)
        issued_at = self.moment(issued_on, 6)
        due_on = issued_on + datetime.timedelta(days=30)
        is_open = (self.today - issued_on).days < 60 and rng.random() < 0.5
        write(
            SalesOrder,
            {
                "id": order_id,
                "number": self.number("SO", ordered_on.year),
                "customer_id": customer.pk,
                "owner_id": rep,
                "office_id": customer.office_id,
                "region_id": customer.region_id,
                "warehouse_id": shop.warehouse.pk,
                "status": "invoiced" if is_open else "paid",
                "payment_term": "net30",
                "discount_percent": 0,
                "subtotal": subtotal,
                "discount_amount": 0,
                "tax_amount": tax,
                "total": total,
                "prepayment_amount": 0,
                "prepayment_applied": 0,
                "prepayment_credited": 0,
                "prepayment_credit_left": 0,
                "invoiced_amount": total,
                "cancelled_amount": 0,
                "hold_reason": "",
                "is_stock_reserved": False,
                "approval_reasons": "[]",
                "decision_comment": "",
                "submitted_by_id": rep,
                "submitted_at": ordered_at,
                "confirmed_at": ordered_at,
                "created_at": ordered_at,
                "updated_at": issued_at,
            },
        )
        for position, product, quantity, amount, line_tax in lines:
            line_id = ids[OrderLine]
            ids[OrderLine] += 1
            write(
                OrderLine,
                {
                    "id": line_id,
                    "order_id": order_id,
                    "position": position,
                    "product_id": product.pk,
                    "quantity": quantity,
                    "unit_price": product.list_price,
                    "discount_percent": 0,
                    "tax_rate": product.tax_rate,
                    "amount": amount,
                    "tax_amount": line_tax,
                    "shipped_quantity": quantity,
                    "cancelled_quantity": 0,
                    "invoiced_quantity": quantity,
                },
            )
        paid_on = None if is_open else min(due_on - datetime.timedelta(days=rng.randint(0, 25)), self.today)
        write(
            Invoice,
            {
                "id": invoice_id,
                "number": self.number("INV", issued_on.year),
                "order_id": order_id,
                "customer_id": customer.pk,
                "owner_id": rep,
                "office_id": customer.office_id,
                "region_id": customer.region_id,
                "status": "open" if is_open else "settled",
                "issued_at": issued_at,
                "issue_date": self.day(issued_on),
                "due_date": self.day(due_on),
                "payment_term": "net30",
                "net_amount": subtotal,
                "tax_amount": tax,
                "total": total,
                "credited_amount": 0,
                "settled_amount": 0 if is_open else total,
                "settled_on": None if is_open else self.day(paid_on),
                "issued_by_id": finance,
                "created_at": issued_at,
                "updated_at": issued_at,
            },
        )
        for position, product, quantity, amount, line_tax in lines:
            write(
                InvoiceLine,
                {
                    "id": ids[InvoiceLine],
                    "invoice_id": invoice_id,
                    "position": position,
                    "order_line_id": ids[OrderLine] - HISTORY_LINES + position - 1,
                    "product_id": product.pk,
                    "quantity": quantity,
                    "unit_price": product.list_price,
                    "net_amount": amount,
                    "tax_rate": product.tax_rate,
                    "tax_amount": line_tax,
                    "credited_quantity": 0,
                    "credited_net": 0,
                    "credited_tax": 0,
                },
            )
            ids[InvoiceLine] += 1
        if is_open:
            self.receivables[customer.pk] = self.receivables.get(customer.pk, Decimal(0)) + total
            return
        paid_at, payment_id = self.moment(paid_on, 3), ids[Payment]
        ids[Payment] += 1
        write(
            Payment,
            {
                "id": payment_id,
                "number": self.number("PAY", paid_on.year),
                "customer_id": customer.pk,
                "amount": total,
                "received_on": self.day(paid_on),
                "method": "bank_transfer",
                "reference": "",
                "unapplied_amount": 0,
                "recorded_by_id": finance,
                "created_at": paid_at,
                "updated_at": paid_at,
            },
        )
        write(
            Settlement,
            {
                "id": ids[Settlement],
                "invoice_id": invoice_id,
                "source": "payment",
                "payment_id": payment_id,
                "amount": total,
                "settled_on": self.day(paid_on),
            },
        )
        ids[Settlement] += 1

    def finish(self) -> None:
        """Counters continue after the history, balances include its open invoices, sequences follow the ids."""
        from django.core.management.color import no_style
        from django.db import transaction

        from salesops.billing.models import Invoice, InvoiceLine, Payment, Settlement
        from salesops.core.models import DocumentCounter
        from salesops.customers.models import Customer
        from salesops.orders.models import OrderCounter, OrderLine, SalesOrder

        with transaction.atomic():
            for (series, year), last in self.counters.items():
                if series == "SO":
                    OrderCounter.objects.update_or_create(year=year, defaults={"last_number": last})
                else:
                    DocumentCounter.objects.update_or_create(series=series, year=year, defaults={"last_number": last})
            for customer in Customer.objects.filter(pk__in=list(self.receivables)):
                customer.receivable_balance += self.receivables[customer.pk]
                customer.save(update_fields=["receivable_balance"])
        models = [SalesOrder, OrderLine, Invoice, InvoiceLine, Payment, Settlement]
        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            if self.postgres:  # what autovacuum would do soon after such a load, done before measuring
                for model in models:
                    cursor.execute(f"VACUUM (ANALYZE) {self.connection.ops.quote_name(model._meta.db_table)}")
            else:  # start from an empty write-ahead log, as a database that has been running does
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- figure 3: HTTP clients against `salesops serve` -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(scratch: str) -> tuple[subprocess.Popen, int, Path]:
    """`salesops serve` (web server, worker, scheduler) on a free port against the benchmark database."""
    from django.db import connections

    connections.close_all()
    port = free_port()
    log = Path(scratch) / "serve.log"
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "salesops.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port, log
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            break
    stop_server(server)
    raise SystemExit(f"salesops serve did not start:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()  # `serve` stops its web server, worker and scheduler
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@dataclass
class ClientResult:
    orders: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds per request
    errors: list[str] = field(default_factory=list)


def client(index: int, shop: Shop, port: int, deadline: float, result: ClientResult) -> None:
    """One integration: its own rep's API key and customers, one keep-alive connection, orders back to back."""
    headers = {"Authorization": f"Bearer {shop.secrets[index]}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    number = 10_000_000 * (index + 1)

    def post(path: str, body: bytes) -> tuple[int, bytes]:
        nonlocal connection
        start = time.perf_counter()
        try:
            connection.request("POST", path, body=body, headers=headers | {"Idempotency-Key": uuid.uuid4().hex})
            response = connection.getresponse()
            status, content = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            status, content = 0, repr(exc).encode()
        result.latencies.append(time.perf_counter() - start)
        if not 200 <= status < 300:
            result.errors.append(f"{path} {status} {content[:300]!r}")
        return status, content

    while time.monotonic() < deadline:
        number += 1
        request = order_request(number, shop, rep_index=index)
        status, content = post("/api/v1/orders", request.placing)
        if status == 201:
            state = json.loads(content)["status"]
            if state == "confirmed":
                result.orders += 1
            else:
                result.errors.append(f"order {state}: {json.loads(content)['hold_reason']}")
    connection.close()


def concurrency(shop: Shop, scratch: str, clients: int, duration: float) -> dict:
    server, port, log = start_server(scratch)
    try:
        results = [ClientResult() for _ in range(clients)]
        deadline = time.monotonic() + duration
        threads = [
            threading.Thread(target=client, args=(index, shop, port, deadline, results[index]))
            for index in range(clients)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        stop_server(server)
    latencies = sorted(latency for result in results for latency in result.latencies)
    errors = [error for result in results for error in result.errors]
    server_log = log.read_text(errors="replace")
    return {
        "orders_per_second": sum(result.orders for result in results) / elapsed,
        "requests": len(latencies),
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "errors": errors,
        "locked": server_log.count("database is locked"),
        "server_errors": server_log.count("Traceback"),
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(int(share * len(values)), len(values) - 1)]


# --- profiling -------------------------------------------------------------------------------------------------


def print_queries(shop: Shop, numbering: Numbering, path: OrderPath) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        path.place(order_request(numbering.take(1)[0], shop))
    print(f"statements for one order (one request, created and submitted): {len(captured.captured_queries)}")
    for query in captured.captured_queries:
        print(f"  {query['sql'][:160]}")


def print_profile(shop: Shop, numbering: Numbering, path: OrderPath, count: int = 300) -> None:
    requests = [order_request(n, shop) for n in numbering.take(count)]
    profiler = cProfile.Profile()
    profiler.enable()
    timed(path.place, requests)
    profiler.disable()
    output = io.StringIO()
    stats = pstats.Stats(profiler, stream=output).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    print(output.getvalue())


# --- main ------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders per side for figures 1 and 2")
    parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds (medians count)")
    parser.add_argument("--history", type=int, default=1_000_000, help="historical orders for figure 2 (0: skip)")
    parser.add_argument("--clients", type=int, default=16, help="HTTP clients for figure 3 (0: skip)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of HTTP load for figure 3")
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="profile the order path and stop")
    parser.add_argument("--queries", action="store_true", help="print one order's statements and stop")
    parser.add_argument("--keep", action="store_true", help="keep the database (its location is printed)")
    options = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="salesops-bench-")
    vendor, postgres_name = create_database(scratch)
    try:
        setup_django()
        run(options, vendor, scratch, postgres_name)
    finally:
        if options.keep:
            print(f"kept: {postgres_name or scratch}")
        else:
            if postgres_name:
                drop_database(postgres_name)
            shutil.rmtree(scratch, ignore_errors=True)


def run(options, vendor: str, scratch: str, postgres_name: str | None) -> None:
    shop = prepare(reps=max(options.clients, 1), customers=options.customers, products=options.products)
    numbering = Numbering()
    path, baseline = OrderPath(), Baseline(shop)
    warm_up(shop, numbering, path, baseline)
    if options.queries:
        print_queries(shop, numbering, path)
        return
    if options.profile:
        print_profile(shop, numbering, path)
        return
    print(
        f"database: {vendor}; orders of {LINES_PER_ORDER} lines; {options.orders} per side in {options.rounds} rounds"
    )
    empty = measure(options.orders, options.rounds, shop, numbering, path, baseline)
    print(
        f"1. overhead: order path {empty['path']:.1f} orders/s, raw SQL baseline {empty['baseline']:.1f} orders/s, "
        f"ratio {empty['path_ratio']:.2f} (goal: 0.25 or more); in two requests (create, then submit) "
        f"{empty['two_requests']:.1f} orders/s, ratio {empty['two_requests_ratio']:.2f}"
    )
    if options.history:
        twin = Twin(scratch, postgres_name)
        try:
            start = time.perf_counter()
            History(options.history, shop).load()
            print(
                f"   loaded {options.history} historical orders with their invoices and payments in "
                f"{time.perf_counter() - start:.0f} s"
            )
            for empty in (True, False):
                twin.use(empty=empty)
                warm_up(shop, numbering, path, baseline)
            full = measure_with_history(options.orders, options.rounds, shop, numbering, path, baseline, twin)
        finally:
            twin.drop()
        print(
            f"2. with history: order path {full['path_history']:.1f} orders/s against {full['path_empty']:.1f} on "
            f"the empty copy in the same rounds, share {full['path_share']:.2f} (goal: 0.9 or more); baseline "
            f"{full['baseline_history']:.1f} against {full['baseline_empty']:.1f}, share {full['baseline_share']:.2f}"
        )
    if options.clients:
        figures = concurrency(shop, scratch, options.clients, options.duration)
        print(
            f"3. http, {options.clients} clients for {options.duration:.0f} s: "
            f"{figures['orders_per_second']:.1f} orders/s, {figures['requests']} requests, "
            f"p50 {figures['p50'] * 1000:.0f} ms, p99 {figures['p99'] * 1000:.0f} ms, "
            f"errors {len(figures['errors'])} (database is locked: {figures['locked']}, "
            f"server tracebacks: {figures['server_errors']})"
        )
        for error in figures["errors"][:5]:
            print(f"   {error}")


if __name__ == "__main__":
    main()
