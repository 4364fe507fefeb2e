"""Working-time arithmetic on a loaded working calendar: pure functions, no database.

A `CalendarSnapshot` is everything the arithmetic needs: the calendar's time zone, its working weekdays, its
working periods (the same every working day) and its dated exceptions (public holidays off, make-up working days
on). `core/calendars.py` builds one from a `WorkingCalendar` in two queries and caches the default calendar.

Rules:

- A day is a working day when an exception says so, or, without an exception, when its weekday is a working
  weekday. A working day's working time is its working periods, read on the calendar's wall clock.
- Periods are half-open: 09:00-12:00 includes 09:00 and excludes 12:00, so at 12:00 the next working moment is
  13:00.
- Time is counted on the calendar's wall clock. In a zone without daylight saving time (Asia/Shanghai) that is
  elapsed time; in a zone with it, a period that spans the clock change still counts its nominal length (see
  docs/decisions/0010-working-time-wall-clock.md).
- Inputs are aware datetimes of any zone; results are aware datetimes in UTC. Naive datetimes are refused.

Cost does not grow with the duration: whole weeks are counted arithmetically, and only the exceptions between
the two moments are visited (a bisection finds them), so a year of working time is as quick as an hour.
"""

import bisect
import datetime
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)
ZERO = datetime.timedelta(0)
ISO_WEEKDAYS = range(1, 8)  # Monday is 1, Sunday 7
MAX_PERIODS = 12

DEFAULT_TIME_ZONE = "Asia/Shanghai"
DEFAULT_WEEKDAYS = (1, 2, 3, 4, 5)
DEFAULT_PERIODS = ({"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"})

TIME_OF_DAY = re.compile(r"^(?P<hour>[0-2]\d):(?P<minute>[0-5]\d)$")


# --- validation of calendar data (used by the model and the actions) ---------------------------------------------


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def clean_time_zone(raw) -> str:
    if not isinstance(raw, str) or raw.strip() not in known_time_zones():
        raise ValueError(_("Enter a time zone name such as Asia/Shanghai."))
    return raw.strip()


def clean_weekdays(raw) -> list[int]:
    """ISO weekday numbers (Monday 1 … Sunday 7), sorted and without repeats; at least one."""
    if not isinstance(raw, list | tuple) or not raw:
        raise ValueError(_("Choose at least one working weekday."))
    days = set()
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, int) or value not in ISO_WEEKDAYS:
            raise ValueError(_("Weekdays are numbers from 1 (Monday) to 7 (Sunday)."))
        days.add(value)
    return sorted(days)


def minutes_of(text, *, is_end: bool) -> int:
    """Minutes after midnight of "HH:MM" (00:00-23:59; an end may also be 24:00)."""
    match = TIME_OF_DAY.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(_("Write times as HH:MM, for example 09:00."))
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 24 or (hour == 24 and (minute or not is_end)):
        raise ValueError(_("Write times as HH:MM, for example 09:00."))
    return hour * 60 + minute


def clean_periods(raw) -> list[dict[str, str]]:
    """Working periods as `[{"start": "09:00", "end": "12:00"}, ...]`: at least one, each starting before it
    ends, in order of time and not overlapping (one may start where the previous ends)."""
    if not isinstance(raw, list | tuple) or not raw:
        raise ValueError(_("Enter at least one working period."))
    if len(raw) > MAX_PERIODS:
        raise ValueError(_("At most %(n)d working periods.") % {"n": MAX_PERIODS})
    cleaned, previous_end = [], 0
    for period in raw:
        if not isinstance(period, Mapping) or set(period) != {"start", "end"}:
            raise ValueError(_('Each working period has a "start" and an "end".'))
        start = minutes_of(period["start"], is_end=False)
        end = minutes_of(period["end"], is_end=True)
        if start >= end:
            raise ValueError(
                _("The period %(start)s-%(end)s must start before it ends.")
                % {"start": period["start"], "end": period["end"]}
            )
        if start < previous_end:
            raise ValueError(_("Working periods must be in order of time and must not overlap."))
        previous_end = end
        cleaned.append({"start": period["start"], "end": period["end"]})
    return cleaned


def parse_periods_text(text: str) -> list[dict[str, str]]:
    """ "09:00-12:00, 13:00-18:00" (as typed in a form) → periods; checked by `clean_periods`."""
    periods = []
    for part in re.split(r"[,;，；\s]+", text.strip()):
        if not part:
            continue
        start, separator, end = part.partition("-")
        if not separator:
            raise ValueError(_("Write each period as start-end, for example 09:00-12:00."))
        periods.append({"start": start, "end": end})
    return clean_periods(periods)


def periods_text(periods: Iterable[Mapping[str, str]]) -> str:
    return ", ".join(f"{period['start']}-{period['end']}" for period in periods)


# --- the snapshot -------------------------------------------------------------------------------------------------


def offset_of(text: str, *, is_end: bool) -> datetime.timedelta:
    return datetime.timedelta(minutes=minutes_of(text, is_end=is_end))


@dataclass(frozen=True)
class CalendarSnapshot:
    """An immutable working calendar, ready for arithmetic. Build it with `CalendarSnapshot.build`.

    `exceptions` maps a date to True (a working day whatever its weekday: a make-up day) or False (a day off
    whatever its weekday: a holiday). `calendar_id` and `version` say which stored calendar, as of which change,
    the snapshot was taken from (None and 0 for one built in code).
    """

    zone: zoneinfo.ZoneInfo
    weekdays: frozenset[int]
    periods: tuple[tuple[datetime.timedelta, datetime.timedelta], ...]
    exceptions: Mapping[datetime.date, bool]
    calendar_id: int | None = None
    version: int = 0
    name: str = ""
    day_length: datetime.timedelta = field(init=False)
    # Exceptions that differ from their weekday's rule, sorted, with the running sum of the working days they add
    # (+1) or remove (-1): how many working days a date range holds is then two bisections away.
    _changed_dates: tuple[datetime.date, ...] = field(init=False, repr=False)
    _changed_sums: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self):
        if not self.weekdays or not self.periods:
            raise ValueError("a working calendar needs a working weekday and a working period")
        object.__setattr__(self, "day_length", sum((end - start for start, end in self.periods), ZERO))
        changed = sorted(
            (day, 1 if is_working else -1)
            for day, is_working in self.exceptions.items()
            if is_working != (day.isoweekday() in self.weekdays)
        )
        sums, total = [0], 0
        for _day, change in changed:
            total += change
            sums.append(total)
        object.__setattr__(self, "_changed_dates", tuple(day for day, _change in changed))
        object.__setattr__(self, "_changed_sums", tuple(sums))

    @classmethod
    def build(
        cls,
        *,
        time_zone: str = DEFAULT_TIME_ZONE,
        weekdays: Iterable[int] = DEFAULT_WEEKDAYS,
        periods: Iterable[Mapping[str, str]] = DEFAULT_PERIODS,
        exceptions: Mapping[datetime.date, bool] | None = None,
        calendar_id: int | None = None,
        version: int = 0,
        name: str = "",
    ) -> "CalendarSnapshot":
        """A snapshot from stored values (periods as `{"start": "09:00", "end": "12:00"}`), validated."""
        cleaned = clean_periods(list(periods))
        return cls(
            zone=zoneinfo.ZoneInfo(clean_time_zone(time_zone)),
            weekdays=frozenset(clean_weekdays(list(weekdays))),
            periods=tuple(
                (offset_of(period["start"], is_end=False), offset_of(period["end"], is_end=True)) for period in cleaned
            ),
            exceptions=dict(exceptions or {}),
            calendar_id=calendar_id,
            version=version,
            name=name,
        )

    # --- days ---------------------------------------------------------------------------------------------------

    def is_working_day(self, day: datetime.date) -> bool:
        is_working = self.exceptions.get(day)
        return day.isoweekday() in self.weekdays if is_working is None else is_working

    def _weekday_rule_count(self, first: datetime.date, count_days: int) -> int:
        """Working days by the weekday rule alone among `count_days` days from `first`."""
        weeks, rest = divmod(count_days, 7)
        total = weeks * len(self.weekdays)
        weekday = first.isoweekday()
        for offset in range(rest):
            if (weekday + offset - 1) % 7 + 1 in self.weekdays:
                total += 1
        return total

    def working_days_in(self, first: datetime.date, stop: datetime.date) -> int:
        """How many working days lie in [first, stop)."""
        if stop <= first:
            return 0
        low = bisect.bisect_left(self._changed_dates, first)
        high = bisect.bisect_left(self._changed_dates, stop)
        changes = self._changed_sums[high] - self._changed_sums[low]
        return self._weekday_rule_count(first, (stop - first).days) + changes

    def _skip_by_weekday_rule(self, day: datetime.date, skip: int) -> datetime.date:
        """The working day (by weekday rule) that follows `skip` such working days from `day` on."""
        weeks = skip // len(self.weekdays)
        day += datetime.timedelta(weeks=weeks)
        skip -= weeks * len(self.weekdays)
        while True:
            if day.isoweekday() in self.weekdays:
                if skip == 0:
                    return day
                skip -= 1
            day += DAY

    def skip_working_days(self, day: datetime.date, skip: int) -> datetime.date:
        """The first working day on or after `day` with exactly `skip` working days in [day, it)."""
        while True:
            index = bisect.bisect_left(self._changed_dates, day)
            if index == len(self._changed_dates):
                return self._skip_by_weekday_rule(day, skip)
            changed = self._changed_dates[index]
            before = self._weekday_rule_count(day, (changed - day).days)
            if skip < before:  # the answer lies before the next exception that matters
                return self._skip_by_weekday_rule(day, skip)
            skip -= before
            if self.exceptions[changed]:  # a make-up working day
                if skip == 0:
                    return changed
                skip -= 1
            day = changed + DAY

    def _overlap(self, day: datetime.date, begin: datetime.timedelta, end: datetime.timedelta) -> datetime.timedelta:
        """Working time of `day` between two offsets from its midnight."""
        if not self.is_working_day(day):
            return ZERO
        total = ZERO
        for start, stop in self.periods:
            low, high = max(start, begin), min(stop, end)
            if high > low:
                total += high - low
        return total

    # --- moments ------------------------------------------------------------------------------------------------

    def local(self, at: datetime.datetime) -> tuple[datetime.date, datetime.timedelta]:
        """`at` on this calendar's wall clock: the date and the time since its midnight."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("working-time arithmetic needs timezone-aware datetimes")
        wall = at.astimezone(self.zone).replace(tzinfo=None)
        day = wall.date()
        return day, wall - datetime.datetime.combine(day, datetime.time())

    def moment(self, day: datetime.date, offset: datetime.timedelta) -> datetime.datetime:
        """The UTC instant at `offset` after midnight of `day` on this calendar's wall clock."""
        wall = datetime.datetime.combine(day, datetime.time()) + offset
        return wall.replace(tzinfo=self.zone).astimezone(UTC)


def is_working_day(calendar: CalendarSnapshot, day: datetime.date) -> bool:
    """Whether `day` (a date on the calendar's wall clock) is a working day."""
    return calendar.is_working_day(day)


def add_working_time(
    calendar: CalendarSnapshot, start: datetime.datetime, duration: datetime.timedelta
) -> datetime.datetime:
    """The moment (UTC) at which `duration` of working time has passed after `start`.

    A start outside working hours begins at the next working moment. The answer is where the work ends: when it
    ends exactly at the end of a period (18:00), that end is the answer, not the next morning. A zero duration
    answers the next working moment. Negative durations are refused (ValueError).
    """
    if duration < ZERO:
        raise ValueError("a working-time duration cannot be negative")
    day, now = calendar.local(start)
    remaining = duration
    if calendar.is_working_day(day):
        for period_start, period_end in calendar.periods:
            if period_end <= now:
                continue
            begin = max(now, period_start)
            if remaining <= period_end - begin:
                return calendar.moment(day, begin + remaining)
            remaining -= period_end - begin
    # Whole working days first, then the day on which the work ends (remaining is then within one day's length).
    whole_days = max(0, -(-remaining // calendar.day_length) - 1)
    day = calendar.skip_working_days(day + DAY, whole_days)
    remaining -= whole_days * calendar.day_length
    for period_start, period_end in calendar.periods:
        if remaining <= period_end - period_start:
            return calendar.moment(day, period_start + remaining)
        remaining -= period_end - period_start
    raise AssertionError("unreachable: the remaining time fits in one working day")  # pragma: no cover


def next_working_moment(calendar: CalendarSnapshot, at: datetime.datetime) -> datetime.datetime:
    """`at` itself (in UTC) when it falls in working hours, otherwise the start of the next working period."""
    return add_working_time(calendar, at, ZERO)


def working_time_between(
    calendar: CalendarSnapshot, start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """The working time in [start, end); zero when end is not after start."""
    first_day, first_offset = calendar.local(start)
    last_day, last_offset = calendar.local(end)
    if end <= start or (last_day, last_offset) <= (first_day, first_offset):  # (or a clock set back in between)
        return ZERO
    if first_day == last_day:
        return calendar._overlap(first_day, first_offset, last_offset)
    return (
        calendar._overlap(first_day, first_offset, DAY)
        + calendar.working_days_in(first_day + DAY, last_day) * calendar.day_length
        + calendar._overlap(last_day, ZERO, last_offset)
    )
