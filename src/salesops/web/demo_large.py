"""The large demo: a year of order-to-cash history for a company of 1,000 reps, written in bulk.

`salesops demo-data --scale large`. The normal demo (demo_history.py) replays every step through the real actions,
about 30 orders a second: far too slow for 400,000 orders. This one builds the company through the demo loaders
and the ORM (3 regions of 10 offices, 3 teams per office, 1,000 reps, 10,000 customers in 6 groups, the 200 demo
products in 8 lines, 3 warehouses), then simulates each order's lifecycle and writes the rows the actions would
have written, in large batches (`core.bulk.BulkWriter`: COPY on PostgreSQL, executemany on SQLite):

- orders and lines; shipments and their lines; invoices and their lines; payments and settlements; the stock
  ledger (reservations, shipments, releases, replenishment receipts);
- the events the actions record, with the same type, subject, actor, time and payload shape (order.created,
  order.submitted, order.approval_requested / approved / rejected, order.on_hold, stock.reserved,
  order.confirmed, shipment.created, stock.shipped, order.shipped, invoice.issued, order.invoiced,
  payment.recorded, invoice.settled, order.paid, stock.released, order.cancelled, stock.received), in time
  order (event ids follow occurred_at, as commits would);
- one pending delivery to the rollup handler per stage event, so the dispatcher catches up as after a bulk
  import; nothing else is delivered (no notifications for a year of past events).

Afterwards the counters continue without gaps (orders, shipments, invoices, payments per year), customers'
receivable balances equal their open invoices, stock levels equal the sum of the ledger, and sequences follow the
ids. Approval requests and their tasks are not written (the order events name no request).

Deterministic for a seed and a day. The lifecycle: orders on business days (fewer on Saturdays, none on Sundays;
spring and autumn peaks, the Spring Festival trough), submitted within hours, 18% routed to approval (a few
rejected), 4% held for credit and released, 2% cancelled before and 2% after confirmation; shipped, invoiced and
paid after log-normal delays (per-customer payment habits); four slow weeks in which approvals and shipments take
three times as long, so the alert rules have something to find. Steps that would fall after now are not done.
"""

import datetime
import heapq
import itertools
import math
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max

from salesops.accounts.demo import DEMO_PASSWORD, load_demo_organisation, person_name
from salesops.accounts.models import OrgUnit, Role, User
from salesops.approvals.demo import load_demo_policy
from salesops.billing.models import Invoice, InvoiceLine, Payment, Settlement
from salesops.catalog.demo import load_demo_catalog
from salesops.catalog.models import Product
from salesops.core import clock
from salesops.core.bulk import BulkWriter
from salesops.core.models import DocumentCounter, Event, EventDelivery
from salesops.core.timezones import company_zone
from salesops.customers.credit_code import ALPHABET, complete_credit_code
from salesops.customers.models import Customer, CustomerGroup
from salesops.inventory.demo import load_demo_stock
from salesops.inventory.models import SafetyStock, StockLevel, StockMovement, Warehouse
from salesops.orders.models import OrderCounter, OrderLine, SalesOrder, Shipment, ShipmentLine
from salesops.reporting.demo import load_demo_alert_rules
from salesops.reporting.rollups import HANDLER_NAME
from salesops.reporting.stages import event_types
from salesops.web.demo_history import HABITS, SEASON

ORDERS = 400_000
REPS = 1_000
CUSTOMERS = 10_000
OFFICES_PER_REGION = 10
TEAMS_PER_OFFICE = 3
LINES_PER_ORDER = (3, 7)  # five on average
CHUNK = 20_000  # orders per transaction
CENT = Decimal("0.01")
CITIES = {
    "east": ["sh", "hz", "nj", "sz2", "wx", "nb", "hf", "cz", "nt", "jx"],
    "south": ["gz", "sz", "xm", "fs", "dg", "zh", "fz", "nn", "hk2", "st"],
    "north": ["bj", "tj", "jn", "qd", "sjz", "ty", "sy", "dl", "cc", "heb"],
}
GROUPS = [
    ("dealers", "经销商"),
    ("key-accounts", "大客户"),
    ("distributors", "分销商"),
    ("industrial", "工业客户"),
    ("retail", "零售客户"),
    ("public", "公共机构"),
]
CARRIERS = ["顺丰速运", "中通快运", "德邦物流", "京东物流"]
TERMS = {"net30": 30, "net60": 60, "net90": 90}


@dataclass
class LargeReport:
    orders: int = 0
    lines: int = 0
    shipments: int = 0
    invoices: int = 0
    payments: int = 0
    events: int = 0
    deliveries: int = 0
    rows: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)


# --- the company ---------------------------------------------------------------------------------------------


def build_organisation(reps: int) -> None:
    """Grow the demo org to 10 offices per region, 3 teams per office (each with a manager), `reps` reps."""
    password = make_password(DEMO_PASSWORD)
    regions = {unit.code: unit for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION)}
    teams = []
    for region_code, cities in CITIES.items():
        region = regions[region_code]
        for city in cities[:OFFICES_PER_REGION]:
            office, _ = OrgUnit.objects.get_or_create(
                code=city, defaults={"kind": OrgUnit.Kind.OFFICE, "name": f"{city.upper()} 办事处", "parent": region}
            )
            for number in range(1, TEAMS_PER_OFFICE + 1):
                team, _ = OrgUnit.objects.get_or_create(
                    code=f"{city}-team{number}",
                    defaults={"kind": OrgUnit.Kind.TEAM, "name": f"{city.upper()} {number} 组", "parent": office},
                )
                teams.append(team)
    existing = set(User.objects.values_list("username", flat=True))
    new_users = []
    for index, team in enumerate(teams):
        username = f"manager_{team.code}"
        if team.manager_id is None and username not in existing:
            new_users.append(
                User(
                    username=username,
                    role=Role.SALES_MANAGER,
                    org_unit=team,
                    display_name=person_name(index) + "（经理）",
                    password=password,
                )
            )
    have = User.objects.filter(role=Role.SALES_REP).count()
    for number in range(max(reps - have, 0)):
        team = teams[number % len(teams)]
        new_users.append(
            User(
                username=f"rep_{team.code}_{number // len(teams) + 1:02d}",
                role=Role.SALES_REP,
                org_unit=team,
                display_name=person_name(number + 100),
                password=password,
            )
        )
    User.objects.bulk_create(new_users, batch_size=500)
    for team in teams:
        if team.manager_id is None:
            manager = User.objects.filter(username=f"manager_{team.code}").first()
            if manager is not None:
                OrgUnit.objects.filter(pk=team.pk).update(manager=manager)


def credit_code(index: int, division: str) -> str:
    digits = ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY"
    body = ""
    for _ in range(8):
        index, rest = divmod(index, len(digits))
        body = digits[rest] + body
    return complete_credit_code("91" + division + body)


def build_customers(total: int, rng: random.Random) -> None:
    """`total` active customers shared out among the reps (in their office), most in a customer group."""
    groups = [CustomerGroup.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in GROUPS]
    reps = list(User.objects.filter(role=Role.SALES_REP).select_related("org_unit").order_by("pk"))
    offices = {unit.pk: unit for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE)}
    offices_by_path = {unit.path: unit for unit in offices.values()}
    rows = []
    for index in range(total):
        rep = reps[index % len(reps)]
        office = next(unit for path, unit in offices_by_path.items() if rep.org_unit.path.startswith(path))
        group = rng.choices([*groups, None], weights=[20, 8, 15, 25, 15, 7, 10])[0]
        rows.append(
            Customer(
                name=f"{office.name[:3]}客户{index + 1:05d}有限公司",
                credit_code=credit_code(index + 7_000_000, "310115"),
                office=office,
                region_id=office.parent_id,
                owner=rep,
                group=group,
                payment_term=rng.choices(list(TERMS), weights=[65, 25, 10])[0],
                credit_limit=Decimal(rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000])),
            )
        )
    Customer.objects.bulk_create(rows, batch_size=1000)


# --- the history ---------------------------------------------------------------------------------------------


@dataclass
class Line:
    id: int
    position: int
    product: Product
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    tax_amount: Decimal


@dataclass
class Flow:
    """One order's simulated lifecycle, held while any of its steps is still to be written."""

    id: int
    number: str
    customer: Customer
    warehouse: Warehouse
    lines: list[Line]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    status: str = "draft"
    paid_at: datetime.datetime | None = None
    invoice_id: int = 0
    invoice_number: str = ""


def placement(customer: Customer) -> dict:
    """What an order and its invoice copy from the customer."""
    return {
        "customer": customer.pk,
        "owner": customer.owner_id,
        "office": customer.office_id,
        "region": customer.region_id,
        "payment_term": customer.payment_term,
    }


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class LargeHistory:
    def __init__(self, *, orders: int, seed: int, days: int, say: Callable[[str], object]):
        self.count, self.days, self.say = orders, days, say
        self.rng = random.Random(seed)
        self.now = clock.now()
        self.zone = company_zone()
        self.today = self.now.astimezone(self.zone).date()
        self.writer = BulkWriter(connection)
        self.report = LargeReport()
        self.queue: list[tuple[datetime.datetime, int, Callable[[], None]]] = []
        self.sequence = itertools.count()
        self.stage_types = event_types()
        self.finance = User.objects.get(username="finance")
        self.keeper = User.objects.get(username="warehouse")
        self.approver = {unit.pk: unit.manager for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION)}
        self.customers = list(Customer.objects.filter(status=Customer.Status.ACTIVE).select_related("owner"))
        self.warehouses = {w.region_id: w for w in Warehouse.objects.filter(is_active=True)}
        self.carried: dict[int, list[Product]] = defaultdict(list)
        self.minimum: dict[tuple[int, int], Decimal] = {}
        for safety in SafetyStock.objects.select_related("product").order_by("product__sku"):
            self.carried[safety.warehouse_id].append(safety.product)
            self.minimum[safety.product_id, safety.warehouse_id] = safety.minimum
        self.levels = {(level.product_id, level.warehouse_id): level for level in StockLevel.objects.all()}
        self.on_hand = {key: level.on_hand for key, level in self.levels.items()}
        self.reserved = {key: level.reserved for key, level in self.levels.items()}
        self.habits = {}
        weights, habits = zip(*HABITS, strict=True)
        for customer in self.customers:
            self.habits[customer.pk] = self.rng.choices(habits, weights=weights)[0]
        self.receivables: dict[int, Decimal] = defaultdict(Decimal)
        self.counters = {("SO", c.year): c.last_number for c in OrderCounter.objects.all()}
        self.counters |= {(c.series, c.year): c.last_number for c in DocumentCounter.objects.all()}
        self.ids = {
            model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
            for model in (
                SalesOrder,
                OrderLine,
                Shipment,
                ShipmentLine,
                Invoice,
                InvoiceLine,
                Payment,
                Settlement,
                StockMovement,
                Event,
                EventDelivery,
            )
        }
        self.templates = {model: self.template(model) for model in self.ids}
        weeks = (days // 7) - 2
        self.slow_weeks = {self.rng.randrange(2, weeks) for _ in range(4)} if weeks > 4 else set()

    # --- rows and events ------------------------------------------------------------------------------------

    def template(self, model) -> dict:
        """Every column of `model` with its default (prepared for the database), to be overridden per row."""
        row = {}
        for item in model._meta.concrete_fields:
            if item.has_default():
                value = item.get_default()
                if isinstance(value, dict | list):
                    value = BulkWriter.json(value)
                elif isinstance(value, datetime.datetime):
                    value = self.writer.moment(value)
                row[item.column] = value
            else:
                row[item.column] = None if item.null else ""
        return row

    def next_id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] += 1
        return value

    def row(self, model, **values) -> int:
        """Write one row of `model` (id assigned here unless given); returns its id."""
        values.setdefault("id", self.next_id(model))
        row = dict(self.templates[model])
        for key, value in values.items():
            column = key if key in row else f"{key}_id"
            if isinstance(value, datetime.datetime):
                value = self.writer.moment(value)
            elif isinstance(value, datetime.date):
                value = self.writer.day(value)
            elif isinstance(value, dict | list):
                value = BulkWriter.json(value)
            row[column] = value
        self.writer.add(model, row)
        return values["id"]

    def event(self, kind: str, subject_type: str, subject_id: int, label: str, actor: User, at, payload: dict):
        event_id = self.row(
            Event,
            uuid=str(self.rng_uuid()),
            type=kind,
            subject_type=subject_type,
            subject_id=str(subject_id),
            subject_label=label,
            actor=actor.pk,
            actor_label=actor.username,
            occurred_at=at,
            payload=payload,
        )
        self.report.events += 1
        if kind in self.stage_types:
            self.row(EventDelivery, event=event_id, handler=HANDLER_NAME, status="pending", next_attempt_at=at)
            self.report.deliveries += 1

    def rng_uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def number(self, series: str, at: datetime.datetime) -> str:
        year = at.astimezone(self.zone).year
        self.counters[series, year] = self.counters.get((series, year), 0) + 1
        return f"{series}-{year}-{self.counters[series, year]:06d}"

    def order_event(self, kind: str, flow: Flow, actor: User, at, before: str, after: str, data: dict | None = None):
        payload = {"before": {"status": before}, "after": {"status": after}}
        if data:
            payload["data"] = data
        self.event(kind, "orders.salesorder", flow.id, flow.number, actor, at, payload)

    # --- time -----------------------------------------------------------------------------------------------

    def later(self, moment: datetime.datetime, hours: float) -> datetime.datetime:
        """`hours` of working time later (9:00-18:00 on weekdays, company time)."""
        local = moment.astimezone(self.zone)
        left = hours
        while True:
            if local.weekday() >= 5 or local.hour >= 18:
                local = (local + datetime.timedelta(days=1)).replace(hour=9, minute=0, second=0)
                continue
            if local.hour < 9:
                local = local.replace(hour=9, minute=0, second=0)
            end = local.replace(hour=18, minute=0, second=0)
            room = (end - local).total_seconds() / 3600
            if left <= room:
                return local + datetime.timedelta(hours=left)
            left -= room
            local = end

    def slow(self, moment: datetime.datetime) -> float:
        week = (self.today - moment.astimezone(self.zone).date()).days // 7
        return 3.0 if week in self.slow_weeks else 1.0

    def delay(self, median_hours: float, spread: float = 0.8) -> float:
        return median_hours * math.exp(self.rng.gauss(0, spread))

    def schedule(self, at: datetime.datetime, run: Callable[[], None]) -> None:
        if at < self.now:
            heapq.heappush(self.queue, (at, next(self.sequence), run))

    # --- the run --------------------------------------------------------------------------------------------

    def order_days(self) -> list[datetime.date]:
        """The creation day of every order, in order: by weekday, season and a little noise per day."""
        start = self.today - datetime.timedelta(days=self.days)
        days = [start + datetime.timedelta(days=n) for n in range(self.days)]
        weights = [
            (1.0 if day.weekday() < 5 else 0.15 if day.weekday() == 5 else 0.0)
            * SEASON[day.month]
            * self.rng.uniform(0.85, 1.15)
            for day in days
        ]
        total = sum(weights)
        result, carried = [], 0.0
        for day, weight in zip(days, weights, strict=True):
            carried += self.count * weight / total
            whole = int(carried)
            carried -= whole
            result.extend([day] * whole)
        result.extend([days[-1]] * (self.count - len(result)))
        return result

    def run(self) -> LargeReport:
        started = time.monotonic()
        moments = sorted(
            datetime.datetime.combine(day, datetime.time(9), tzinfo=self.zone)
            + datetime.timedelta(seconds=self.rng.randrange(9 * 3600))
            for day in self.order_days()
        )
        for chunk in range(0, len(moments), CHUNK):
            with transaction.atomic():
                for at in moments[chunk : chunk + CHUNK]:
                    self.run_until(at)
                    if at < self.now:
                        self.create(at)
                self.writer.flush()
            self.say(f"{min(chunk + CHUNK, len(moments))} orders, {self.report.events} events written")
        with transaction.atomic():
            self.run_until(self.now)
            self.writer.flush()
            self.finish()
        self.report.rows = self.writer.written
        self.report.seconds = time.monotonic() - started
        return self.report

    def run_until(self, moment: datetime.datetime) -> None:
        while self.queue and self.queue[0][0] <= moment:
            _at, _sequence, step = heapq.heappop(self.queue)
            step()

    # --- the lifecycle: each step writes what one action would -----------------------------------------------

    def create(self, at: datetime.datetime) -> None:
        rng = self.rng
        customer = self.customers[rng.randrange(len(self.customers))]
        rep = customer.owner
        warehouse = self.warehouses[customer.region_id]
        carried = self.carried[warehouse.pk]
        order_id = self.next_id(SalesOrder)
        lines, subtotal, tax = [], Decimal("0.00"), Decimal("0.00")
        for position, product in enumerate(rng.sample(carried, rng.randint(*LINES_PER_ORDER)), start=1):
            quantity = Decimal(rng.choice([1, 1, 2, 2, 3, 5, 5, 10, 20]))
            amount = money(quantity * product.list_price)
            line_tax = money(amount * product.tax_rate)
            lines.append(
                Line(self.next_id(OrderLine), position, product, quantity, product.list_price, amount, line_tax)
            )
            subtotal, tax = subtotal + amount, tax + line_tax
        flow = Flow(order_id, self.number("SO", at), customer, warehouse, lines, subtotal, tax, subtotal + tax)
        plan = self.plan(at, customer)
        final = plan[-1][1] if plan else "draft"
        final = "submitted" if final in ("approval_requested", "approved") else final
        flow.paid_at = next((moment for moment, status in plan if status == "paid"), None)
        self.report.orders += 1
        self.report.lines += len(lines)
        self.report.statuses[final] = self.report.statuses.get(final, 0) + 1
        submitted_at = plan[0][0] if plan and plan[0][1] != "cancelled" else None
        confirmed_at = next((moment for moment, status in plan if status == "confirmed"), None)
        shipped = final in ("shipped", "invoiced", "paid")
        invoiced = final in ("invoiced", "paid")
        approval = any(status == "approval_requested" for _moment, status in plan)
        decided = next((moment for moment, status in plan if status in ("approved", "rejected")), None)
        self.row(
            SalesOrder,
            id=order_id,
            number=flow.number,
            **placement(customer),
            warehouse=warehouse.pk,
            status=final,
            subtotal=subtotal,
            tax_amount=tax,
            total=flow.total,
            invoiced_amount=flow.total if invoiced else Decimal(0),
            is_stock_reserved=final == "confirmed",
            approval_reasons=["订单金额超过审批阈值"] if approval else [],
            approved_by=self.approver[customer.region_id].pk if decided else None,
            decided_at=decided,
            hold_reason="信用额度不足" if final == "on_hold" else "",
            submitted_by=rep.pk if submitted_at else None,
            submitted_at=submitted_at,
            confirmed_at=confirmed_at,
            created_at=at,
            updated_at=plan[-1][0] if plan else at,
        )
        for line in lines:
            self.row(
                OrderLine,
                id=line.id,
                order=order_id,
                position=line.position,
                product=line.product.pk,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.product.tax_rate,
                amount=line.amount,
                tax_amount=line.tax_amount,
                shipped_quantity=line.quantity if shipped else Decimal(0),
                invoiced_quantity=line.quantity if invoiced else Decimal(0),
            )
        self.event(
            "order.created",
            "orders.salesorder",
            order_id,
            flow.number,
            rep,
            at,
            {
                "after": {
                    "id": order_id,
                    "number": flow.number,
                    "office": customer.office_id,
                    "region": customer.region_id,
                    "payment_term": customer.payment_term,
                    "discount_percent": "0",
                    "subtotal": str(subtotal),
                    "discount_amount": "0.00",
                    "tax_amount": str(tax),
                    "total": str(flow.total),
                    "customer": customer.pk,
                    "owner": rep.pk,
                    "warehouse": warehouse.pk,
                    "status": "draft",
                },
                "data": {
                    "lines": [
                        {
                            "product": line.product.sku,
                            "quantity": str(line.quantity),
                            "unit_price": str(line.unit_price),
                            "discount_percent": "0",
                            "amount": str(line.amount),
                        }
                        for line in lines
                    ]
                },
            },
        )
        for moment, status in plan:
            self.schedule(moment, lambda status=status, moment=moment: self.step(flow, status, moment))

    def plan(self, at: datetime.datetime, customer: Customer) -> list[tuple[datetime.datetime, str]]:
        """The order's moves after creation, with their times; cut where the next would fall after now."""
        rng, moves = self.rng, []
        moment = self.later(at, self.delay(1.5, 1.0))
        if rng.random() < 0.015:
            moves.append((moment, "cancelled"))
            return self.cut(moves)
        moves.append((moment, "submitted"))
        roll = rng.random()
        if roll < 0.18:
            moves.append((moment, "approval_requested"))
            moment = self.later(moment, self.delay(2.0, 0.9) * self.slow(moment))
            if rng.random() < 0.08:
                moves.append((moment, "rejected"))
                return self.cut(moves)
            moves.append((moment, "approved"))
        elif roll < 0.22:
            moves.append((moment, "on_hold"))
            moment = self.later(moment, self.delay(5.0, 0.8))
        moves.append((moment, "confirmed"))
        if rng.random() < 0.02:
            moves.append((self.later(moment, self.delay(10.0)), "cancelled"))
            return self.cut(moves)
        moment = self.later(moment, self.delay(20.0, 0.7) * self.slow(moment))
        moves.append((moment, "shipped"))
        moment = self.later(moment, self.delay(9.0, 0.6))
        moves.append((moment, "invoiced"))
        habit = self.habits[customer.pk]
        if rng.random() >= habit.unpaid:
            issued_on = moment.astimezone(self.zone).date()
            due_on = issued_on + datetime.timedelta(days=TERMS[customer.payment_term])
            paid_on = due_on + datetime.timedelta(days=round(rng.gauss(habit.mean_delay, habit.spread)))
            paid_on = max(paid_on, issued_on + datetime.timedelta(days=1))
            paid = datetime.datetime.combine(paid_on, datetime.time(10), tzinfo=self.zone)
            moves.append((paid + datetime.timedelta(seconds=rng.randrange(6 * 3600)), "paid"))
        return self.cut(moves)

    def cut(self, moves):
        return [(moment, status) for moment, status in moves if moment < self.now]

    def step(self, flow: Flow, status: str, at: datetime.datetime) -> None:
        rep, before = flow.customer.owner, flow.status
        approver = self.approver[flow.customer.region_id]
        if status == "submitted":
            self.order_event("order.submitted", flow, rep, at, before, "submitted")
            flow.status = "submitted"
        elif status == "approval_requested":
            payload = {"after": {"approval_reasons": ["订单金额超过审批阈值"]}}
            self.event("order.approval_requested", "orders.salesorder", flow.id, flow.number, rep, at, payload)
        elif status == "approved":
            self.event("order.approved", "orders.salesorder", flow.id, flow.number, approver, at, {"after": {}})
        elif status == "rejected":
            self.order_event("order.rejected", flow, approver, at, before, "rejected", {"reason": "价格低于底价"})
            flow.status = "rejected"
        elif status == "on_hold":
            self.order_event("order.on_hold", flow, rep, at, before, "on_hold", {"reason": "信用额度不足"})
            flow.status = "on_hold"
        elif status == "confirmed":
            self.reserve(flow, at)
            self.order_event("order.confirmed", flow, self.finance if before == "on_hold" else rep, at, before, status)
            flow.status = "confirmed"
        elif status == "cancelled":
            self.cancel(flow, at)
        elif status == "shipped":
            self.ship(flow, at)
        elif status == "invoiced":
            self.invoice(flow, at)
        elif status == "paid":
            self.pay(flow, at)

    def stock_lines(self, flow: Flow) -> list[dict]:
        return [
            {"product": line.product.sku, "warehouse": flow.warehouse.code, "quantity": f"{line.quantity:.3f}"}
            for line in flow.lines
        ]

    def movement(self, source: tuple[str, int], line: Line, flow: Flow, kind: str, at, actor: User, **change):
        self.row(
            StockMovement,
            product=line.product.pk,
            warehouse=flow.warehouse.pk,
            kind=kind,
            on_hand_change=change.get("on_hand", Decimal(0)),
            reserved_change=change.get("reserved", Decimal(0)),
            source_type=source[0],
            source_id=str(source[1]),
            actor=actor.pk,
            created_at=at,
        )

    def receive(self, key: tuple[int, int], quantity: Decimal, at) -> None:
        """Purchasing tops a product up (the demo's replenishment), as `receive_stock` records it."""
        self.on_hand[key] += quantity
        movement = self.row(
            StockMovement,
            product=key[0],
            warehouse=key[1],
            kind="receipt",
            on_hand_change=quantity,
            reserved_change=Decimal(0),
            note="采购入库",
            actor=self.keeper.pk,
            created_at=at,
        )
        level = self.levels[key]
        payload = {"data": {"quantity": str(quantity), "movement": movement, "note": "采购入库"}}
        self.event("stock.received", "inventory.stocklevel", level.pk, str(level)[:255], self.keeper, at, payload)

    def reserve(self, flow: Flow, at) -> None:
        rep = flow.customer.owner
        for line in flow.lines:
            key = (line.product.pk, flow.warehouse.pk)
            available = self.on_hand[key] - self.reserved[key]
            if available < line.quantity:
                self.receive(key, max(self.minimum[key] * 6, Decimal(10)) + line.quantity - available, at)
            self.reserved[key] += line.quantity
            source = ("orders.salesorder", flow.id)
            self.movement(source, line, flow, "reservation", at, rep, reserved=line.quantity)
        payload = {"data": {"lines": self.stock_lines(flow)}}
        self.event("stock.reserved", "orders.salesorder", flow.id, flow.number, rep, at, payload)

    def cancel(self, flow: Flow, at) -> None:
        rep, before = flow.customer.owner, flow.status
        if before == "confirmed":  # the reservation is released
            for line in flow.lines:
                self.reserved[line.product.pk, flow.warehouse.pk] -= line.quantity
                source = ("orders.salesorder", flow.id)
                self.movement(source, line, flow, "release", at, rep, reserved=-line.quantity)
            payload = {"data": {"lines": self.stock_lines(flow)}}
            self.event("stock.released", "orders.salesorder", flow.id, flow.number, rep, at, payload)
        self.order_event("order.cancelled", flow, rep, at, before, "cancelled", {"reason": "客户取消"})
        flow.status = "cancelled"

    def ship(self, flow: Flow, at) -> None:
        shipment_id, number = self.next_id(Shipment), self.number("SH", at)
        carrier = CARRIERS[flow.id % len(CARRIERS)]
        self.row(
            Shipment,
            id=shipment_id,
            number=number,
            order=flow.id,
            warehouse=flow.warehouse.pk,
            shipped_at=at,
            carrier=carrier,
            shipped_by=self.keeper.pk,
            created_at=at,
            updated_at=at,
        )
        for line in flow.lines:
            self.row(
                ShipmentLine, shipment=shipment_id, order_line=line.id, product=line.product.pk, quantity=line.quantity
            )
            key = (line.product.pk, flow.warehouse.pk)
            self.on_hand[key] -= line.quantity
            self.reserved[key] -= line.quantity
            source = ("orders.shipment", shipment_id)
            self.movement(
                source, line, flow, "shipment", at, self.keeper, on_hand=-line.quantity, reserved=-line.quantity
            )
        after = {"order": flow.id, "warehouse": flow.warehouse.pk, "carrier": carrier, "tracking_number": ""}
        lines = [
            {"line": line.position, "product": line.product.sku, "quantity": f"{line.quantity:.3f}"}
            for line in flow.lines
        ]
        self.event(
            "shipment.created",
            "orders.shipment",
            shipment_id,
            number,
            self.keeper,
            at,
            {"after": after, "data": {"lines": lines}},
        )
        payload = {"data": {"lines": self.stock_lines(flow)}}
        self.event("stock.shipped", "orders.shipment", shipment_id, number, self.keeper, at, payload)
        self.order_event(
            "order.shipped", flow, self.keeper, at, flow.status, "shipped", {"reason": "", "shipment": number}
        )
        flow.status = "shipped"
        self.report.shipments += 1

    def invoice(self, flow: Flow, at) -> None:
        customer = flow.customer
        issued_on = at.astimezone(self.zone).date()
        due_on = issued_on + datetime.timedelta(days=TERMS[customer.payment_term])
        paid = flow.paid_at
        flow.invoice_id, flow.invoice_number = self.next_id(Invoice), self.number("INV", at)
        self.row(
            Invoice,
            id=flow.invoice_id,
            number=flow.invoice_number,
            order=flow.id,
            **placement(customer),
            status="settled" if paid else "open",
            issued_at=at,
            issue_date=issued_on,
            due_date=due_on,
            net_amount=flow.subtotal,
            tax_amount=flow.tax,
            total=flow.total,
            settled_amount=flow.total if paid else Decimal(0),
            settled_on=paid.astimezone(self.zone).date() if paid else None,
            issued_by=self.finance.pk,
            created_at=at,
            updated_at=paid or at,
        )
        for line in flow.lines:
            self.row(
                InvoiceLine,
                invoice=flow.invoice_id,
                position=line.position,
                order_line=line.id,
                product=line.product.pk,
                quantity=line.quantity,
                unit_price=line.unit_price,
                net_amount=line.amount,
                tax_rate=line.product.tax_rate,
                tax_amount=line.tax_amount,
            )
        after = {"order": flow.id, "total": str(flow.total), "due_date": due_on.isoformat(), "status": "open"}
        lines = [
            {
                "product": line.product.sku,
                "quantity": f"{line.quantity:.3f}",
                "net": str(line.amount),
                "tax": str(line.tax_amount),
            }
            for line in flow.lines
        ]
        payload = {"after": after, "data": {"lines": lines}}
        self.event("invoice.issued", "billing.invoice", flow.invoice_id, flow.invoice_number, self.finance, at, payload)
        data = {"reason": "", "invoice": flow.invoice_number}
        self.order_event("order.invoiced", flow, self.finance, at, flow.status, "invoiced", data)
        flow.status = "invoiced"
        self.report.invoices += 1
        if not paid:
            self.receivables[customer.pk] += flow.total

    def pay(self, flow: Flow, at) -> None:
        customer, on = flow.customer, at.astimezone(self.zone).date()
        number = self.number("PAY", at)
        payment_id = self.row(
            Payment,
            number=number,
            customer=customer.pk,
            amount=flow.total,
            received_on=on,
            method="bank_transfer",
            unapplied_amount=Decimal(0),
            recorded_by=self.finance.pk,
            created_at=at,
            updated_at=at,
        )
        self.row(
            Settlement, invoice=flow.invoice_id, source="payment", payment=payment_id, amount=flow.total, settled_on=on
        )
        after = {
            "customer": customer.pk,
            "amount": str(flow.total),
            "received_on": on.isoformat(),
            "method": "bank_transfer",
        }
        data = {"allocations": [{"invoice": flow.invoice_number, "amount": str(flow.total)}]}
        self.event(
            "payment.recorded", "billing.payment", payment_id, number, self.finance, at, {"after": after, "data": data}
        )
        payload = {"before": {"status": "open"}, "after": {"status": "settled", "settled_on": on.isoformat()}}
        self.event(
            "invoice.settled", "billing.invoice", flow.invoice_id, flow.invoice_number, self.finance, at, payload
        )
        self.order_event("order.paid", flow, self.finance, at, "invoiced", "paid")
        flow.status = "paid"
        self.report.payments += 1

    def finish(self) -> None:
        """Counters continue after the history, balances are the open invoices, stock levels the ledger's sums,
        sequences follow the ids."""
        for (series, year), last in self.counters.items():
            if series == "SO":
                OrderCounter.objects.update_or_create(year=year, defaults={"last_number": last})
            else:
                DocumentCounter.objects.update_or_create(series=series, year=year, defaults={"last_number": last})
        for customer_id, amount in self.receivables.items():
            Customer.objects.filter(pk=customer_id).update(receivable_balance=amount)
        for key, level in self.levels.items():
            level.on_hand, level.reserved = self.on_hand[key], self.reserved[key]
        StockLevel.objects.bulk_update(list(self.levels.values()), ["on_hand", "reserved"], batch_size=500)
        self.writer.reset_sequences(self.ids)


def load_large_demo(
    *,
    orders: int = ORDERS,
    seed: int = 2026,
    days: int = 365,
    reps: int = REPS,
    customers: int = CUSTOMERS,
    say: Callable[[str], object] = print,
) -> LargeReport | None:
    """The large demo company and its history (None, and nothing written, when the database has orders). `reps`
    and `customers` make a smaller company for tests."""
    if SalesOrder.objects.exists():
        say("The database has orders already; nothing loaded.")
        return None
    rng = random.Random(seed)
    load_demo_organisation()
    build_organisation(reps)
    load_demo_catalog(seed=seed)
    load_demo_stock(seed=seed)
    load_demo_policy()
    if not Customer.objects.exists():
        build_customers(customers, rng)
    say(
        f"Company: {User.objects.filter(role=Role.SALES_REP).count()} reps, {Customer.objects.count()} customers, "
        f"{Product.objects.count()} products, {Warehouse.objects.count()} warehouses."
    )
    report = LargeHistory(orders=orders, seed=seed, days=days, say=say).run()
    load_demo_alert_rules()
    say(
        f"History: {report.orders} orders ({report.lines} lines), {report.shipments} shipments, "
        f"{report.invoices} invoices, {report.payments} payments, {report.events} events, "
        f"{report.deliveries} rollup deliveries pending; {report.rows} rows in {report.seconds:.0f} s."
    )
    return report
