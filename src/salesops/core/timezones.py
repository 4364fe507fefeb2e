"""Date boundaries in the company time zone (times are stored in UTC)."""

import datetime
import zoneinfo

from django.conf import settings


def company_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=company_zone())


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` ends."""
    return day_start(day + datetime.timedelta(days=1))
