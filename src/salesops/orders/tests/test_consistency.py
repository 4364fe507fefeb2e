"""Randomised runs of receipts, adjustments, orders, holds, releases, cancellations, shipments, invoices,
payments and red-letter corrections (hypothesis stateful testing): whatever the sequence, the books balance.

- on hand = receipts + adjustments + returns - shipments, as the ledger says;
- reserved = what orders holding a reservation still have to ship;
- available is never negative;
- receivables = invoices - credit notes - payments (prepayments included), and the customer's balances agree
  with its open invoices and unused credit;
- invoice and credit note numbers have no gaps;
- every status change of an order or invoice has exactly one event.
"""

import contextlib
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from salesops.billing.actions import confirm_correction, issue_invoice, record_payment, request_correction
from salesops.billing.models import CreditNote, Invoice, Payment, Settlement
from salesops.catalog.pricing import company_today
from salesops.core.models import Event
from salesops.customers.models import Customer
from salesops.inventory.actions import adjust_stock, receive_stock
from salesops.inventory.models import StockLevel, StockMovement
from salesops.orders import actions
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import build_shop
from salesops.testing.org import build_org
from salesops.testing.stock import make_product

counter = itertools.count()


class OrderBooks(RuleBasedStateMachine):
    orders = Bundle("orders")

    @initialize()
    def open_the_shop(self):
        if not hasattr(OrderBooks, "org"):
            OrderBooks.org = build_org()
            OrderBooks.shop = build_shop(OrderBooks.org, stock="1")
        self.org, self.warehouse = OrderBooks.org, OrderBooks.shop.warehouse
        self.product = make_product(f"H-{next(counter)}")  # a fresh product per run keeps the books separate
        self.transitions: dict[int, int] = {}

    @rule(quantity=st.integers(min_value=1, max_value=20))
    def receive(self, quantity):
        receive_stock(product=self.product, warehouse=self.warehouse, quantity=quantity, actor=self.org.admin)

    @rule(change=st.integers(min_value=-10, max_value=10).filter(bool))
    def adjust(self, change):
        # Refused (would go below reserved) changes nothing; the invariants check that.
        with contextlib.suppress(ValidationError):
            adjust_stock(
                product=self.product, warehouse=self.warehouse, change=change, reason="盘点", actor=self.org.admin
            )

    @rule(target=orders, quantity=st.integers(min_value=1, max_value=8))
    def order(self, quantity):
        order = actions.create_order(
            actor=self.org.a.user("sales_rep"),
            customer=self.org.a.customer,
            warehouse=self.warehouse,
            lines=[{"product": self.product, "quantity": quantity, "discount_percent": 0}],
        )
        actions.submit_order(order, actor=self.org.a.user("sales_rep"))
        return order.pk

    @rule(order_id=orders)
    def cancel(self, order_id):
        with contextlib.suppress(ValidationError):
            actions.cancel_order(SalesOrder.objects.get(pk=order_id), actor=self.org.a.user("sales_rep"))

    @rule(order_id=orders)
    def hold(self, order_id):
        with contextlib.suppress(ValidationError):
            actions.hold_order(
                SalesOrder.objects.get(pk=order_id), actor=self.org.a.user("sales_manager"), comment="核对"
            )

    @rule(order_id=orders)
    def release(self, order_id):
        with contextlib.suppress(ValidationError):
            actions.release_order(SalesOrder.objects.get(pk=order_id), actor=self.org.a.user("sales_manager"))

    @rule(order_id=orders, share=st.sampled_from(["all", "half", "one"]))
    def ship(self, order_id, share):
        order = SalesOrder.objects.get(pk=order_id)
        line = order.lines.get()
        quantity = {"all": line.remaining_quantity, "half": line.remaining_quantity // 2, "one": 1}[share]
        with contextlib.suppress(ValidationError):
            ship_order(
                order,
                actor=self.org.a.user("warehouse"),
                lines=[{"order_line_id": line.pk, "quantity": quantity}] if quantity else [],
            )

    @rule(order_id=orders)
    def invoice(self, order_id):
        with contextlib.suppress(ValidationError):
            issue_invoice(SalesOrder.objects.get(pk=order_id), actor=self.org.a.user("finance"))

    @rule(order_id=orders, amount=st.integers(min_value=1, max_value=300))
    def prepay(self, order_id, amount):
        with contextlib.suppress(ValidationError):
            actions.record_prepayment(
                SalesOrder.objects.get(pk=order_id), actor=self.org.a.user("finance"), amount=Decimal(amount)
            )

    @rule(amount=st.decimals(min_value=1, max_value=2000, places=2))
    def pay(self, amount):
        record_payment(
            actor=self.org.a.user("finance"), customer=self.org.a.customer, amount=amount, received_on=company_today()
        )

    @rule(order_id=orders, kind=st.sampled_from(["return", "price"]))
    def correct(self, order_id, kind):
        invoice = Invoice.objects.filter(order_id=order_id).order_by("pk").first()
        if invoice is None:
            return
        line = invoice.lines.get()
        value = {"quantity": "1"} if kind == "return" else {"net_amount": "10.00"}
        with contextlib.suppress(ValidationError):
            request = request_correction(
                invoice,
                actor=self.org.a.user("finance"),
                kind=kind,
                reason="核对",
                lines=[{"invoice_line_id": line.pk, **value}],
            )
            confirm_correction(request, actor=self.org.admin)

    def level(self) -> StockLevel | None:
        return StockLevel.objects.filter(product=self.product, warehouse=self.warehouse).first()

    @invariant()
    def ledger_matches_the_level(self):
        level = self.level()
        totals = StockMovement.objects.filter(product=self.product, warehouse=self.warehouse).aggregate(
            on_hand=Sum("on_hand_change"), reserved=Sum("reserved_change")
        )
        if level is None:
            assert totals["on_hand"] is None
            return
        assert (level.on_hand, level.reserved) == (totals["on_hand"] or 0, totals["reserved"] or 0)
        assert level.available >= 0

    @invariant()
    def reserved_is_what_open_orders_hold(self):
        level = self.level()
        holding = SalesOrder.objects.filter(lines__product=self.product, is_stock_reserved=True)
        assert set(holding.values_list("status", flat=True)) <= {
            OrderStatus.CONFIRMED,
            OrderStatus.ON_HOLD,
            OrderStatus.PARTIALLY_SHIPPED,
        }
        expected = sum((line.remaining_quantity for order in holding for line in order.lines.all()), Decimal(0))
        assert (level.reserved if level else Decimal(0)) == expected

    @invariant()
    def receivables_balance(self):
        customer = Customer.objects.get(pk=self.org.a.customer.pk)
        invoices = Invoice.objects.filter(customer=customer)
        # Summed in Python: SQLite's SUM over decimals is floating point.
        invoiced = sum(invoices.values_list("total", flat=True), Decimal(0))
        credited = sum(CreditNote.objects.filter(customer=customer).values_list("total", flat=True), Decimal(0))
        paid = sum(Payment.objects.filter(customer=customer).values_list("amount", flat=True), Decimal(0))
        prepaid = sum(
            Settlement.objects.filter(invoice__customer=customer, source="prepayment").values_list("amount", flat=True),
            Decimal(0),
        )
        assert customer.receivable_balance - customer.credit_balance == invoiced - credited - paid - prepaid
        assert customer.receivable_balance == sum((invoice.balance for invoice in invoices.filter(status="open")), 0)
        unused = sum(
            (row.unapplied_amount for row in [*Payment.objects.filter(customer=customer), *CreditNote.objects.all()]), 0
        )
        assert customer.credit_balance == unused
        for invoice in invoices:
            assert (invoice.status == Invoice.Status.SETTLED) == (invoice.balance == 0)
            settled_events = Event.objects.filter(type="invoice.settled", subject_id=str(invoice.pk)).count()
            assert settled_events == (1 if invoice.status == Invoice.Status.SETTLED else 0)
        for model, prefix in ((Invoice, "INV"), (CreditNote, "CN")):
            numbers = sorted(int(number[-6:]) for number in model.objects.values_list("number", flat=True))
            assert numbers == list(range(1, len(numbers) + 1)), prefix

    @invariant()
    def every_status_change_has_one_event(self):
        for order in SalesOrder.objects.filter(lines__product=self.product):
            types = list(
                Event.objects.filter(
                    subject_type="orders.salesorder",
                    subject_id=str(order.pk),
                    type__in=[f"order.{s}" for s in OrderStatus.values],
                )
                .order_by("id")
                .values_list("type", flat=True)
            )
            if order.status != OrderStatus.DRAFT:
                assert types and types[-1] == f"order.{order.status}"
            # one event per change: never the same status twice in a row
            assert all(before != after for before, after in itertools.pairwise(types))


@pytest.mark.django_db
def test_the_books_balance_after_random_runs():
    try:
        run_state_machine_as_test(
            OrderBooks,
            settings=settings(
                max_examples=25, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)
            ),
        )
    finally:
        for shared in ("org", "shop"):
            if hasattr(OrderBooks, shared):
                delattr(OrderBooks, shared)
