"""API schemas for daily briefings, sales targets and briefing subscriptions."""

import datetime
from decimal import Decimal

from django.conf import settings
from ninja import Field, Schema

from salesops.accounts.schemas import UserRef
from salesops.core.api.listing import MAX_ID, ListParams

AMOUNT = {"ge": 0, "lt": Decimal("1e12"), "decimal_places": 2}
LANGUAGE_PATTERN = "^(" + "|".join(code for code, _name in settings.LANGUAGES) + ")$"


class RegionRef(Schema):
    id: int
    name: str


class DeliveryOut(Schema):
    round: int = Field(description="1 for the scheduled send; each 'send now' adds a round.")
    recipient: UserRef
    email: str
    language: str
    status: str = Field(description="pending, sending, sent, failed or skipped (no e-mail address).")
    attempts: int
    sent_at: datetime.datetime | None
    error: str


class BriefingOut(Schema):
    id: int
    region: RegionRef
    date: datetime.date = Field(description="The day the figures are about (company time zone).")
    as_of: datetime.datetime
    created_at: datetime.datetime
    figures: dict = Field(description="The sections in order: {'sections': [{'key': ..., 'data': {...}}]}.")
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_deliveries(briefing) -> list:
        return list(briefing.deliveries.all())


class BriefingSummaryOut(Schema):
    id: int
    region: RegionRef
    date: datetime.date
    as_of: datetime.datetime
    created_at: datetime.datetime


class BriefingFilters(ListParams):
    region_id: int | None = Field(None, ge=1, le=MAX_ID)
    date_from: datetime.date | None = Field(None, description="On or after this day.")
    date_to: datetime.date | None = Field(None, description="On or before this day.")


class RenderParams(Schema):
    region_id: int = Field(ge=1, le=MAX_ID, description="A region whose briefings the caller reads.")
    date: datetime.date = Field(description="A day up to today (company time zone); today's figures are partial.")


class RenderOut(Schema):
    region: RegionRef
    date: datetime.date
    figures: dict


class SendIn(Schema):
    pass


class SendRegionIn(Schema):
    region_id: int = Field(ge=1, le=MAX_ID)
    date: datetime.date = Field(description="A day before today.")


class TargetOut(Schema):
    id: int
    region: RegionRef
    month: datetime.date = Field(description="The first day of the month.")
    orders_amount: Decimal
    revenue_amount: Decimal


class TargetIn(Schema):
    region_id: int = Field(ge=1, le=MAX_ID)
    month: datetime.date = Field(description="Any day of the month.")
    orders_amount: Decimal = Field(description="Order intake target, CNY including VAT.", **AMOUNT)
    revenue_amount: Decimal = Field(description="Revenue target, CNY invoiced excluding VAT.", **AMOUNT)


class TargetPatch(Schema):
    month: datetime.date | None = None
    orders_amount: Decimal | None = Field(None, **AMOUNT)
    revenue_amount: Decimal | None = Field(None, **AMOUNT)


class TargetFilters(ListParams):
    region_id: int | None = Field(None, ge=1, le=MAX_ID)
    month: datetime.date | None = Field(None, description="Any day of the month.")


class SubscriptionOut(Schema):
    id: int
    region: RegionRef
    user: UserRef
    language: str


class SubscriptionIn(Schema):
    region_id: int = Field(ge=1, le=MAX_ID)
    user_id: int = Field(ge=1, le=MAX_ID)
    language: str = Field(settings.LANGUAGE_CODE, pattern=LANGUAGE_PATTERN)


class SubscriptionFilters(ListParams):
    region_id: int | None = Field(None, ge=1, le=MAX_ID)
