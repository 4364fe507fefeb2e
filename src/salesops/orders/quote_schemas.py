"""API schemas for quotes; lines, inputs and filters extend the order schemas they share their rules with."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from salesops.accounts.schemas import UserRef
from salesops.core.api.listing import Text
from salesops.core.money_words import amount_in_words
from salesops.core.querying import ordering_pattern
from salesops.inventory.schemas import WarehouseRef
from salesops.orders.models import QuoteStatus
from salesops.orders.ordering import QUOTE_ORDERING
from salesops.orders.schemas import OrderFilters, OrderPatch, OrderRef, PricedLineOut, Ref, SaleDocumentIn

VALID_UNTIL_DESCRIPTION = "Last day the quoted prices hold (company time zone): from today to a year ahead."


class QuoteOut(Schema):
    id: int
    number: str
    status: str
    customer: Ref
    owner: UserRef
    office: Ref
    region: Ref
    warehouse: WarehouseRef
    payment_term: str
    valid_until: date
    discount_percent: Decimal = Field(description="Quote-level discount, percent.")
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal = Field(description="CNY: subtotal - discount + tax, rounded half up to 0.01, as on orders.")
    total_in_words: str = Field(description="The total in Chinese capital numerals (大写), as printed on the quote.")
    sent_at: datetime | None
    submitted_at: datetime | None = Field(description="When the quote was last sent through the approval policy.")
    approval_reasons: list[str] = Field(description="Why the quote waits for approval (the matched rules).")
    decision_comment: str = Field(
        description="What the approver (or a rule) said when the quote was last approved, rejected or sent back."
    )
    converted_order: OrderRef | None = Field(description="The order the quote became when accepted.")
    created_at: datetime
    updated_at: datetime
    lines: list[PricedLineOut]

    @staticmethod
    def resolve_total_in_words(quote) -> str:
        return amount_in_words(quote.total)

    @staticmethod
    def resolve_lines(quote) -> list:
        return list(quote.lines.all())


class QuoteIn(SaleDocumentIn):
    valid_until: date | None = Field(None, description=VALID_UNTIL_DESCRIPTION + " Default: 30 days from today.")


class QuotePatch(OrderPatch):
    valid_until: date | None = Field(None, description=VALID_UNTIL_DESCRIPTION)


class QuoteFilters(OrderFilters):
    q: Text | None = Field(None, max_length=200, description="Matches the quote number or the customer's name.")
    ordering: str | None = Field(
        None, pattern=ordering_pattern(QUOTE_ORDERING), description="Comma-separated fields; prefix - for descending."
    )
    status: str | None = Field(None, pattern="^(" + "|".join(QuoteStatus.values) + ")$")
    valid_until_from: date | None = Field(None, description="Valid until this date or later.")
    valid_until_to: date | None = Field(None, description="Valid until this date or earlier.")
