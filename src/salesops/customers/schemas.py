"""API schemas for customers."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from salesops.accounts.schemas import UnitRef, UserRef
from salesops.core.api.listing import MAX_ID, ListParams, Text
from salesops.core.api.openapi import CUSTOM_FIELDS_MARKER
from salesops.core.querying import ordering_pattern
from salesops.customers.ordering import ORDERING

CUSTOM_FIELDS = {CUSTOM_FIELDS_MARKER: "customers.customer"}


class GroupRef(Schema):
    id: int
    code: str
    name: str


class CustomerOut(Schema):
    id: int
    name: str
    credit_code: str = Field(description="Unified social credit code (GB 32100-2015).")
    status: str
    office: UnitRef
    region: UnitRef
    owner: UserRef
    group: GroupRef | None
    payment_term: str
    credit_limit: Decimal = Field(description="CNY.")
    credit_status: str = Field(description="active, on_hold or frozen.")
    credit_status_reason: str
    custom_fields: dict[str, Any] = Field(json_schema_extra=CUSTOM_FIELDS)
    created_at: datetime
    updated_at: datetime


class CustomerIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    credit_code: Text = Field(min_length=1, max_length=18, description="Unified social credit code (GB 32100-2015).")
    office_id: int = Field(ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="Defaults to the caller.")
    group_id: int | None = Field(None, ge=1, le=MAX_ID, description="Customer group (decides the price list).")
    status: Text = "active"
    custom_fields: dict[str, Any] = Field(default_factory=dict, json_schema_extra=CUSTOM_FIELDS)


class CustomerPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=200)
    credit_code: Text | None = Field(None, min_length=1, max_length=18)
    office_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID, description="Send null to remove the group.")
    status: Text | None = None
    custom_fields: dict[str, Any] | None = Field(
        None, json_schema_extra=CUSTOM_FIELDS, description="Merged into the stored values; send null to clear one."
    )


class CustomerFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=ordering_pattern(ORDERING), description="Comma-separated fields; prefix - for descending."
    )
    q: Text | None = Field(None, max_length=200, description="Matches name or credit code.")
    status: Text | None = Field(None, max_length=20)
    region_id: int | None = Field(None, ge=1, le=MAX_ID)
    office_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    created_from: date | None = Field(None, description="Created on or after this date (company time zone).")
    created_to: date | None = Field(None, description="Created on or before this date (company time zone).")


class CreditIn(Schema):
    credit_limit: Decimal | None = Field(None, ge=0, lt=Decimal("1e12"), decimal_places=2, description="CNY.")
    payment_term: Text | None = Field(None, description="prepay, net30, net60 or net90.")
    credit_status: Text | None = Field(None, description="active, on_hold or frozen; needs a reason.")
    reason: Text = Field("", max_length=200)
