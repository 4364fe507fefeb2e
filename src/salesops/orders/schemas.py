"""API schemas for sales orders."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from salesops.accounts.schemas import UserRef
from salesops.core.api.listing import MAX_ID, ListParams, Text
from salesops.core.querying import ordering_pattern
from salesops.inventory.schemas import ProductRef, WarehouseRef
from salesops.orders.models import OrderStatus
from salesops.orders.ordering import ORDERING, SHIPMENT_ORDERING

QUANTITY_DESCRIPTION = 'Decimal above 0 with up to 3 places, sent as a string or a number (e.g. "12.5").'
PERCENT_DESCRIPTION = "Percent from 0 to 100, up to 2 places."
STATUS_PATTERN = "^(" + "|".join(OrderStatus.values) + ")$"


class Ref(Schema):
    id: int
    name: str


class PricedLineOut(Schema):
    """A line of an order or a quote."""

    position: int
    product: ProductRef
    quantity: Decimal
    unit_price: Decimal = Field(description="CNY, from the customer's price list on the day of entry.")
    discount_percent: Decimal
    tax_rate: Decimal = Field(description="VAT as a fraction (0.13 = 13 %).")
    amount: Decimal = Field(description="After the line discount, before tax (CNY).")
    tax_amount: Decimal


class OrderLineOut(PricedLineOut):
    id: int
    shipped_quantity: Decimal
    cancelled_quantity: Decimal = Field(description="The unshipped remainder of a cancelled order.")
    invoiced_quantity: Decimal


class OrderOut(Schema):
    id: int
    number: str
    status: str
    customer: Ref
    owner: UserRef
    office: Ref
    region: Ref
    warehouse: WarehouseRef
    payment_term: str
    discount_percent: Decimal = Field(description="Order-level discount, percent.")
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal = Field(description="CNY: subtotal - discount + tax, rounded half up to 0.01.")
    prepayment_amount: Decimal
    prepayment_applied: Decimal = Field(description="CNY of the prepayment set against this order's invoices.")
    prepayment_credited: Decimal = Field(
        description="CNY of the prepayment no invoice of this order could use (cancelled, rejected, or billed for "
        "less), moved to the customer's credit."
    )
    prepayment_credit_left: Decimal = Field(
        description="CNY of the credited prepayment not yet set against an invoice or refunded."
    )
    invoiced_amount: Decimal = Field(description="CNY invoiced so far (tax included).")
    cancelled_amount: Decimal = Field(
        description="CNY (tax included) the cancelled remainder of a partially shipped order was worth: never "
        "invoiced, and not part of the customer's credit exposure."
    )
    hold_reason: str
    is_stock_reserved: bool
    approval_reasons: list[str] = Field(description="Why the order needs approval (empty: it does not).")
    approved_by: UserRef | None = Field(description="Who approved or rejected it.")
    decision_comment: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    confirmed_at: datetime | None
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(order) -> list:
        return list(order.lines.all())


class OrderLineIn(Schema):
    product_id: int = Field(ge=1, le=MAX_ID)
    quantity: Decimal = Field(gt=0, lt=Decimal("1e10"), decimal_places=3, description=QUANTITY_DESCRIPTION)
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100, decimal_places=2, description=PERCENT_DESCRIPTION)


class SaleDocumentIn(Schema):
    """What a new order or quote says."""

    customer_id: int = Field(ge=1, le=MAX_ID)
    warehouse_id: int = Field(ge=1, le=MAX_ID, description="The warehouse every line ships from.")
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="The sales rep; defaults to the caller.")
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100, decimal_places=2, description=PERCENT_DESCRIPTION)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)


class OrderIn(SaleDocumentIn):
    submit: bool = Field(
        False,
        description="Submit the new order in the same request (as POST /orders/{id}/submit does: credit check, "
        "approval policy, stock reservation), in one transaction: when the submission is refused nothing is "
        "created. The answer shows the order's status after submission.",
    )


class OrderPatch(Schema):
    warehouse_id: int | None = Field(None, ge=1, le=MAX_ID)
    discount_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2, description=PERCENT_DESCRIPTION)
    lines: list[OrderLineIn] | None = Field(
        None, min_length=1, max_length=200, description="Replaces every line (re-priced as of today)."
    )


class CommentIn(Schema):
    comment: Text = Field(
        "", max_length=500, description="A comment; required to reject and to hold (the reason shown on the order)."
    )


class PrepaymentIn(Schema):
    amount: Decimal = Field(gt=0, lt=Decimal("1e12"), decimal_places=2, description="CNY received before delivery.")


class OrderFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=ordering_pattern(ORDERING), description="Comma-separated fields; prefix - for descending."
    )
    q: Text | None = Field(None, max_length=200, description="Matches the order number or the customer's name.")
    status: str | None = Field(None, pattern=STATUS_PATTERN)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    region_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    created_from: date | None = Field(None, description="Created on or after this date (company time zone).")
    created_to: date | None = Field(None, description="Created on or before this date (company time zone).")


class OrderRef(Schema):
    id: int
    number: str


class ShipmentLineOut(Schema):
    order_line_id: int
    product: ProductRef
    quantity: Decimal


class ShipmentOut(Schema):
    id: int
    number: str
    order: OrderRef
    customer: Ref
    warehouse: WarehouseRef
    shipped_at: datetime
    shipped_by: UserRef
    carrier: str
    tracking_number: str
    note: str
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_customer(shipment) -> object:
        return shipment.order.customer

    @staticmethod
    def resolve_lines(shipment) -> list:
        return list(shipment.lines.all())


class ShipmentLineIn(Schema):
    order_line_id: int = Field(ge=1, le=MAX_ID, description="A line of the order (`lines[].id` of the order).")
    quantity: Decimal = Field(gt=0, lt=Decimal("1e10"), decimal_places=3, description=QUANTITY_DESCRIPTION)


class ShipmentIn(Schema):
    order_id: int = Field(ge=1, le=MAX_ID)
    lines: list[ShipmentLineIn] | None = Field(
        None, min_length=1, max_length=200, description="What to ship; omit to ship everything still to ship."
    )
    carrier: Text = Field("", max_length=100)
    tracking_number: Text = Field("", max_length=100)
    note: Text = Field("", max_length=500)


class ShipmentFilters(ListParams):
    ordering: str | None = Field(
        None,
        pattern=ordering_pattern(SHIPMENT_ORDERING),
        description="Comma-separated fields; prefix - for descending.",
    )
    q: Text | None = Field(None, max_length=200, description="Matches the shipment or order number, or the customer.")
    order_id: int | None = Field(None, ge=1, le=MAX_ID)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    warehouse_id: int | None = Field(None, ge=1, le=MAX_ID)
    region_id: int | None = Field(None, ge=1, le=MAX_ID, description="The order's region.")
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="The order's sales rep.")
    shipped_from: date | None = Field(None, description="Shipped on or after this date (company time zone).")
    shipped_to: date | None = Field(None, description="Shipped on or before this date (company time zone).")
