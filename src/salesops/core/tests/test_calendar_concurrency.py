"""Competing calendar writers: the calendar row lock (PostgreSQL) or the immediate transaction (SQLite) makes them
queue, so a year is loaded once and exactly one calendar ends up the default."""

import pytest

from salesops.core.calendar_actions import create_working_calendar, load_public_holidays, update_working_calendar
from salesops.core.holidays import official_schedule
from salesops.core.models import WorkingCalendar
from salesops.testing.calendars import calendar_events
from salesops.testing.concurrency import race
from salesops.testing.org import build_org

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_loads_of_a_year_add_its_days_once():
    org = build_org()
    calendar = create_working_calendar(actor=org.admin, name="并发日历")

    errors = race(range(THREADS), lambda _index: load_public_holidays(calendar, 2026, actor=org.admin))

    assert errors == []
    assert calendar.days.count() == len(official_schedule(2026).days)
    loads = calendar_events(calendar).filter(type="working_calendar.holidays_loaded")
    assert loads.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_switches_of_the_default_leave_exactly_one():
    org = build_org()
    calendars = [create_working_calendar(actor=org.admin, name=f"日历 {index}") for index in range(THREADS)]

    def make_default(index):
        try:
            update_working_calendar(calendars[index], actor=org.admin, changes={"is_default": True})
        except Exception as exc:
            # The only acceptable refusal: another switch won the race at the same moment (a field error).
            if "is_default" not in getattr(exc, "message_dict", {}):
                raise

    assert race(range(THREADS), make_default) == []
    assert WorkingCalendar.objects.filter(is_default=True).count() == 1
