"""Test helpers for working calendars: a default calendar of one's own, independent of the migration's."""

from salesops.core.calendar_actions import create_working_calendar, load_public_holidays
from salesops.core.events import snapshot
from salesops.core.models import CalendarDay, Event, WorkingCalendar


def make_default_calendar(actor, *, name: str = "测试日历", years=(2026,)) -> WorkingCalendar:
    """A new default calendar (Monday-Friday, 09:00-12:00 and 13:00-18:00, Asia/Shanghai) with the official
    holidays of `years`; it replaces whichever calendar was the default."""
    calendar = create_working_calendar(actor=actor, name=name, is_default=True)
    for year in years:
        load_public_holidays(calendar, year, actor=actor)
    calendar.refresh_from_db()
    return calendar


def calendar_state() -> dict:
    """Everything the calendar actions can change, to assert that a refusal changed nothing."""
    return {
        "calendars": [snapshot(calendar) for calendar in WorkingCalendar.objects.order_by("pk")],
        "days": [snapshot(day) for day in CalendarDay.objects.order_by("pk")],
        "events": Event.objects.count(),
    }


def calendar_events(calendar: WorkingCalendar):
    """The calendar's events, oldest first."""
    return Event.objects.filter(subject_type="core.workingcalendar", subject_id=str(calendar.pk)).order_by("id")
