"""API schemas for costs, cost pools, the sales ledger and the profitability report."""

import datetime
from decimal import Decimal

from ninja import Field, Schema

from salesops.accounts.schemas import UserRef
from salesops.core.api.listing import MAX_ID, ListParams, Text
from salesops.costs.models import AllocationBasis, CostKind, Dimension
from salesops.orders.schemas import Ref

AMOUNT = {"gt": 0, "lt": Decimal("1e12"), "decimal_places": 2}
GROUP_BY_PATTERN = r"^((region|product_line|salesperson)(,(region|product_line|salesperson))*)?$"
ID = {"ge": 1, "le": MAX_ID}


def choices_pattern(values) -> str:
    return "^(" + "|".join(values) + ")$"


class CostEntryIn(Schema):
    kind: str = Field(pattern=choices_pattern(CostKind.values), description=", ".join(CostKind.values))
    amount: Decimal = Field(description="CNY, two decimal places, above zero.", **AMOUNT)
    date: datetime.date
    description: Text = Field("", max_length=500)
    region_id: int | None = Field(None, description="A region (an org unit of kind region).", **ID)
    office_id: int | None = Field(None, description="An office; it fills in its region.", **ID)
    product_line_id: int | None = Field(None, **ID)
    salesperson_id: int | None = Field(None, description="A user: rep, manager or director.", **ID)
    customer_id: int | None = Field(None, **ID)


class CostEntryOut(Schema):
    id: int
    kind: str
    amount: Decimal
    date: datetime.date
    description: str
    region: Ref | None
    office: Ref | None
    product_line: Ref | None
    salesperson: UserRef | None
    customer: Ref | None
    pool_id: int | None = Field(None, description="The pool it was allocated from; null when entered directly.")
    created_at: datetime.datetime


class CostFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=r"^-?(date|amount|id)$", description="date, amount or id; - first for descending."
    )
    kind: str | None = Field(None, pattern=choices_pattern(CostKind.values))
    date_from: datetime.date | None = Field(None, description="Dated on or after this day.")
    date_to: datetime.date | None = Field(None, description="Dated on or before this day.")
    region_id: int | None = Field(None, **ID)
    product_line_id: int | None = Field(None, **ID)
    pool_id: int | None = Field(None, **ID)
    allocated: bool | None = Field(None, description="true: only allocated entries; false: only direct ones.")


class CostPoolIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    kind: str = Field(pattern=choices_pattern(CostKind.values), description=", ".join(CostKind.values))
    period_start: datetime.date
    period_end: datetime.date
    total_amount: Decimal = Field(description="CNY, two decimal places, above zero.", **AMOUNT)
    basis: str = Field(pattern=choices_pattern(AllocationBasis.values), description=", ".join(AllocationBasis.values))
    dimension: str = Field(pattern=choices_pattern(Dimension.values), description=", ".join(Dimension.values))
    region_id: int | None = Field(None, description="Only this region's sales, people and units; null: all.", **ID)


class CostPoolOut(Schema):
    id: int
    name: str
    kind: str
    period_start: datetime.date
    period_end: datetime.date
    total_amount: Decimal
    basis: str
    dimension: str
    region: Ref | None
    allocated_at: datetime.datetime | None
    allocated_amount: Decimal = Field(description="The sum of the pool's entries: its total once allocated.")
    entries: list[CostEntryOut]

    @staticmethod
    def resolve_allocated_amount(pool) -> Decimal:
        return sum((entry.amount for entry in pool.entries.all()), Decimal("0.00"))

    @staticmethod
    def resolve_entries(pool) -> list:
        return list(pool.entries.all())


class CostPoolFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=r"^-?(period_end|id)$", description="period_end or id; - first for descending."
    )
    kind: str | None = Field(None, pattern=choices_pattern(CostKind.values))


class AllocateIn(Schema):
    """Allocating takes no fields: the pool's rule says everything."""


class ProfitabilityFilters(Schema):
    group_by: str = Field(
        "region",
        pattern=GROUP_BY_PATTERN,
        description="Comma-separated: region, product_line, salesperson (any combination; empty for one total).",
    )
    date_from: datetime.date | None = Field(None, description="From this day (invoices, credit notes, costs).")
    date_to: datetime.date | None = Field(None, description="Until this day, inclusive.")


class MemberOut(Schema):
    id: int | None = Field(description="Null in the unattributed row.")
    name: str


class FiguresOut(Schema):
    revenue: Decimal = Field(description="Invoiced net of VAT, less credit notes, plus the imported ledger.")
    quantity: Decimal
    cost_of_goods: Decimal
    gross_margin: Decimal
    direct_costs: Decimal
    allocated_costs: Decimal
    costs: Decimal
    margin: Decimal
    margin_percent: Decimal | None = Field(description="Margin / revenue x 100; null without revenue.")


class ProfitRowOut(FiguresOut):
    region: MemberOut | None = None
    product_line: MemberOut | None = None
    salesperson: MemberOut | None = None


class ProfitabilityOut(Schema):
    group_by: list[str]
    date_from: datetime.date | None
    date_to: datetime.date | None
    rows: list[ProfitRowOut]
    total: FiguresOut


class LedgerLineOut(Schema):
    id: int
    date: datetime.date
    order_ref: str
    region: Ref
    product_line: Ref
    salesperson: UserRef | None
    customer: Ref | None
    quantity: Decimal
    revenue: Decimal = Field(description="As the file gave it, every decimal place kept.")
    cost_of_goods: Decimal


class LedgerFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=r"^-?(date|revenue|id)$", description="date, revenue or id; - first for descending."
    )
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    region_id: int | None = Field(None, **ID)
    product_line_id: int | None = Field(None, **ID)
