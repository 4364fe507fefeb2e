"""Due times in working hours, on the company's working calendar (weekends, public holidays and the make-up
working days of the Chinese calendar: see core/working_time.py and core/calendars.py)."""

import datetime
from decimal import Decimal

from salesops.core import working_time
from salesops.core.calendars import default_calendar


def due_after(start: datetime.datetime, hours: Decimal | None) -> datetime.datetime | None:
    """The moment `hours` working hours after `start`, or None when no due time is set."""
    if hours is None:
        return None
    calendar = default_calendar()
    return working_time.add_working_time(calendar, start, datetime.timedelta(seconds=int(hours * 3600)))


def working_hours_between(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    """Working hours from `start` to `end`, to the minute."""
    calendar = default_calendar()
    seconds = working_time.working_time_between(calendar, start, end).total_seconds()
    return (Decimal(int(seconds)) / 3600).quantize(Decimal("0.01"))
