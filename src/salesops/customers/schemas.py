"""API schemas for customers, their contacts and their addresses."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from salesops.accounts.schemas import UnitRef, UserRef
from salesops.core.api.listing import MAX_ID, ListParams, Text
from salesops.core.api.openapi import CUSTOM_FIELDS_MARKER
from salesops.core.querying import ordering_pattern
from salesops.customers.models import CustomerAddress
from salesops.customers.ordering import ADDRESS_ORDERING, CONTACT_ORDERING, ORDERING
from salesops.customers.queries import default_address, primary_contact

CUSTOM_FIELDS = {CUSTOM_FIELDS_MARKER: "customers.customer"}
CONTACT_CUSTOM_FIELDS = {CUSTOM_FIELDS_MARKER: "customers.contact"}
COORDINATES = "WGS-84 (GPS), decimal degrees; rounded to 6 decimal places. Give both or neither."


class GroupRef(Schema):
    id: int
    code: str
    name: str


class CustomerAddressOut(Schema):
    id: int
    customer_id: int
    kind: str = Field(description="billing or shipping.")
    label: str
    recipient_name: str
    recipient_phone: str
    province: str
    city: str
    district: str
    street: str
    postal_code: str
    latitude: Decimal | None = Field(description=COORDINATES)
    longitude: Decimal | None = Field(description=COORDINATES)
    is_default: bool = Field(description="The customer's default address of this kind (at most one per kind).")
    map_url: str | None = Field(description="OpenStreetMap at the coordinates; null without coordinates.")
    created_at: datetime
    updated_at: datetime


class ContactSummary(Schema):
    id: int
    name: str
    job_title: str
    mobile_phone: str
    office_phone: str
    email: str


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
    billing_address: CustomerAddressOut | None = Field(description="The default billing address, if any.")
    shipping_address: CustomerAddressOut | None = Field(description="The default shipping address, if any.")
    primary_contact: ContactSummary | None = Field(description="The primary contact, if any.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_billing_address(obj):
        return default_address(obj, CustomerAddress.Kind.BILLING)

    @staticmethod
    def resolve_shipping_address(obj):
        return default_address(obj, CustomerAddress.Kind.SHIPPING)

    @staticmethod
    def resolve_primary_contact(obj):
        return primary_contact(obj)


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


class ContactCustomerRef(Schema):
    id: int
    name: str


class ContactOut(Schema):
    id: int
    customer: ContactCustomerRef
    name: str
    job_title: str
    department: str
    mobile_phone: str = Field(description="11 digits, mainland mobile.")
    office_phone: str
    email: str
    wechat_id: str
    is_primary: bool = Field(description="At most one active primary contact per customer.")
    notes: str
    is_active: bool
    custom_fields: dict[str, Any] = Field(json_schema_extra=CONTACT_CUSTOM_FIELDS)
    created_at: datetime
    updated_at: datetime


MOBILE = "Mainland mobile, 11 digits starting 13-19; spaces, hyphens and +86 are accepted and removed."
OFFICE_PHONE = "With area code and optional extension, e.g. 021-58881234 转 801."


class ContactIn(Schema):
    customer_id: int = Field(ge=1, le=MAX_ID)
    name: Text = Field(min_length=1, max_length=100)
    job_title: Text = Field("", max_length=100)
    department: Text = Field("", max_length=100)
    mobile_phone: Text = Field("", max_length=30, description=MOBILE)
    office_phone: Text = Field("", max_length=40, description=OFFICE_PHONE)
    email: Text = Field("", max_length=254)
    wechat_id: Text = Field("", max_length=30)
    is_primary: bool = Field(False, description="Makes it the primary contact; the previous one stops being it.")
    notes: Text = Field("", max_length=2000)
    custom_fields: dict[str, Any] = Field(default_factory=dict, json_schema_extra=CONTACT_CUSTOM_FIELDS)


class ContactPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=100)
    job_title: Text | None = Field(None, max_length=100)
    department: Text | None = Field(None, max_length=100)
    mobile_phone: Text | None = Field(None, max_length=30, description=MOBILE)
    office_phone: Text | None = Field(None, max_length=40, description=OFFICE_PHONE)
    email: Text | None = Field(None, max_length=254)
    wechat_id: Text | None = Field(None, max_length=30)
    is_primary: bool | None = None
    notes: Text | None = Field(None, max_length=2000)
    is_active: bool | None = Field(None, description="false deactivates (and un-primaries) the contact.")
    custom_fields: dict[str, Any] | None = Field(
        None,
        json_schema_extra=CONTACT_CUSTOM_FIELDS,
        description="Merged into the stored values; send null to clear one.",
    )


class ContactFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=ordering_pattern(CONTACT_ORDERING), description="Comma-separated fields; prefix - for descending."
    )
    q: Text | None = Field(None, max_length=200, description="Matches name, phone numbers, e-mail or WeChat ID.")
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    region_id: int | None = Field(None, ge=1, le=MAX_ID, description="The customer's region.")
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="The customer's owner.")
    is_active: bool | None = None
    is_primary: bool | None = None


Kind = Literal["billing", "shipping"]


class CustomerAddressIn(Schema):
    kind: Kind
    label: Text = Field("", max_length=50)
    recipient_name: Text = Field("", max_length=100, description="Required for shipping addresses.")
    recipient_phone: Text = Field("", max_length=40, description="Required for shipping addresses.")
    province: Text = Field(min_length=1, max_length=30)
    city: Text = Field(min_length=1, max_length=30)
    district: Text = Field("", max_length=30)
    street: Text = Field(min_length=1, max_length=200)
    postal_code: Text = Field("", max_length=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90, description=COORDINATES)
    longitude: Decimal | None = Field(None, ge=-180, le=180, description=COORDINATES)
    is_default: bool | None = Field(
        None, description="Default: true when the customer has no default address of this kind yet."
    )


class CustomerAddressPatch(Schema):
    kind: Kind | None = None
    label: Text | None = Field(None, max_length=50)
    recipient_name: Text | None = Field(None, max_length=100)
    recipient_phone: Text | None = Field(None, max_length=40)
    province: Text | None = Field(None, min_length=1, max_length=30)
    city: Text | None = Field(None, min_length=1, max_length=30)
    district: Text | None = Field(None, max_length=30)
    street: Text | None = Field(None, min_length=1, max_length=200)
    postal_code: Text | None = Field(None, max_length=6)
    latitude: Decimal | None = Field(None, ge=-90, le=90, description=COORDINATES)
    longitude: Decimal | None = Field(None, ge=-180, le=180, description=COORDINATES)
    is_default: bool | None = Field(None, description="true makes it the default; the previous default is cleared.")


class CustomerAddressFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=ordering_pattern(ADDRESS_ORDERING), description="Comma-separated fields; prefix - for descending."
    )
    kind: Kind | None = None
    is_default: bool | None = None


class CreditReleaseIn(Schema):
    customer_id: int
    kinds: list[str] = Field(description="`lift_status` (lift the credit hold or freeze) and/or `raise_limit`.")
    requested_limit: Decimal | None = Field(None, description="CNY, the new credit limit; with `raise_limit` only.")
    reason: str = Field(max_length=2000)
    order_ids: list[int] = Field([], description="The customer's orders on hold this release is for (optional).")


class CreditReleaseOut(Schema):
    id: int
    number: str
    customer: ContactCustomerRef
    kinds: list[str]
    current_limit: Decimal
    current_credit_status: str
    requested_limit: Decimal | None
    increase: Decimal
    reason: str
    requester: str
    status: str = Field(description="pending, approved, rejected or returned (sent back or withdrawn).")
    decided_at: datetime | None
    decision_comment: str
    order_ids: list[int]
    release_results: list[dict] = Field(description="Per named order: its status after approval and why.")
    created_at: datetime

    @staticmethod
    def resolve_requester(release) -> str:
        return release.requester.get_username()

    @staticmethod
    def resolve_order_ids(release) -> list[int]:
        return sorted(order.pk for order in release.held_orders.all())


class CreditReleaseFilters(ListParams):
    status: str | None = Field(None, pattern="^(pending|approved|rejected|returned)$")
    customer_id: int | None = None
