"""Order arithmetic, without the database: line amounts, discounts, tax and totals in Decimal, half up."""

from dataclasses import dataclass
from decimal import Decimal

from salesops.orders.models import money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal


@dataclass(frozen=True)
class LineAmounts:
    amount: Decimal  # after the line discount, before tax
    tax_amount: Decimal  # VAT on the amount after the order discount


@dataclass(frozen=True)
class Totals:
    lines: list[LineAmounts]
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal


def compute_totals(lines: list[LineInput], order_discount_percent: Decimal) -> Totals:
    """Each line's amount is quantity × unit price less its discount, rounded half up to the cent; the order
    discount comes off the subtotal; VAT is computed per line on its share after the order discount (as on a
    VAT invoice) and rounded per line. total = subtotal - discount + tax."""
    order_factor = (HUNDRED - order_discount_percent) / HUNDRED
    amounts = []
    for line in lines:
        amount = money(line.quantity * line.unit_price * (HUNDRED - line.discount_percent) / HUNDRED)
        amounts.append(LineAmounts(amount, money(amount * order_factor * line.tax_rate)))
    subtotal = sum((line.amount for line in amounts), Decimal("0.00"))
    discount_amount = money(subtotal * order_discount_percent / HUNDRED)
    tax_amount = sum((line.tax_amount for line in amounts), Decimal("0.00"))
    return Totals(amounts, subtotal, discount_amount, tax_amount, subtotal - discount_amount + tax_amount)
