"""The shipped holiday schedules say exactly what the State Council's notices say."""

import datetime

import pytest

from salesops.core.holidays import available_years, official_schedule


def dates(year: int, *, is_working: bool) -> dict[str, list[str]]:
    """Name → ISO dates of the schedule's holidays (or make-up workdays)."""
    named: dict[str, list[str]] = {}
    for day in official_schedule(year).days:
        if day.is_working == is_working:
            named.setdefault(day.name, []).append(day.date.isoformat())
    return named


def span(first: str, last: str) -> list[str]:
    start, stop = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    return [(start + datetime.timedelta(days=n)).isoformat() for n in range((stop - start).days + 1)]


def test_years_2025_and_2026_are_shipped():
    assert {2025, 2026} <= set(available_years())


def test_2025_follows_the_notice_of_12_november_2024():
    assert dates(2025, is_working=False) == {
        "元旦": ["2025-01-01"],
        "春节": span("2025-01-28", "2025-02-04"),
        "清明节": span("2025-04-04", "2025-04-06"),
        "劳动节": span("2025-05-01", "2025-05-05"),
        "端午节": span("2025-05-31", "2025-06-02"),
        "国庆节、中秋节": span("2025-10-01", "2025-10-08"),
    }
    assert dates(2025, is_working=True) == {
        "春节调休": ["2025-01-26", "2025-02-08"],
        "劳动节调休": ["2025-04-27"],
        "国庆节调休": ["2025-09-28", "2025-10-11"],
    }
    assert official_schedule(2025).title == "国务院办公厅关于2025年部分节假日安排的通知"


def test_2026_follows_the_notice_of_4_november_2025():
    assert dates(2026, is_working=False) == {
        "元旦": span("2026-01-01", "2026-01-03"),
        "春节": span("2026-02-15", "2026-02-23"),
        "清明节": span("2026-04-04", "2026-04-06"),
        "劳动节": span("2026-05-01", "2026-05-05"),
        "端午节": span("2026-06-19", "2026-06-21"),
        "中秋节": span("2026-09-25", "2026-09-27"),
        "国庆节": span("2026-10-01", "2026-10-07"),
    }
    assert dates(2026, is_working=True) == {
        "元旦调休": ["2026-01-04"],
        "春节调休": ["2026-02-14", "2026-02-28"],
        "劳动节调休": ["2026-05-09"],
        "国庆节调休": ["2026-09-20", "2026-10-10"],
    }
    assert official_schedule(2026).title == "国务院办公厅关于2026年部分节假日安排的通知"


@pytest.mark.parametrize("year", available_years())
def test_every_schedule_cites_its_source_and_makes_up_only_on_weekends(year):
    schedule = official_schedule(year)
    assert schedule.source["title"].startswith("国务院办公厅关于")
    assert schedule.source["issued_on"] < f"{year}-01-01"
    make_up = [day.date for day in schedule.days if day.is_working]
    assert make_up and all(day.isoweekday() in (6, 7) for day in make_up)


def test_a_year_without_a_file_is_a_lookup_error():
    with pytest.raises(LookupError):
        official_schedule(1999)
