"""API schemas for billing."""

import datetime
from decimal import Decimal

from ninja import Field, Schema

from salesops.accounts.schemas import UserRef
from salesops.billing.models import CorrectionRequest, Invoice, Payment
from salesops.billing.ordering import CORRECTION_ORDERING, INVOICE_ORDERING, PAYMENT_ORDERING
from salesops.core.api.listing import MAX_ID, ListParams, Text
from salesops.core.querying import ordering_pattern
from salesops.inventory.schemas import ProductRef
from salesops.orders.schemas import QUANTITY_DESCRIPTION, OrderRef, Ref

AMOUNT = {"gt": 0, "lt": Decimal("1e12"), "decimal_places": 2}
ORDERING_DESCRIPTION = "Comma-separated fields; prefix - for descending."


def choices_pattern(values) -> str:
    return "^(" + "|".join(values) + ")$"


class InvoiceLineOut(Schema):
    id: int
    position: int
    product: ProductRef
    quantity: Decimal
    unit_price: Decimal = Field(description="CNY excluding VAT, after every discount (6 places).")
    net_amount: Decimal
    tax_rate: Decimal = Field(description="VAT as a fraction (0.13 = 13 %).")
    tax_amount: Decimal
    credited_quantity: Decimal
    credited_net: Decimal
    credited_tax: Decimal


class InvoiceRef(Schema):
    id: int
    number: str


class SettlementOut(Schema):
    source: str = Field(
        description="payment, prepayment (the invoice's own order's), credit_note or credited_prepayment (customer "
        "credit from another order's prepayment that order could not use)."
    )
    amount: Decimal
    settled_on: datetime.date
    reference: str | None = Field(
        None, description="The payment's or credit note's number, or the order number of a credited prepayment."
    )

    @staticmethod
    def resolve_reference(settlement) -> str | None:
        origin = settlement.origin
        return origin.number if origin else None


class InvoiceOut(Schema):
    id: int
    number: str
    status: str
    order: OrderRef
    customer: Ref
    owner: UserRef
    region: Ref
    issue_date: datetime.date
    due_date: datetime.date
    payment_term: str
    net_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    credited_amount: Decimal = Field(description="Reduced by red-letter credit notes.")
    settled_amount: Decimal = Field(description="Paid: payments, prepayment and applied customer credit.")
    balance: Decimal
    settled_on: datetime.date | None
    issued_by: UserRef
    lines: list[InvoiceLineOut]
    settlements: list[SettlementOut]

    @staticmethod
    def resolve_lines(invoice) -> list:
        return list(invoice.lines.all())

    @staticmethod
    def resolve_settlements(invoice) -> list:
        return list(invoice.settlements.all())


class InvoiceIn(Schema):
    order_id: int = Field(ge=1, le=MAX_ID, description="Everything shipped and not yet invoiced on it is invoiced.")


class InvoiceFilters(ListParams):
    ordering: str | None = Field(None, pattern=ordering_pattern(INVOICE_ORDERING), description=ORDERING_DESCRIPTION)
    q: Text | None = Field(None, max_length=200, description="Matches the invoice or order number, or the customer.")
    status: str | None = Field(None, pattern=choices_pattern(Invoice.Status.values))
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    region_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    order_id: int | None = Field(None, ge=1, le=MAX_ID)
    overdue: bool | None = Field(None, description="Only open invoices past their due date.")
    issued_from: datetime.date | None = Field(None, description="Issued on or after this date.")
    issued_to: datetime.date | None = Field(None, description="Issued on or before this date.")


class AllocationIn(Schema):
    invoice_id: int = Field(ge=1, le=MAX_ID)
    amount: Decimal = Field(**AMOUNT)


class PaymentIn(Schema):
    customer_id: int = Field(ge=1, le=MAX_ID)
    amount: Decimal = Field(**AMOUNT, description="CNY received.")
    received_on: datetime.date = Field(description="The day the money arrived (not in the future).")
    method: str = Field(Payment.Method.BANK_TRANSFER, pattern=choices_pattern(Payment.Method.values))
    reference: Text = Field("", max_length=100, description="Bank reference or bill number.")
    allocations: list[AllocationIn] | None = Field(
        None, max_length=200, description="Invoices to settle; omitted: the open invoices, oldest due first."
    )


class PaymentSettlementOut(Schema):
    invoice: InvoiceRef
    amount: Decimal


class PaymentOut(Schema):
    id: int
    number: str
    customer: Ref
    amount: Decimal
    received_on: datetime.date
    method: str
    reference: str
    unapplied_amount: Decimal = Field(description="Left as customer credit; settles the next invoices.")
    recorded_by: UserRef
    settlements: list[PaymentSettlementOut]

    @staticmethod
    def resolve_settlements(payment) -> list:
        return list(payment.settlements.all())


class PaymentFilters(ListParams):
    ordering: str | None = Field(None, pattern=ordering_pattern(PAYMENT_ORDERING), description=ORDERING_DESCRIPTION)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    region_id: int | None = Field(None, ge=1, le=MAX_ID, description="The customer's region.")
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="The customer's owner.")
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None


class RefundIn(Schema):
    customer_id: int = Field(ge=1, le=MAX_ID)
    amount: Decimal = Field(**AMOUNT, description="CNY paid back; at most the customer's credit.")
    paid_on: datetime.date = Field(description="The day the money left (not in the future).")
    method: str = Field(Payment.Method.BANK_TRANSFER, pattern=choices_pattern(Payment.Method.values))
    reference: Text = Field("", max_length=100, description="Bank reference.")


class RefundLineOut(Schema):
    source: str = Field(description="payment, credited_prepayment or credit_note.")
    reference: str = Field(description="The payment's or credit note's number, or the prepaid order's number.")
    amount: Decimal

    @staticmethod
    def resolve_reference(line) -> str:
        return line.origin.number


class RefundOut(Schema):
    id: int
    number: str
    customer: Ref
    amount: Decimal
    paid_on: datetime.date
    method: str
    reference: str
    recorded_by: UserRef
    created_at: datetime.datetime
    lines: list[RefundLineOut] = Field(description="The customer credit it drew on, oldest first.")

    @staticmethod
    def resolve_lines(refund) -> list:
        return list(refund.lines.all())


class RefundFilters(ListParams):
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    paid_from: datetime.date | None = None
    paid_to: datetime.date | None = None


class CorrectionLineIn(Schema):
    invoice_line_id: int = Field(ge=1, le=MAX_ID)
    quantity: Decimal | None = Field(
        None, gt=0, lt=Decimal("1e10"), decimal_places=3, description="Returns: " + QUANTITY_DESCRIPTION
    )
    net_amount: Decimal | None = Field(None, **AMOUNT, description="Price corrections: CNY excluding VAT.")


class CorrectionIn(Schema):
    kind: str = Field(pattern=choices_pattern(CorrectionRequest.Kind.values))
    reason: Text = Field(min_length=1, max_length=500)
    lines: list[CorrectionLineIn] = Field(min_length=1, max_length=200)


class CorrectionLineOut(Schema):
    invoice_line_id: int
    quantity: Decimal
    net_amount: Decimal
    tax_amount: Decimal


class CreditNoteRef(Schema):
    id: int
    number: str


class CorrectionOut(Schema):
    id: int
    number: str
    invoice: InvoiceRef
    kind: str
    status: str
    reason: str
    net_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    requested_by: UserRef
    decided_by: UserRef | None
    decided_at: datetime.datetime | None
    decision_comment: str
    created_at: datetime.datetime
    credit_note: CreditNoteRef | None
    lines: list[CorrectionLineOut]

    @staticmethod
    def resolve_lines(request) -> list:
        return list(request.lines.all())

    @staticmethod
    def resolve_credit_note(request):
        return getattr(request, "credit_note", None)


class CorrectionFilters(ListParams):
    ordering: str | None = Field(None, pattern=ordering_pattern(CORRECTION_ORDERING), description=ORDERING_DESCRIPTION)
    status: str | None = Field(None, pattern=choices_pattern(CorrectionRequest.Status.values))
    invoice_id: int | None = Field(None, ge=1, le=MAX_ID)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)


class DecisionIn(Schema):
    comment: Text = Field("", max_length=500, description="Required to reject.")


class CreditNoteOut(Schema):
    id: int
    number: str
    invoice: InvoiceRef
    customer: Ref
    issue_date: datetime.date
    net_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    invoice_amount: Decimal = Field(description="The part that reduced the original invoice.")
    unapplied_amount: Decimal = Field(description="Customer credit still to be set against an invoice.")


class AgingFilters(Schema):
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    region_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="The invoice's sales rep.")


class AgingRowOut(Schema):
    customer: Ref
    region: str
    current: Decimal = Field(description="Not yet due.")
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal
    overdue: Decimal
    days_past_due: int = Field(description="Of the oldest open invoice past due; 0 if none.")


class AgingOut(Schema):
    as_of: datetime.date
    rows: list[AgingRowOut]
    totals: dict[str, Decimal]


class MonthEndFilters(ListParams):
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    month_from: datetime.date | None = Field(None, description="From this month (any day in it).")
    month_to: datetime.date | None = Field(None, description="Up to this month (any day in it).")


class MonthEndOut(Schema):
    customer: Ref
    month: datetime.date
    open_amount: Decimal
    overdue_amount: Decimal
    days_past_due: int
    computed_at: datetime.datetime
