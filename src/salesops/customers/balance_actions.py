"""The customer's denormalised money balances, moved by the apps that move money (billing, order prepayments).

`receivable_balance` is what the customer owes on open invoices, `credit_balance` what it holds as credit (unused
payments and credit notes, credited prepayments). Every writer locks the customer row first and moves both
balances in the transaction of the change; see docs/decisions/0016-prepayment-credit.md.
"""

from decimal import Decimal

from salesops.customers.models import Customer

ZERO = Decimal("0.00")


def lock_customer(customer_id: int) -> Customer:
    """The customer row, locked until the end of the caller's transaction, as it is now."""
    return Customer.objects.select_for_update().get(pk=customer_id)


def change_balances(customer: Customer, *, receivable: Decimal = ZERO, credit: Decimal = ZERO) -> None:
    """Move the customer's denormalised balances by the given amounts. The caller holds the customer's row lock
    and read it under that lock, so the new values are computed here in Decimal and written as they are (an
    SQL `balance + x` would be floating point on SQLite)."""
    customer.receivable_balance += receivable
    customer.credit_balance += credit
    Customer.objects.filter(pk=customer.pk).update(
        receivable_balance=customer.receivable_balance, credit_balance=customer.credit_balance
    )
