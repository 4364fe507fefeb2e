"""The sections of a daily briefing: an ordered registry, so another module adds a section with one decorator.

```python
@briefing_section("alerts", title=_("Open alerts"), order=50, template="reporting/sections/alerts.html")
def open_alerts(scope: BriefingScope) -> dict:
    return {"alerts": [...]}          # JSON-safe after `jsonable` (Decimal, date and datetime are converted)
```

A section is a function computing its data for one region and day (`BriefingScope`), the template that shows
it (included in the e-mail, the page and the PDF with `data`, `charts` and `section` in its context), and
optionally `charts` (data → {name: PNG bytes}, shown inline) and `rows` (data → rows of the section's sheet in
the Excel workbook; the first row is the header). Sections are shown by ascending `order`.
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesops.accounts.models import OrgUnit
from salesops.reporting import briefing_charts as charts
from salesops.reporting import briefing_figures as figures
from salesops.reporting.models import SalesTarget

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class BriefingScope:
    """What a section is computed for: a region, the day the figures are about, and the moment of reading."""

    region: OrgUnit
    day: datetime.date
    as_of: datetime.datetime

    @property
    def compare(self) -> datetime.date:
        """The same weekday a week before."""
        return self.day - datetime.timedelta(days=7)


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    order: int
    compute: Callable[[BriefingScope], dict]
    template: str
    charts: Callable[[dict], dict[str, bytes]] | None = None
    rows: Callable[[dict], list[list]] | None = None


_sections: dict[str, Section] = {}


def briefing_section(
    key: str,
    *,
    title,
    order: int,
    template: str,
    charts: Callable[[dict], dict[str, bytes]] | None = None,
    rows: Callable[[dict], list[list]] | None = None,
):
    """Register the decorated function as the briefing section `key` (see the module's docstring)."""

    def register(compute: Callable[[BriefingScope], dict]):
        _sections[key] = Section(key, title, order, compute, template, charts, rows)
        return compute

    return register


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def section(key: str) -> Section | None:
    return _sections.get(key)


def jsonable(value):
    """Decimals as exact strings, dates and datetimes as ISO text, recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def compute_figures(scope: BriefingScope) -> dict:
    """Every registered section's data for `scope`, in order, as stored in `Briefing.figures`."""
    return {
        "region": {"id": scope.region.pk, "name": scope.region.name},
        "date": scope.day.isoformat(),
        "compare_date": scope.compare.isoformat(),
        "as_of": scope.as_of.isoformat(),
        "sections": [{"key": item.key, "data": jsonable(item.compute(scope))} for item in sections()],
    }


def number(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def percent_change(current: Decimal, previous: Decimal) -> Decimal | None:
    if previous == 0:
        return None
    return ((current - previous) * HUNDRED / abs(previous)).quantize(Decimal("0.1"))


# --- yesterday against the same day last week ----------------------------------------------------------------

MEASURE_LABELS = {
    "orders_count": _("sales orders"),
    "orders_amount": pgettext_lazy("briefing", "order amount"),
    "revenue": _("invoiced"),
    "shipments": _("Shipments"),
    "collections_count": _("payments"),
    "collections": pgettext_lazy("briefing", "amount received"),
    "overdue": _("overdue"),
}
COUNTS = {"orders_count", "shipments", "collections_count"}


def daily_rows(data: dict) -> list[list]:
    header = [_("measure"), data["date"], data["compare_date"], _("change"), "%"]
    rows: list[list] = [[str(item) for item in header]]
    for measure in data["measures"]:
        convert = int if measure["key"] in COUNTS else number
        change = measure["change_percent"]
        rows.append(
            [
                str(MEASURE_LABELS[measure["key"]]),
                convert(measure["current"]),
                convert(measure["previous"]),
                convert(measure["change"]),
                number(change) if change is not None else None,
            ]
        )
    return rows


def daily_charts(data: dict) -> dict[str, bytes]:
    money_measures = [measure for measure in data["measures"] if measure["key"] not in COUNTS]
    return {
        "daily": charts.comparison_bars(
            [str(MEASURE_LABELS[measure["key"]]) for measure in money_measures],
            [number(measure["current"]) for measure in money_measures],
            [number(measure["previous"]) for measure in money_measures],
            labels=(data["date"], data["compare_date"]),
        )
    }


@briefing_section(
    "daily",
    title=_("Yesterday against the same day last week"),
    order=10,
    template="reporting/sections/daily.html",
    charts=daily_charts,
    rows=daily_rows,
)
def daily(scope: BriefingScope) -> dict:
    current = figures.day_figures(scope.region.pk, scope.day)
    previous = figures.day_figures(scope.region.pk, scope.compare)
    measures = []
    for key in figures.MEASURES:
        change = current[key] - previous[key]
        measures.append(
            {
                "key": key,
                "current": current[key],
                "previous": previous[key],
                "change": change,
                "change_percent": percent_change(Decimal(current[key]), Decimal(previous[key])),
            }
        )
    return {"date": scope.day, "compare_date": scope.compare, "measures": measures}


# --- month to date against target ----------------------------------------------------------------------------


def month_rows(data: dict) -> list[list]:
    rows: list[list] = [[str(_("measure")), str(_("month to date")), str(_("target")), "%"]]
    for key, label in (("orders", MEASURE_LABELS["orders_amount"]), ("revenue", MEASURE_LABELS["revenue"])):
        item = data[key]
        rows.append(
            [
                str(label),
                number(item["actual"]),
                number(item["target"]) if item["target"] is not None else None,
                number(item["percent"]) if item["percent"] is not None else None,
            ]
        )
    return rows


def month_charts(data: dict) -> dict[str, bytes]:
    keys = [key for key in ("orders", "revenue") if data[key]["target"] is not None]
    if not keys:
        return {}
    labels = {"orders": MEASURE_LABELS["orders_amount"], "revenue": MEASURE_LABELS["revenue"]}
    return {
        "month": charts.progress_bars(
            [str(labels[key]) for key in keys],
            [number(data[key]["actual"]) for key in keys],
            [number(data[key]["target"]) for key in keys],
            pace=number(data["elapsed_percent"]),
        )
    }


@briefing_section(
    "month",
    title=_("Month to date against target"),
    order=20,
    template="reporting/sections/month.html",
    charts=month_charts,
    rows=month_rows,
)
def month(scope: BriefingScope) -> dict:
    actual = figures.month_to_date(scope.region.pk, scope.day)
    target = SalesTarget.objects.filter(region=scope.region, month=scope.day.replace(day=1)).first()
    days = calendar.monthrange(scope.day.year, scope.day.month)[1]

    def against(value: Decimal, goal: Decimal | None) -> dict:
        share = (value * HUNDRED / goal).quantize(Decimal("0.1")) if goal else None
        return {"actual": value, "target": goal, "percent": share}

    return {
        "month": scope.day.strftime("%Y-%m"),
        "elapsed_percent": (Decimal(scope.day.day) * HUNDRED / days).quantize(Decimal("0.1")),
        "orders": against(actual["orders_amount"], target.orders_amount if target else None),
        "revenue": against(actual["revenue"], target.revenue_amount if target else None),
    }


# --- top movers ----------------------------------------------------------------------------------------------


def mover_rows(data: dict) -> list[list]:
    rows: list[list] = [[str(_("kind")), str(_("name")), data["date"], data["compare_date"], str(_("change"))]]
    for kind, label in (("product_lines", _("product line")), ("reps", _("sales rep"))):
        for mover in data[kind]:
            rows.append(
                [
                    str(label),
                    mover["name"],
                    number(mover["current"]),
                    number(mover["previous"]),
                    number(mover["change"]),
                ]
            )
    return rows


def mover_charts(data: dict) -> dict[str, bytes]:
    result = {}
    for kind in ("product_lines", "reps"):
        if data[kind]:
            result[kind] = charts.change_bars(
                [mover["name"] for mover in data[kind]], [number(mover["change"]) for mover in data[kind]]
            )
    return result


@briefing_section(
    "movers",
    title=_("Top movers against the same day last week"),
    order=30,
    template="reporting/sections/movers.html",
    charts=mover_charts,
    rows=mover_rows,
)
def movers(scope: BriefingScope) -> dict:
    return {
        "date": scope.day,
        "compare_date": scope.compare,
        "product_lines": figures.product_line_movers(scope.region.pk, scope.day, scope.compare),
        "reps": figures.rep_movers(scope.region.pk, scope.day, scope.compare),
    }


# --- the approvals queue -------------------------------------------------------------------------------------


def approval_rows(data: dict) -> list[list]:
    rows: list[list] = [[str(_("title")), str(_("submitter")), str(_("submitted at")), str(_("hours")), "¥"]]
    for item in data["oldest"]:
        amount = number(item["amount"]) if item["amount"] is not None else None
        rows.append([item["title"], item["submitter"], item["submitted_at"], item["age_hours"], amount])
    return rows


@briefing_section(
    "approvals",
    title=_("approval requests"),
    order=40,
    template="reporting/sections/approvals.html",
    rows=approval_rows,
)
def approvals(scope: BriefingScope) -> dict:
    return figures.approval_queue(scope.region.pk, scope.as_of)
