"""Read side of working calendars: snapshots for the arithmetic in `working_time.py`, and a per-process cache.

`default_calendar()` is what callers use ("due in 2 working hours"): after the first call it answers from memory.
The cache is cleared in this process by every calendar action (at once and again when its transaction commits);
other processes (more server processes, workers) compare the calendar's `version` with their copy at most every
`RECHECK_SECONDS`, in one small query, and reload when it moved. So a change is seen at once where it was made and
within half a minute everywhere else.
"""

import threading
import time
from dataclasses import dataclass

from salesops.core.models import CalendarDay, WorkingCalendar
from salesops.core.working_time import CalendarSnapshot

RECHECK_SECONDS = 30.0
# Used when no calendar is marked default (only possible if one was deleted behind the actions' back): the
# product's standard hours, without holidays.
STANDARD = CalendarSnapshot.build(name="standard")

monotonic = time.monotonic  # replaced in tests to move time forward


@dataclass
class _Entry:
    snapshot: CalendarSnapshot
    checked_at: float


_cache: dict[int | None, _Entry] = {}
_lock = threading.Lock()


def calendar_snapshot(calendar: WorkingCalendar) -> CalendarSnapshot:
    """A snapshot of `calendar` with all its dated exceptions, read in one query."""
    exceptions = {
        day: kind == CalendarDay.Kind.WORKDAY for day, kind in calendar.days.order_by().values_list("date", "kind")
    }
    return CalendarSnapshot.build(
        time_zone=calendar.time_zone,
        weekdays=calendar.working_weekdays,
        periods=calendar.working_periods,
        exceptions=exceptions,
        calendar_id=calendar.pk,
        version=calendar.version,
        name=calendar.name,
    )


def cached_calendar(calendar_id: int | None = None) -> CalendarSnapshot:
    """The snapshot of a calendar (the default one when `calendar_id` is None), from this process's cache when
    it was checked less than `RECHECK_SECONDS` ago. Raises WorkingCalendar.DoesNotExist for an unknown id."""
    now = monotonic()
    entry = _cache.get(calendar_id)
    if entry is not None and now - entry.checked_at < RECHECK_SECONDS:
        return entry.snapshot
    rows = WorkingCalendar.objects.filter(**({"is_default": True} if calendar_id is None else {"pk": calendar_id}))
    # A recheck is one small query; the calendar and its days (two queries) are read on first use and on change.
    stamp = rows.values_list("pk", "version").first() if entry is not None else None
    if entry is not None and stamp == (entry.snapshot.calendar_id, entry.snapshot.version):
        snapshot = entry.snapshot
    else:
        calendar = rows.first()
        snapshot = calendar_snapshot(calendar) if calendar is not None else None
    if snapshot is None:
        if calendar_id is not None:
            raise WorkingCalendar.DoesNotExist(f"no working calendar {calendar_id}")
        snapshot = STANDARD
    with _lock:
        _cache[calendar_id] = _Entry(snapshot, now)
    return snapshot


def default_calendar() -> CalendarSnapshot:
    """The company's default working calendar, cached (see the module's docstring)."""
    return cached_calendar(None)


def forget_calendars() -> None:
    """Drop every cached snapshot of this process; the calendar actions call it."""
    with _lock:
        _cache.clear()
