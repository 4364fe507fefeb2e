"""What becomes of a prepayment no invoice of its order can use: it moves to the customer's credit.

A prepayment settles its own order's invoices first (billing `issue_invoice`). When the order can bill nothing more
(cancelled, rejected, or everything it will bill is invoiced: fully invoiced, or its remainder cancelled after the
last invoice), what is left of it is the customer's money: it becomes customer credit, like an overpayment, which
settles the customer's next invoices or is refunded (billing `refund_credit`). See decision 0016.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from salesops.core.events import record_event, to_json
from salesops.core.instances import save_fields
from salesops.customers.balance_actions import change_balances, lock_customer
from salesops.customers.models import Customer
from salesops.orders.models import OrderLine, OrderStatus, SalesOrder

ZERO = Decimal("0.00")
# Orders that can bill nothing more whatever their lines say (a shipped order can too, once everything is invoiced).
CLOSED_STATUSES = (OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.INVOICED, OrderStatus.PAID)


def credit_unused_prepayment(order: SalesOrder, *, actor, customer: Customer | None = None) -> Decimal:
    """Move the unused prepayment of `order` to its customer's credit; returns the amount (0 when none is left).

    The caller holds the order's row lock, inside the transaction that just made the order unable to bill more:
    the credit is part of that change, never a later step that could be lost or run twice. Locks the customer row
    (after the order, the lock order of every money action) only when there is something to credit, so the order
    path runs no extra statement; a caller holding the customer's lock already passes the `customer` it read under
    it, whose balances then stay current for its own later changes. Records `order.prepayment_credited` on the
    order and `customer.credited` on the customer, with the amount. Running it again credits nothing: the unused
    part is zero afterwards."""
    amount = order.unused_prepayment
    if amount <= 0:
        return ZERO
    customer = customer if customer is not None else lock_customer(order.customer_id)
    before, credit_before = order.prepayment_credited, customer.credit_balance
    order.prepayment_credited += amount
    order.prepayment_credit_left += amount
    save_fields(order, ["prepayment_credited", "prepayment_credit_left", "updated_at"])
    change_balances(customer, credit=amount)
    data = {"amount": amount, "order": order.number, "order_status": order.status}
    record_event(
        "order.prepayment_credited",
        order,
        actor=actor,
        before=to_json({"prepayment_credited": before}),
        after=to_json({"prepayment_credited": order.prepayment_credited}),
        data={**data, "customer": customer.pk},
    )
    record_event(
        "customer.credited",
        customer,
        actor=actor,
        before=to_json({"credit_balance": credit_before}),
        after=to_json({"credit_balance": customer.credit_balance}),
        data={**data, "source": "prepayment"},
    )
    return amount


def credit_stranded_prepayments(*, actor=None) -> list[tuple[str, Decimal]]:
    """Credit the unused prepayment of every order that can bill nothing more: orders closed before this rule
    existed (decision 0016). One transaction per order, the order locked and checked again inside it, so it can
    run at any time, and again: an order already credited is not touched. Returns (order number, amount) for each
    order credited."""
    can_bill_nothing_more = Q(status__in=CLOSED_STATUSES) | (
        Q(status=OrderStatus.SHIPPED)
        & ~Exists(
            OrderLine.objects.filter(
                order=OuterRef("pk"), invoiced_quantity__lt=F("quantity") - F("cancelled_quantity")
            )
        )
    )
    candidates = SalesOrder.objects.filter(can_bill_nothing_more).filter(
        prepayment_amount__gt=F("prepayment_applied") + F("prepayment_credited")
    )
    credited = []
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            order = SalesOrder.objects.select_for_update(of=("self",)).get(pk=pk)
            lines = list(order.lines.all())
            closed = order.status in CLOSED_STATUSES
            if closed or (order.status == OrderStatus.SHIPPED and not any(uninvoiced(line) for line in lines)):
                amount = credit_unused_prepayment(order, actor=actor)
                if amount:
                    credited.append((order.number, amount))
    return credited


def uninvoiced(line: OrderLine) -> bool:
    return line.invoiced_quantity < line.quantity - line.cancelled_quantity
