"""A year of order-to-cash history for the demo company, replayed through the real actions.

Deterministic (seeded): business days of the past year bring orders (more in spring and autumn, few around the
Spring Festival), some of them converted from quotes; orders are submitted, approved or rejected, held for
credit or stock and released, shipped (some in two parts), invoiced, and paid according to each customer's
habits: most pay around the due date, some are weeks late, a few are chronic late payers who leave invoices
open. Every step runs an action under `core.clock.simulated` at its own time, so events, document dates, due
dates and numbers are those of the day it happened. Steps that would fall after today are left undone: the
company ends with open orders, unshipped goods and unpaid invoices, as a real one would.
"""

import datetime
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from salesops.accounts.models import Role, User
from salesops.approvals.models import TaskStatus
from salesops.approvals.queries import open_request
from salesops.billing.actions import (
    confirm_correction,
    issue_invoice,
    record_month_end,
    record_payment,
    request_correction,
)
from salesops.billing.models import Invoice
from salesops.catalog.models import Product
from salesops.core import clock
from salesops.core.timezones import company_zone
from salesops.customers.actions import set_credit_terms
from salesops.customers.models import Customer
from salesops.inventory.actions import receive_stock
from salesops.inventory.models import SafetyStock, StockLevel, Warehouse
from salesops.orders import actions as order_actions
from salesops.orders import quote_actions
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.shipment_actions import ship_order

CENT = Decimal("0.01")
# Share of orders per calendar month (1 = an average month): spring and autumn peaks, Spring Festival trough.
SEASON = {1: 0.8, 2: 0.45, 3: 1.15, 4: 1.2, 5: 1.15, 6: 1.25, 7: 0.95, 8: 0.9, 9: 1.15, 10: 0.85, 11: 1.2, 12: 1.3}


@dataclass
class Habit:
    """How a customer pays: days after the due date (mean, spread), and the chance an invoice is never paid."""

    label: str
    mean_delay: float
    spread: float
    unpaid: float


HABITS = [
    (0.55, Habit("punctual", -2, 4, 0.0)),
    (0.25, Habit("late", 18, 10, 0.02)),
    (0.14, Habit("very late", 55, 20, 0.08)),
    (0.06, Habit("chronic", 95, 30, 0.35)),
]


@dataclass
class Report:
    orders: int = 0
    quotes: int = 0
    shipments: int = 0
    invoices: int = 0
    payments: int = 0
    corrections: int = 0
    refused: dict[str, int] = field(default_factory=dict)


@dataclass(order=True)
class Step:
    at: datetime.datetime
    sequence: int
    run: Callable[[], None] = field(compare=False)


class History:
    """The replay: a queue of dated steps, each an action, run in time order."""

    def __init__(self, *, seed: int, days: int, orders_per_day: float, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.today = today or clock.today()
        self.start = self.today - datetime.timedelta(days=days)
        self.orders_per_day = orders_per_day
        self.queue: list[Step] = []
        self.sequence = itertools.count()
        self.report = Report()
        self.end = datetime.datetime.combine(self.today, datetime.time(8, 0), tzinfo=company_zone())
        self.finance = User.objects.get(username="finance")
        self.admin = User.objects.get(username="admin")
        self.keeper = User.objects.filter(role=Role.WAREHOUSE).order_by("pk").first() or self.admin
        self.reps = list(User.objects.filter(role=Role.SALES_REP, is_active=True).select_related("org_unit"))
        self.warehouses = {w.region_id: w for w in Warehouse.objects.filter(is_active=True)}
        self.customers: dict[int, list[Customer]] = {}
        for customer in Customer.objects.filter(status=Customer.Status.ACTIVE).order_by("pk"):
            self.customers.setdefault(customer.owner_id, []).append(customer)
        self.habits = {}
        # What each warehouse carries, with its safety minimum (a sensible order size).
        self.carried: dict[int, list[tuple[Product, Decimal]]] = {}
        for safety in SafetyStock.objects.select_related("product").order_by("product__sku"):
            if safety.product.is_active:
                self.carried.setdefault(safety.warehouse_id, []).append((safety.product, safety.minimum))

    # --- scheduling ---------------------------------------------------------------------------------------

    def at(self, day: datetime.date, hour: float) -> datetime.datetime:
        minutes = int(hour * 60)
        return datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), tzinfo=company_zone())

    def later(self, moment: datetime.datetime, *, days: float = 0, hours: float = 0) -> datetime.datetime:
        """`days` business days and `hours` later, moved into office hours."""
        result = moment + datetime.timedelta(hours=hours)
        whole = int(days)
        while whole > 0:
            result += datetime.timedelta(days=1)
            if result.weekday() < 5:
                whole -= 1
        while result.weekday() >= 5:
            result += datetime.timedelta(days=1)
        if result.hour < 9:
            result = result.replace(hour=9, minute=self.rng.randint(0, 59))
        elif result.hour >= 18:
            result = (result + datetime.timedelta(days=1)).replace(hour=9, minute=self.rng.randint(0, 59))
            while result.weekday() >= 5:
                result += datetime.timedelta(days=1)
        return result

    def schedule(self, moment: datetime.datetime, run: Callable[[], None]) -> None:
        if moment < self.end:
            heapq.heappush(self.queue, Step(moment, next(self.sequence), run))

    def attempt(self, label: str, run: Callable[[], object]) -> object | None:
        """Run an action; a refusal (credit, stock, a rule) is part of the story, counted, not an error."""
        try:
            return run()
        except (ValidationError, PermissionDenied):
            self.report.refused[label] = self.report.refused.get(label, 0) + 1
            return None

    def run(self) -> Report:
        self.prepare_customers()
        day = self.start
        while day < self.today:
            if day.weekday() < 5:
                self.plan_day(day)
            if day.weekday() == 0:
                self.schedule(self.at(day, 8.2), self.replenish)
            day += datetime.timedelta(days=1)
        while self.queue:
            step = heapq.heappop(self.queue)
            with clock.simulated(step.at):
                step.run()
        month = self.start.replace(day=1)
        while month < self.today.replace(day=1):
            record_month_end(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return self.report

    # --- the company ----------------------------------------------------------------------------------------

    def prepare_customers(self) -> None:
        """Credit terms and payment habits: bigger limits for a few key accounts, prepay for some small ones."""
        with clock.simulated(self.at(self.start - datetime.timedelta(days=1), 10)):
            for customers in self.customers.values():
                for customer in customers:
                    term = self.rng.choices(["net30", "net60", "net90", "prepay"], weights=[60, 20, 5, 15])[0]
                    limit = Decimal(self.rng.choice([200_000, 300_000, 500_000, 800_000, 1_500_000, 3_000_000]))
                    set_credit_terms(customer, actor=self.finance, credit_limit=limit, payment_term=term)
                    weights, habits = zip(*HABITS, strict=True)
                    self.habits[customer.pk] = self.rng.choices(habits, weights=weights)[0]

    def replenish(self) -> None:
        """Monday: purchasing tops up every product below twice its safety stock, and lapsed quotes expire."""
        quote_actions.expire_quotes(today=clock.today())
        available_now = {(level.product_id, level.warehouse_id): level.available for level in StockLevel.objects.all()}
        for safety in SafetyStock.objects.select_related("product", "warehouse"):
            available = available_now.get((safety.product_id, safety.warehouse_id), Decimal(0))
            if available < safety.minimum * 2:
                quantity = max(safety.minimum * 6, Decimal(10)) - available
                receive_stock(
                    product=safety.product,
                    warehouse=safety.warehouse,
                    quantity=quantity,
                    actor=self.keeper,
                    note="采购入库",
                )

    def restock_for(self, order: SalesOrder) -> None:
        levels = {
            level.product_id: level.available for level in StockLevel.objects.filter(warehouse_id=order.warehouse_id)
        }
        for line in order.lines.select_related("product"):
            short = line.remaining_quantity - levels.get(line.product_id, Decimal(0))
            if short > 0:
                receive_stock(
                    product=line.product,
                    warehouse=order.warehouse,
                    quantity=short * 3,
                    actor=self.keeper,
                    note="紧急采购",
                )

    def plan_day(self, day: datetime.date) -> None:
        expected = self.orders_per_day * SEASON[day.month]
        for _ in range(self.poisson(expected)):
            rep = self.rng.choice(self.reps)
            customers = self.customers.get(rep.pk)
            if not customers:
                continue
            customer = self.rng.choice(customers)
            moment = self.at(day, self.rng.uniform(9, 17.5))
            lines = self.basket(customer)
            if not lines:
                continue
            chance = self.rng.random()
            if chance < 0.3:  # quoted first, ordered when the customer accepts
                quoted = self.later(moment - datetime.timedelta(days=self.rng.randint(3, 14)))
                self.schedule(quoted, lambda r=rep, c=customer, ls=lines, m=moment: self.quote(r, c, ls, accepted_at=m))
            elif chance < 0.4:  # a quote the customer never takes up
                self.schedule(moment, lambda r=rep, c=customer, ls=lines: self.quote(r, c, ls, accepted_at=None))
            else:
                self.schedule(moment, lambda r=rep, c=customer, ls=lines: self.take_order(r, c, ls))

    def poisson(self, mean: float) -> int:
        count, threshold, product = 0, pow(2.718281828459045, -mean), self.rng.random()
        while product > threshold:
            count += 1
            product *= self.rng.random()
        return count

    def basket(self, customer: Customer) -> list[dict]:
        warehouse = self.warehouses.get(customer.region_id)
        if warehouse is None:
            return []
        carried = self.carried.get(warehouse.pk, [])
        lines = []
        for product, minimum in self.rng.sample(carried, k=min(len(carried), self.rng.choice([1, 1, 2, 2, 3, 4, 5]))):
            budget = Decimal(self.rng.choice([3_000, 8_000, 15_000, 30_000, 60_000]))
            quantity = max(1, min(int(budget / product.list_price), int(minimum * 2)))
            discount = self.rng.choices(["0", "3", "5", "8", "12"], weights=[55, 15, 15, 10, 5])[0]
            lines.append({"product": product, "quantity": Decimal(min(quantity, 40)), "discount_percent": discount})
        return lines

    # --- an order's life --------------------------------------------------------------------------------------

    def quote(self, rep: User, customer: Customer, lines: list[dict], *, accepted_at: datetime.datetime | None) -> None:
        """A quote sent to the customer (discounts within the rep's limit); converted into an order when it is
        accepted, else declined or left to expire."""
        warehouse = self.warehouses[customer.region_id]
        quoted_lines = [
            {**line, "discount_percent": min(Decimal(line["discount_percent"]), Decimal(5))} for line in lines
        ]
        quote = self.attempt(
            "quote",
            lambda: quote_actions.create_quote(actor=rep, customer=customer, warehouse=warehouse, lines=quoted_lines),
        )
        if quote is None or self.attempt("send quote", lambda: quote_actions.send_quote(quote, actor=rep)) is None:
            return
        self.report.quotes += 1
        if accepted_at is not None:
            self.schedule(accepted_at, lambda: self.accept(quote, rep))
        elif self.rng.random() < 0.5:
            declined_at = self.later(clock.now(), days=self.rng.randint(2, 10))
            self.schedule(
                declined_at,
                lambda: self.attempt(
                    "decline", lambda: quote_actions.decline_quote(quote, actor=rep, comment="客户选择了其他供应商")
                ),
            )

    def accept(self, quote, rep: User) -> None:
        order = self.attempt("convert", lambda: quote_actions.convert_quote_to_order(quote, actor=rep))
        if order is not None:
            self.submit_new(order, rep)

    def take_order(self, rep: User, customer: Customer, lines: list[dict]) -> None:
        warehouse = self.warehouses[customer.region_id]
        order = self.attempt(
            "create",
            lambda: order_actions.create_order(actor=rep, customer=customer, warehouse=warehouse, lines=lines),
        )
        if order is not None:
            self.submit_new(order, rep)

    def submit_new(self, order: SalesOrder, rep: User) -> None:
        self.report.orders += 1
        if self.rng.random() < 0.04:
            return  # a draft never submitted
        if order.payment_term == Customer.PaymentTerm.PREPAY:
            self.attempt(
                "prepay", lambda: order_actions.record_prepayment(order, actor=self.finance, amount=order.total)
            )
        order = self.attempt("submit", lambda: order_actions.submit_order(order, actor=rep))
        if order is not None:
            self.after_submit(order, clock.now())

    def after_submit(self, order: SalesOrder, moment: datetime.datetime) -> None:
        if order.status == OrderStatus.CONFIRMED:
            self.plan_fulfilment(order, moment)
        elif order.status == OrderStatus.SUBMITTED and order.is_waiting_for_approval:
            self.schedule(self.later(moment, hours=self.rng.uniform(1, 30)), lambda: self.decide(order))
        elif order.status == OrderStatus.ON_HOLD:
            self.schedule(self.later(moment, days=self.rng.choice([1, 2, 3])), lambda: self.release(order))

    def decide(self, order: SalesOrder) -> None:
        """The approver asked now decides (a chain of several steps comes back here until it is done)."""
        order.refresh_from_db()
        request = open_request(order)
        task = request.tasks.filter(status=TaskStatus.PENDING).order_by("pk").first() if request else None
        if task is None:
            return
        approver = task.approver
        if self.rng.random() < 0.06:
            self.attempt(
                "reject", lambda: order_actions.reject_order(order, actor=approver, comment="价格低于底线，请重新报价")
            )
            return
        result = self.attempt("approve", lambda: order_actions.approve_order(order, actor=approver, comment="同意"))
        if result is not None:
            self.after_submit(result, clock.now())

    def release(self, order: SalesOrder) -> None:
        order.refresh_from_db()
        if order.status != OrderStatus.ON_HOLD:
            return
        self.restock_for(order)  # a stock hold waits for the goods to come in
        result = self.attempt(
            "release", lambda: order_actions.release_order(order, actor=self.finance, comment="已核实")
        )
        if result is None:
            if self.rng.random() < 0.5:
                self.attempt("cancel", lambda: order_actions.cancel_order(order, actor=order.owner, comment="客户取消"))
            return
        self.after_submit(result, clock.now())

    def plan_fulfilment(self, order: SalesOrder, moment: datetime.datetime) -> None:
        if self.rng.random() < 0.03:
            self.schedule(
                self.later(moment, hours=4),
                lambda: self.attempt(
                    "cancel", lambda: order_actions.cancel_order(order, actor=order.owner, comment="客户变更需求")
                ),
            )
            return
        partial = self.rng.random() < 0.12
        self.schedule(self.later(moment, days=self.rng.choice([0, 1, 1, 2, 3])), lambda: self.ship(order, partial))

    def ship(self, order: SalesOrder, partial: bool) -> None:
        order.refresh_from_db()
        lines = None
        if partial:
            lines = [
                {"order_line_id": line.pk, "quantity": (line.remaining_quantity / 2).quantize(Decimal(1))}
                for line in order.lines.all()
                if (line.remaining_quantity / 2).quantize(Decimal(1)) > 0
            ] or None
        shipment = self.attempt(
            "ship",
            lambda: ship_order(
                order, actor=self.keeper, lines=lines, carrier=self.rng.choice(["顺丰", "德邦", "中通快运"])
            ),
        )
        if shipment is None:
            return
        self.report.shipments += 1
        now = clock.now()
        self.schedule(self.later(now, days=self.rng.choice([0, 0, 1])), lambda: self.invoice(order))
        if partial and lines is not None:
            self.schedule(self.later(now, days=self.rng.randint(3, 8)), lambda: self.ship(order, False))

    def invoice(self, order: SalesOrder) -> None:
        invoice = self.attempt("invoice", lambda: issue_invoice(order, actor=self.finance))
        if invoice is None:
            return
        self.report.invoices += 1
        habit = self.habits[order.customer_id]
        if self.rng.random() < 0.02:
            self.schedule(self.later(clock.now(), days=self.rng.randint(2, 10)), lambda: self.correct(invoice))
        if invoice.balance <= 0 or self.rng.random() < habit.unpaid:
            return
        delay = max(-10, round(self.rng.gauss(habit.mean_delay, habit.spread)))
        day = max(invoice.issue_date, invoice.due_date + datetime.timedelta(days=delay))
        self.schedule(self.later(self.at(day, self.rng.uniform(9, 17))), lambda: self.pay(invoice, habit))

    def pay(self, invoice: Invoice, habit: Habit) -> None:
        invoice.refresh_from_db()
        if invoice.balance <= 0:
            return
        amount = invoice.balance
        if habit.label == "chronic" and self.rng.random() < 0.5:
            amount = (invoice.balance / 2).quantize(CENT)
        elif self.rng.random() < 0.03:
            amount = (invoice.balance / 1000).to_integral_value(rounding="ROUND_CEILING") * 1000  # rounded up
        payment = self.attempt(
            "pay",
            lambda: record_payment(
                actor=self.finance,
                customer=invoice.customer,
                amount=amount,
                received_on=clock.today(),
                method=self.rng.choices(["bank_transfer", "acceptance_bill"], weights=[80, 20])[0],
                reference=f"回单 {self.rng.randint(100000, 999999)}",
            ),
        )
        if payment is not None:
            self.report.payments += 1

    def correct(self, invoice: Invoice) -> None:
        line = invoice.lines.order_by("position").first()
        request = self.attempt(
            "correction",
            lambda: request_correction(
                invoice,
                actor=self.finance,
                kind="return",
                reason="客户退货：包装破损",
                lines=[{"invoice_line_id": line.pk, "quantity": min(line.quantity, Decimal(1))}],
            ),
        )
        if request is not None and self.attempt("confirm", lambda: confirm_correction(request, actor=self.admin)):
            self.report.corrections += 1


def load_demo_history(*, seed: int = 2026, days: int = 365, orders_per_day: float = 6.0) -> Report | None:
    """Replay the demo company's past year once; None when orders exist already."""
    if SalesOrder.objects.exists():
        return None
    return History(seed=seed, days=days, orders_per_day=orders_per_day).run()
