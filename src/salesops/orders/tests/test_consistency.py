"""Randomised runs of receipts, adjustments, orders, approvals and rejections, holds, releases, cancellations,
shipments, invoices, prepayments, payments, refunds and red-letter corrections (hypothesis stateful testing):
whatever the sequence, the books balance.

- on hand = receipts + adjustments + returns - shipments, as the ledger says;
- reserved = what orders holding a reservation still have to ship;
- available is never negative;
- receivables - customer credit = invoices - credit notes - payments - prepayments (used on their order's invoices
  or credited) + refunds, and the customer's balances agree with its open invoices and unused credit;
- every source of credit (payment, credit note, credited prepayment) is settled, refunded or still held, to the
  cent; an order's prepayment is applied to its invoices, credited, or still usable by an invoice of it, and an
  order that can bill nothing more holds no usable prepayment (decision 0016); no prepayment is credited twice;
- credit exposure counts each open order's part not covered by its usable prepayment, in SQL as in Python;
- invoice and credit note numbers have no gaps;
- every status change of an order or invoice has exactly one event.
"""

import collections
import contextlib
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from salesops.billing.actions import (
    confirm_correction,
    issue_invoice,
    record_payment,
    refund_credit,
    request_correction,
)
from salesops.billing.models import CreditNote, Invoice, Payment, Refund, RefundLine, Settlement
from salesops.catalog.pricing import company_today
from salesops.core.dispatch import deliver_pending
from salesops.core.models import Event
from salesops.customers.models import Customer
from salesops.inventory.actions import adjust_stock, receive_stock
from salesops.inventory.models import StockLevel, StockMovement
from salesops.orders import actions
from salesops.orders.models import OPEN_STATUSES, OrderLine, OrderStatus, SalesOrder
from salesops.orders.queries import open_orders_amount
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import build_shop
from salesops.testing.org import build_org
from salesops.testing.stock import make_product

counter = itertools.count()
CLOSED = (OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.INVOICED, OrderStatus.PAID)


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

    @rule(
        target=orders,
        quantity=st.integers(min_value=1, max_value=8),
        discount=st.sampled_from([0, 15]),  # 15 % needs the manager's approval
        prepaid=st.integers(min_value=0, max_value=200),
    )
    def order(self, quantity, discount, prepaid):
        order = actions.create_order(
            actor=self.org.a.user("sales_rep"),
            customer=self.org.a.customer,
            warehouse=self.warehouse,
            lines=[{"product": self.product, "quantity": quantity, "discount_percent": discount}],
        )
        if prepaid:  # money received with the order, before it is submitted
            with contextlib.suppress(ValidationError):
                actions.record_prepayment(order, actor=self.org.a.user("finance"), amount=Decimal(prepaid))
        actions.submit_order(order, actor=self.org.a.user("sales_rep"))
        return order.pk

    @rule(order_id=orders, approve=st.booleans())
    def decide(self, order_id, approve):
        order = SalesOrder.objects.get(pk=order_id)
        with contextlib.suppress(ValidationError):
            if approve:
                actions.approve_order(order, actor=self.org.a.user("sales_manager"))
            else:
                actions.reject_order(order, actor=self.org.a.user("sales_manager"), comment="折扣过高")

    @rule()
    def dispatch(self):
        deliver_pending()  # billing completes orders whose remainder was cancelled after the last invoice

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

    @rule(amount=st.decimals(min_value=1, max_value=500, places=2))
    def refund(self, amount):
        with contextlib.suppress(ValidationError):  # refused above the customer's credit
            refund_credit(
                actor=self.org.a.user("finance"),
                customer=self.org.a.customer,
                amount=amount,
                paid_on=company_today(),
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
        orders = SalesOrder.objects.filter(customer=customer)
        credited_prepayments = sum(orders.values_list("prepayment_credited", flat=True), Decimal(0))
        refunded = sum(Refund.objects.filter(customer=customer).values_list("amount", flat=True), Decimal(0))
        assert customer.receivable_balance - customer.credit_balance == (
            invoiced - credited - paid - prepaid - credited_prepayments + refunded
        )
        assert customer.receivable_balance == sum((invoice.balance for invoice in invoices.filter(status="open")), 0)
        unused = sum(
            (row.unapplied_amount for row in [*Payment.objects.filter(customer=customer), *CreditNote.objects.all()]), 0
        )
        assert customer.credit_balance == unused + sum(orders.values_list("prepayment_credit_left", flat=True), 0)
        settled_events = collections.Counter(
            Event.objects.filter(type="invoice.settled").values_list("subject_id", flat=True)
        )
        for invoice in invoices:
            assert (invoice.status == Invoice.Status.SETTLED) == (invoice.balance == 0)
            assert settled_events[str(invoice.pk)] == (1 if invoice.status == Invoice.Status.SETTLED else 0)
        for model, prefix in ((Invoice, "INV"), (CreditNote, "CN")):
            numbers = sorted(int(number[-6:]) for number in model.objects.values_list("number", flat=True))
            assert numbers == list(range(1, len(numbers) + 1)), prefix

    @invariant()
    def credit_is_settled_refunded_or_held(self):
        customer = Customer.objects.get(pk=self.org.a.customer.pk)
        # A few queries for the whole history (it grows over the run), summed in Python to the cent.
        used: dict[tuple[str, int], Decimal] = collections.defaultdict(Decimal)
        own_prepayment: dict[int, Decimal] = collections.defaultdict(Decimal)
        fields = ("source", "payment_id", "credit_note_id", "prepaid_order_id", "amount")
        for source, payment, note, order, amount in [
            *Settlement.objects.filter(invoice__customer=customer).values_list(*fields),
            *RefundLine.objects.filter(refund__customer=customer).values_list(*fields),
        ]:
            used[source, payment or note or order or 0] += amount
        for order_id, amount in Settlement.objects.filter(invoice__customer=customer, source="prepayment").values_list(
            "invoice__order_id", "amount"
        ):
            own_prepayment[order_id] += amount
        credited_events: dict[str, Decimal] = collections.defaultdict(Decimal)
        for subject_id, data in Event.objects.filter(type="order.prepayment_credited").values_list(
            "subject_id", "payload__data"
        ):
            credited_events[subject_id] += Decimal(data["amount"])

        for payment in Payment.objects.filter(customer=customer):
            assert payment.amount == used["payment", payment.pk] + payment.unapplied_amount
        for note in CreditNote.objects.filter(customer=customer):
            assert note.total - note.invoice_amount == used["credit_note", note.pk] + note.unapplied_amount
        for refund in Refund.objects.filter(customer=customer).prefetch_related("lines"):
            assert refund.amount == sum((line.amount for line in refund.lines.all()), Decimal(0))
        # Orders with something shipped or still to ship that no invoice covers yet (`actions.has_uninvoiced`).
        can_bill = set(
            OrderLine.objects.filter(
                order__customer=customer, invoiced_quantity__lt=F("quantity") - F("cancelled_quantity")
            ).values_list("order_id", flat=True)
        )
        for pk, status, amount, applied, credited, left in SalesOrder.objects.filter(customer=customer).values_list(
            "pk", "status", "prepayment_amount", "prepayment_applied", "prepayment_credited", "prepayment_credit_left"
        ):
            assert applied == own_prepayment[pk]
            assert credited == used["credited_prepayment", pk] + left
            unused = amount - applied - credited
            assert unused >= 0
            if status in CLOSED or pk not in can_bill:
                assert unused == 0, status
            # Credited once: its events add up to what the order credited, never more.
            assert credited_events[str(pk)] == credited
        on_customer = Event.objects.filter(
            type="customer.credited", subject_id=str(customer.pk), payload__data__source="prepayment"
        ).values_list("payload__data", flat=True)
        assert sum((Decimal(data["amount"]) for data in on_customer), Decimal(0)) == sum(credited_events.values(), 0)

    @invariant()
    def exposure_counts_each_open_order_once(self):
        customer = Customer.objects.get(pk=self.org.a.customer.pk)
        holding = SalesOrder.objects.filter(customer=customer).filter(
            models.Q(status__in=OPEN_STATUSES) | models.Q(status=OrderStatus.ON_HOLD, is_stock_reserved=True)
        )
        assert open_orders_amount(customer) == sum((order.open_amount for order in holding), Decimal("0.00"))

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
