"""Working-time arithmetic: exact cases on the 2025-2026 Chinese calendar, and properties checked against a
day-by-day reference on random calendars. No database: the arithmetic runs on snapshots."""

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesops.core.holidays import official_schedule
from salesops.core.working_time import (
    DAY,
    ZERO,
    CalendarSnapshot,
    add_working_time,
    clean_periods,
    clean_time_zone,
    clean_weekdays,
    is_working_day,
    next_working_moment,
    parse_periods_text,
    working_time_between,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)
CHINA = CalendarSnapshot.build(
    exceptions={day.date: day.is_working for year in (2025, 2026) for day in official_schedule(year).days}
)


def at(*args) -> datetime.datetime:
    """A moment on the Shanghai wall clock."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def shanghai(moment: datetime.datetime) -> datetime.datetime:
    assert moment.tzinfo is datetime.UTC
    return moment.astimezone(SHANGHAI)


# --- exact cases --------------------------------------------------------------------------------------------------


def test_friday_17_00_plus_two_hours_is_monday_10_00():
    assert shanghai(add_working_time(CHINA, at(2026, 3, 6, 17), 2 * HOUR)) == at(2026, 3, 9, 10)


def test_a_start_in_the_lunch_break_counts_from_13_00():
    assert shanghai(add_working_time(CHINA, at(2026, 3, 4, 12, 30), HOUR)) == at(2026, 3, 4, 14)
    assert working_time_between(CHINA, at(2026, 3, 4, 11), at(2026, 3, 4, 14)) == 2 * HOUR


def test_work_that_ends_with_a_period_ends_at_its_end_not_the_next_morning():
    assert shanghai(add_working_time(CHINA, at(2026, 3, 6, 17), HOUR)) == at(2026, 3, 6, 18)
    assert shanghai(add_working_time(CHINA, at(2026, 3, 6, 9), 3 * HOUR)) == at(2026, 3, 6, 12)


def test_a_start_on_a_public_holiday_counts_from_the_first_working_day_after_it():
    # 国庆节 2026: 1-7 October off; the 8th is a Thursday.
    assert shanghai(add_working_time(CHINA, at(2026, 10, 3, 10), 2 * HOUR)) == at(2026, 10, 8, 11)


def test_across_spring_festival_2026_the_make_up_saturdays_are_counted():
    # 14 February (Saturday) is worked, 15-23 February are off, 28 February (Saturday) is worked.
    friday = at(2026, 2, 13, 17)
    assert shanghai(add_working_time(CHINA, friday, 2 * HOUR)) == at(2026, 2, 14, 10)
    assert shanghai(add_working_time(CHINA, friday, 10 * HOUR)) == at(2026, 2, 24, 10)
    assert working_time_between(CHINA, friday, at(2026, 2, 24, 10)) == 10 * HOUR
    # Monday 23 February to Monday 2 March: 24-27 February and the make-up Saturday, five days of 8 hours.
    assert working_time_between(CHINA, at(2026, 2, 23, 9), at(2026, 3, 2, 9)) == 40 * HOUR


def test_spring_festival_2025_make_up_sunday_and_saturday():
    # 2025: 28 January to 4 February off; Sunday 26 January and Saturday 8 February worked.
    assert is_working_day(CHINA, datetime.date(2025, 1, 26))
    assert shanghai(add_working_time(CHINA, at(2025, 1, 24, 18), HOUR)) == at(2025, 1, 26, 10)
    assert shanghai(add_working_time(CHINA, at(2025, 1, 27, 17), 2 * HOUR)) == at(2025, 2, 5, 10)
    assert shanghai(add_working_time(CHINA, at(2025, 2, 7, 18), HOUR)) == at(2025, 2, 8, 10)


def test_is_working_day_follows_exceptions_before_weekdays():
    assert is_working_day(CHINA, datetime.date(2026, 2, 14))  # make-up Saturday
    assert not is_working_day(CHINA, datetime.date(2026, 2, 16))  # Monday of 春节
    assert not is_working_day(CHINA, datetime.date(2026, 3, 7))  # an ordinary Saturday
    assert is_working_day(CHINA, datetime.date(2026, 3, 9))  # an ordinary Monday


def test_next_working_moment():
    assert shanghai(next_working_moment(CHINA, at(2026, 3, 4, 9))) == at(2026, 3, 4, 9)
    assert shanghai(next_working_moment(CHINA, at(2026, 3, 4, 11, 59, 59))) == at(2026, 3, 4, 11, 59, 59)
    assert shanghai(next_working_moment(CHINA, at(2026, 3, 4, 12))) == at(2026, 3, 4, 13)
    assert shanghai(next_working_moment(CHINA, at(2026, 3, 6, 18))) == at(2026, 3, 9, 9)
    assert shanghai(next_working_moment(CHINA, at(2026, 2, 15, 10))) == at(2026, 2, 24, 9)


def test_a_whole_year_of_2026_has_248_working_days():
    # 261 weekdays, 19 of them public holidays, 6 make-up weekend days.
    assert CHINA.working_days_in(datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)) == 248
    assert working_time_between(CHINA, at(2026, 1, 1), at(2027, 1, 1)) == 248 * 8 * HOUR


def test_durations_of_many_days_skip_whole_days_exactly():
    # 250 working days from Monday 5 January 2026: 247 are left in 2026, then 1, 4 and 5 January 2027.
    end = add_working_time(CHINA, at(2026, 1, 5, 9), 250 * 8 * HOUR)
    assert shanghai(end) == at(2027, 1, 5, 18)
    # Ten years of working time on weekdays alone: 52 weeks a year are 260 days, the rest by the calendar.
    plain = CalendarSnapshot.build()
    assert shanghai(add_working_time(plain, at(2030, 1, 7, 9), 52 * 5 * 8 * HOUR)) == at(2031, 1, 3, 18)
    assert working_time_between(plain, at(2030, 1, 7, 9), at(2040, 1, 7, 9)) == 2610 * 8 * HOUR


def test_times_of_any_zone_are_the_same_moment_and_answers_are_utc():
    in_utc = datetime.datetime(2026, 3, 6, 9, tzinfo=datetime.UTC)  # 17:00 in Shanghai
    in_new_york = in_utc.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert add_working_time(CHINA, in_utc, 2 * HOUR) == datetime.datetime(2026, 3, 9, 2, tzinfo=datetime.UTC)
    assert add_working_time(CHINA, in_new_york, 2 * HOUR) == datetime.datetime(2026, 3, 9, 2, tzinfo=datetime.UTC)


def test_naive_times_and_negative_durations_are_refused():
    with pytest.raises(ValueError):
        add_working_time(CHINA, datetime.datetime(2026, 3, 6, 17), HOUR)
    with pytest.raises(ValueError):
        working_time_between(CHINA, datetime.datetime(2026, 3, 6, 17), at(2026, 3, 9))
    with pytest.raises(ValueError):
        add_working_time(CHINA, at(2026, 3, 6, 17), -HOUR)


def test_between_is_zero_when_the_end_is_not_after_the_start():
    assert working_time_between(CHINA, at(2026, 3, 6, 17), at(2026, 3, 6, 17)) == ZERO
    assert working_time_between(CHINA, at(2026, 3, 6, 17), at(2026, 3, 6, 10)) == ZERO
    assert working_time_between(CHINA, at(2026, 3, 7, 9), at(2026, 3, 8, 18)) == ZERO  # a weekend


def test_a_period_may_end_at_midnight():
    late = CalendarSnapshot.build(periods=[{"start": "20:00", "end": "24:00"}], weekdays=range(1, 8))
    assert shanghai(add_working_time(late, at(2026, 3, 6, 23), 2 * HOUR)) == at(2026, 3, 7, 21)
    assert working_time_between(late, at(2026, 3, 6, 12), at(2026, 3, 8, 1)) == 8 * HOUR


def test_a_zone_with_daylight_saving_time_counts_on_its_wall_clock():
    berlin = CalendarSnapshot.build(time_zone="Europe/Berlin")
    # Clocks go forward on Sunday 29 March 2026: Friday 17:00 CET + 2 h is Monday 10:00 CEST (08:00 UTC).
    start = datetime.datetime(2026, 3, 27, 17, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert add_working_time(berlin, start, 2 * HOUR) == datetime.datetime(2026, 3, 30, 8, tzinfo=datetime.UTC)


# --- validation of calendar data ----------------------------------------------------------------------------------


def test_periods_are_checked():
    assert clean_periods([{"start": "09:00", "end": "12:00"}, {"start": "12:00", "end": "24:00"}]) == [
        {"start": "09:00", "end": "12:00"},
        {"start": "12:00", "end": "24:00"},
    ]
    for bad in (
        [],
        [{"start": "09:00"}],
        [{"start": "9:00", "end": "12:00"}],
        [{"start": "12:00", "end": "09:00"}],
        [{"start": "09:00", "end": "09:00"}],
        [{"start": "24:00", "end": "24:00"}],
        [{"start": "09:00", "end": "24:01"}],
        [{"start": "09:00", "end": "25:00"}],
        [{"start": "13:00", "end": "18:00"}, {"start": "09:00", "end": "12:00"}],
        [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}],
        [{"start": 9, "end": 12}],
        "09:00-12:00",
    ):
        with pytest.raises(ValueError):
            clean_periods(bad)


def test_periods_typed_in_a_form():
    assert parse_periods_text(" 09:00-12:00, 13:00-18:00 ") == [
        {"start": "09:00", "end": "12:00"},
        {"start": "13:00", "end": "18:00"},
    ]
    assert parse_periods_text("08:30-11:30；13:30-17:30") == [
        {"start": "08:30", "end": "11:30"},
        {"start": "13:30", "end": "17:30"},
    ]
    with pytest.raises(ValueError):
        parse_periods_text("09:00 12:00")


def test_weekdays_and_zones_are_checked():
    assert clean_weekdays([5, 1, 3, 1]) == [1, 3, 5]
    for bad in ([], [0], [8], ["1"], [True], None):
        with pytest.raises(ValueError):
            clean_weekdays(bad)
    assert clean_time_zone("Asia/Shanghai") == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "", None, "../etc/passwd"):
        with pytest.raises(ValueError):
            clean_time_zone(bad)


# --- properties ---------------------------------------------------------------------------------------------------


def reference_add(calendar, start, duration):
    """Day by day, period by period: slow and obviously right."""
    day, offset = calendar.local(start)
    remaining = duration
    while True:
        if calendar.is_working_day(day):
            for period_start, period_end in calendar.periods:
                if period_end <= offset:
                    continue
                begin = max(offset, period_start)
                if remaining <= period_end - begin:
                    return calendar.moment(day, begin + remaining)
                remaining -= period_end - begin
        day, offset = day + DAY, ZERO


def reference_between(calendar, start, end):
    if end <= start:
        return ZERO
    day, offset = calendar.local(start)
    last_day, last_offset = calendar.local(end)
    total = ZERO
    while day <= last_day:
        stop = last_offset if day == last_day else DAY
        if calendar.is_working_day(day):
            for period_start, period_end in calendar.periods:
                low, high = max(offset, period_start), min(period_end, stop)
                total += max(ZERO, high - low)
        day, offset = day + DAY, ZERO
    return total


FIXED_ZONES = ["Asia/Shanghai", "UTC", "Asia/Kolkata"]


@st.composite
def calendars(draw):
    points = draw(st.lists(st.integers(0, 24 * 60), min_size=2, max_size=6, unique=True).map(sorted))
    if len(points) % 2:
        points = points[:-1]
    periods = [
        {"start": f"{a // 60:02d}:{a % 60:02d}", "end": f"{b // 60:02d}:{b % 60:02d}"}
        for a, b in zip(points[::2], points[1::2], strict=True)
    ]
    weekdays = draw(st.sets(st.integers(1, 7), min_size=1))
    exceptions = draw(
        st.dictionaries(st.dates(datetime.date(2025, 12, 1), datetime.date(2027, 3, 1)), st.booleans(), max_size=40)
    )
    return CalendarSnapshot.build(
        time_zone=draw(st.sampled_from(FIXED_ZONES)), weekdays=weekdays, periods=periods, exceptions=exceptions
    )


moments = st.datetimes(
    datetime.datetime(2025, 12, 1), datetime.datetime(2027, 3, 1), timezones=st.sampled_from([SHANGHAI, datetime.UTC])
)
durations = st.timedeltas(ZERO, datetime.timedelta(hours=3000))


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), start=moments, duration=durations)
def test_add_agrees_with_the_day_by_day_reference(calendar, start, duration):
    assert add_working_time(calendar, start, duration) == reference_add(calendar, start, duration)


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), start=moments, end=moments)
def test_between_agrees_with_the_day_by_day_reference(calendar, start, end):
    assert working_time_between(calendar, start, end) == reference_between(calendar, start, end)


@settings(max_examples=300, deadline=None)
@given(start=moments, duration=durations)
def test_between_is_the_inverse_of_add_on_the_chinese_calendar(start, duration):
    end = add_working_time(CHINA, start, duration)
    assert end >= start
    assert working_time_between(CHINA, start, end) == duration


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start=moments, duration=durations)
def test_between_is_the_inverse_of_add_on_any_calendar(calendar, start, duration):
    assert working_time_between(calendar, start, add_working_time(calendar, start, duration)) == duration


@settings(max_examples=200, deadline=None)
@given(start=moments, end=moments)
def test_add_of_between_reaches_the_end_or_the_last_working_moment_before_it(start, end):
    worked = working_time_between(CHINA, start, end)
    reached = add_working_time(CHINA, start, worked)
    assert working_time_between(CHINA, reached, end) == ZERO
    if end > start and worked > ZERO:
        assert reached <= end
