"""The official public holiday schedules shipped with salesops: one JSON file per year (`cn-2026.json`).

Each file holds the State Council's notice for that year (国务院办公厅关于…部分节假日安排的通知): the days off
(`holidays`, ranges that include the weekends inside them) and the make-up working days on weekends (`workdays`,
调休上班), and cites its source. The notice for a year is published in November or December of the year before;
add its file then (and a test in `core/tests/test_holiday_data.py`).
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
COUNTRY = "cn"


@dataclass(frozen=True)
class OfficialDay:
    date: datetime.date
    is_working: bool
    name: str


@dataclass(frozen=True)
class OfficialSchedule:
    year: int
    source: dict
    days: tuple[OfficialDay, ...]

    @property
    def title(self) -> str:
        return self.source.get("title", "")


def available_years() -> list[int]:
    """The years that have a schedule file, in order."""
    years = []
    for path in DIRECTORY.glob(f"{COUNTRY}-*.json"):
        suffix = path.stem.removeprefix(f"{COUNTRY}-")
        if suffix.isdigit():
            years.append(int(suffix))
    return sorted(years)


@cache
def official_schedule(year: int) -> OfficialSchedule:
    """The schedule for `year`, one entry per date; LookupError when no file is shipped for that year.

    Raises ValueError when the file contradicts itself (a date outside the year, or listed twice), so a mistyped
    file fails its test instead of loading wrong days.
    """
    path = DIRECTORY / f"{COUNTRY}-{year}.json"
    if not path.is_file():
        raise LookupError(f"no holiday schedule for {year}")
    data = json.loads(path.read_text(encoding="utf-8"))
    days: dict[datetime.date, OfficialDay] = {}

    def add(day: datetime.date, is_working: bool, name: str) -> None:
        if day.year != year:
            raise ValueError(f"{path.name}: {day} is not in {year}")
        if day in days:
            raise ValueError(f"{path.name}: {day} is listed twice")
        days[day] = OfficialDay(day, is_working, name)

    for holiday in data["holidays"]:
        first = datetime.date.fromisoformat(holiday["from"])
        last = datetime.date.fromisoformat(holiday["to"])
        if last < first:
            raise ValueError(f"{path.name}: {holiday['name']} ends before it starts")
        for offset in range((last - first).days + 1):
            add(first + datetime.timedelta(days=offset), False, holiday["name"])
    for workday in data["workdays"]:
        add(datetime.date.fromisoformat(workday["date"]), True, workday["name"])
    return OfficialSchedule(year=year, source=data["source"], days=tuple(sorted(days.values(), key=lambda d: d.date)))
