"""What becomes of a prepayment no invoice of its order can use: it moves to the customer's credit.

A prepayment settles its own order's invoices first (billing `issue_invoice`). When the order can bill nothing more
(cancelled, rejected, or everything it will bill is invoiced: fully invoiced, or its remainder cancelled after the
last invoice), what is left of it is the customer's money: it becomes customer credit, like an overpayment, which
settles the customer's next invoices or is refunded (billing `refund_credit`). See decision 0012.
"""

from decimal import Decimal

from salesops.core.events import record_event, to_json
from salesops.core.instances import save_fields
from salesops.customers.balance_actions import change_balances, lock_customer
from salesops.customers.models import Customer
from salesops.orders.models import SalesOrder

ZERO = Decimal("0.00")


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
