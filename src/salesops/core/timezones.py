"""Date boundaries in the company time zone (times are stored in UTC)."""

import datetime
import zoneinfo

from django.conf import settings

# The first and last instants any database here can store; dates at the ends of the calendar clamp to them
# instead of overflowing when shifted to UTC.
EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def company_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_start(day: datetime.date) -> datetime.datetime:
    if day <= EARLIEST.date():
        return EARLIEST
    if day >= LATEST.date():
        return LATEST
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=company_zone())


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` ends."""
    if day >= LATEST.date() - datetime.timedelta(days=1):
        return LATEST
    return day_start(day + datetime.timedelta(days=1))
