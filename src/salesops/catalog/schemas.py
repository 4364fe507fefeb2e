"""API schemas for the catalog. Money and rates are decimals: send them as strings ("12.50") to keep them exact;
answers always carry them as strings."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from salesops.catalog.ordering import PRICE_LIST_ORDERING, PRODUCT_LINE_ORDERING, PRODUCT_ORDERING
from salesops.catalog.queries import sees_cost
from salesops.core import clock
from salesops.core.api.listing import MAX_ID, ListParams, Text
from salesops.core.api.openapi import CUSTOM_FIELDS_MARKER
from salesops.core.querying import ordering_pattern

CUSTOM_FIELDS = {CUSTOM_FIELDS_MARKER: "catalog.product"}
MONEY_HELP = 'CNY, at least 0, at most 2 decimal places; send a string such as "12.50" to keep it exact.'
ORDERING_HELP = "Comma-separated fields; prefix - for descending."
ProductId = Annotated[int, Field(ge=1, le=MAX_ID)]


def ordering_field(allowed: dict[str, str]):
    return Field(None, pattern=ordering_pattern(allowed), description=ORDERING_HELP)


# --- product lines ------------------------------------------------------------------------------------------------


class ProductLineRef(Schema):
    id: int
    code: str
    name: str


class ProductLineOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ProductLineIn(Schema):
    code: Text = Field(min_length=1, max_length=30, description="Letters, digits, hyphens and underscores.")
    name: Text = Field(min_length=1, max_length=100)
    is_active: bool = True


class ProductLineFilters(ListParams):
    ordering: str | None = ordering_field(PRODUCT_LINE_ORDERING)
    q: Text | None = Field(None, max_length=200, description="Matches code or name.")
    is_active: bool | None = None


# --- products -----------------------------------------------------------------------------------------------------


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    line: ProductLineRef
    unit: str
    list_price: Decimal = Field(description="CNY, before VAT.")
    standard_cost: Decimal | None = Field(
        description="CNY. null for callers whose role may not see costs (only finance, managers, directors and "
        "administrators do)."
    )
    tax_rate: Decimal = Field(description="VAT rate as a fraction: 0.13 is 13 %.")
    is_active: bool
    custom_fields: dict[str, Any] = Field(json_schema_extra=CUSTOM_FIELDS)
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_standard_cost(product, context) -> Decimal | None:
        request = (context or {}).get("request")
        return product.standard_cost if request is not None and sees_cost(request.user) else None


class ProductIn(Schema):
    sku: Text = Field(min_length=1, max_length=40)
    name: Text = Field(min_length=1, max_length=200)
    line_id: int = Field(ge=1, le=MAX_ID)
    unit: Text = Field("件", min_length=1, max_length=20)
    list_price: Decimal = Field(description=MONEY_HELP)
    standard_cost: Decimal = Field(description=MONEY_HELP)
    tax_rate: Decimal = Field(Decimal("0.13"), description="VAT rate as a fraction from 0 to 1, at most 4 places.")
    is_active: bool = True
    custom_fields: dict[str, Any] = Field(default_factory=dict, json_schema_extra=CUSTOM_FIELDS)


class ProductPatch(Schema):
    sku: Text | None = Field(None, min_length=1, max_length=40)
    name: Text | None = Field(None, min_length=1, max_length=200)
    line_id: int | None = Field(None, ge=1, le=MAX_ID)
    unit: Text | None = Field(None, min_length=1, max_length=20)
    list_price: Decimal | None = Field(None, description=MONEY_HELP)
    standard_cost: Decimal | None = Field(None, description=MONEY_HELP)
    tax_rate: Decimal | None = None
    is_active: bool | None = None
    custom_fields: dict[str, Any] | None = Field(
        None, json_schema_extra=CUSTOM_FIELDS, description="Merged into the stored values; send null to clear one."
    )


class ProductFilters(ListParams):
    ordering: str | None = ordering_field(PRODUCT_ORDERING)
    q: Text | None = Field(None, max_length=200, description="Matches SKU or name.")
    line_id: int | None = Field(None, ge=1, le=MAX_ID)
    is_active: bool | None = None
    list_price_min: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="List price ≥.")
    list_price_max: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="List price ≤.")


# --- prices -------------------------------------------------------------------------------------------------------


class CustomerGroupRef(Schema):
    id: int
    code: str
    name: str


class PriceListRef(Schema):
    id: int
    name: str
    customer_group: CustomerGroupRef | None


class PriceQuery(Schema):
    customer_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The customer to price for (needs customers:read); none: no group."
    )
    on: date | None = Field(None, description="The day to price on (default: today, company time zone).")


class PriceOut(Schema):
    product_id: int
    customer_id: int | None
    on: date
    unit_price: Decimal = Field(description="CNY, before VAT.")
    source: str = Field(
        description="customer_group (the customer group's price list), default (the default price list) or "
        "list_price (the product's list price: no valid list prices it)."
    )
    price_list: PriceListRef | None = Field(description="The price list the price comes from; null for list_price.")


class PriceListProductRef(Schema):
    id: int
    sku: str
    name: str


class PriceListItemOut(Schema):
    product: PriceListProductRef
    unit_price: Decimal


class PriceListOut(Schema):
    id: int
    name: str
    customer_group: CustomerGroupRef | None = Field(description="null: the default list for every customer.")
    valid_from: date
    valid_to: date | None = Field(description="null: open-ended.")
    is_active: bool
    created_at: datetime
    updated_at: datetime


class PriceListDetailOut(PriceListOut):
    items: list[PriceListItemOut]


class PriceListItemIn(Schema):
    product_id: int = Field(ge=1, le=MAX_ID)
    unit_price: Decimal = Field(description=MONEY_HELP)


class PriceListIn(Schema):
    name: Text = Field(min_length=1, max_length=100)
    customer_group_id: int | None = Field(None, ge=1, le=MAX_ID, description="Omit for the default list.")
    valid_from: date
    valid_to: date | None = Field(None, description="On or after valid_from; omit for open-ended.")
    is_active: bool = True
    items: list[PriceListItemIn] = Field(default_factory=list, max_length=10000, description="One per product.")


class PriceListPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=100)
    customer_group_id: int | None = Field(None, ge=1, le=MAX_ID, description="null: make it the default list.")
    valid_from: date | None = None
    valid_to: date | None = Field(None, description="null: open-ended.")
    is_active: bool | None = None
    items: list[PriceListItemIn] | None = Field(
        None, max_length=10000, description="Prices to add or replace, one per product; other items stay."
    )
    remove_product_ids: list[ProductId] | None = Field(
        None, max_length=10000, description="Products whose items to remove from the list."
    )


class PriceListFilters(ListParams):
    ordering: str | None = ordering_field(PRICE_LIST_ORDERING)
    q: Text | None = Field(None, max_length=200, description="Matches the name.")
    customer_group_id: int | None = Field(None, ge=1, le=MAX_ID)
    is_default: bool | None = Field(None, description="true: only default lists (no group); false: only group lists.")
    is_active: bool | None = None
    valid_on: date | None = Field(None, description="Only lists valid on this day.")


# --- discount limits ----------------------------------------------------------------------------------------------


class DiscountLimitOut(Schema):
    id: int
    role: str
    max_discount_percent: Decimal = Field(description="The largest line discount, in percent, without approval.")
    updated_at: datetime


# --- special discount authorisations --------------------------------------------------------------------------


class AuthorisationIn(Schema):
    customer_id: int | None = Field(None, description="The customer; or give `customer_group_id` instead.")
    customer_group_id: int | None = Field(
        None, description="A customer group (every customer in it); managers, directors and administrators only."
    )
    product_line_id: int | None = Field(None, description="One product line; empty: every product line.")
    max_discount_percent: Decimal = Field(description='Above 0, at most 100, 2 decimal places; e.g. "25.00".')
    valid_from: date = Field(description="First day (company calendar), today or later.")
    valid_to: date = Field(description="Last day, included; at most 366 days after the first.")
    reason: str = Field(max_length=2000)


class AuthorisationRevokeIn(Schema):
    reason: str = Field(max_length=2000)


class NamedRef(Schema):
    id: int
    code: str
    name: str


class AuthorisationCustomerRef(Schema):
    id: int
    name: str


class AuthorisationOut(Schema):
    id: int
    number: str
    customer: AuthorisationCustomerRef | None
    customer_group: NamedRef | None
    product_line: NamedRef | None = Field(description="Null: every product line.")
    max_discount_percent: Decimal
    valid_from: date
    valid_to: date
    reason: str
    requester: str
    status: str = Field(description="pending, approved, rejected, returned (sent back or withdrawn) or revoked.")
    state: str = Field(
        description="Today: pending, scheduled (approved, not started), active, expired, rejected, returned or "
        "revoked. Only an active authorisation counts for order and quote routing."
    )
    decided_at: datetime | None
    decision_comment: str
    approved_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str
    created_at: datetime

    @staticmethod
    def resolve_requester(authorisation) -> str:
        return authorisation.requester.get_username()

    @staticmethod
    def resolve_revoked_by(authorisation) -> str | None:
        return authorisation.revoked_by.get_username() if authorisation.revoked_by_id else None

    @staticmethod
    def resolve_state(authorisation) -> str:
        return authorisation.state(clock.today())


class AuthorisationFilters(ListParams):
    status: str | None = Field(None, pattern="^(pending|approved|rejected|returned|revoked)$")
    active: bool | None = Field(None, description="true: only those active today; false: all others.")
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    customer_group_id: int | None = Field(None, ge=1, le=MAX_ID)
