"""Stage metrics read from the rollups: documents in each stage now, arrivals and completions per day, median and
90th-percentile time in stage, and the delay rate, for a period and a slice, scoped to the reader.

Every figure is a sum over `StageDay` rows (and a merge of their histograms): nothing here reads the orders.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from salesops.accounts.models import OrgUnit, Role, User
from salesops.accounts.scopes import REMIT_ROLES, managed_paths, remit_path, sees_everything
from salesops.reporting import sketch
from salesops.reporting.models import StageDay, StageMonth, StageNow, StageVisit
from salesops.reporting.stages import stages

D = StageDay.Dimension
GROUPS = ("region", "office", "salesperson", "customer_group", "product_line")
VALUE_DIMENSIONS = {"salesperson": D.SALESPERSON, "customer_group": D.CUSTOMER_GROUP, "product_line": D.PRODUCT_LINE}


@dataclass(frozen=True)
class Slice:
    """Which documents: the filters (ids) and the grouping of a metrics query."""

    start: datetime.date
    end: datetime.date  # inclusive
    group_by: str | None = None
    region: int | None = None
    office: int | None = None
    salesperson: int | None = None
    customer_group: int | None = None
    product_line: int | None = None
    stage_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reach:
    """What part of the rollups a user may read: None = no limit on that column."""

    regions: frozenset[int] | None = None
    offices: frozenset[int] | None = None
    salespeople: frozenset[int] | None = None

    @property
    def is_nothing(self) -> bool:
        return any(limit is not None and not limit for limit in (self.regions, self.offices, self.salespeople))


@dataclass
class StageFigures:
    stage: str
    label: str
    group: int | None
    in_stage: int = 0
    arrivals: int = 0
    completions: int = 0
    delayed: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    histogram: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def delay_rate(self) -> float | None:
        return round(self.delayed / self.completions, 4) if self.completions else None


def reach_of(user: User) -> Reach:
    """Directors and remit roles read their region (or everything at company level), office managers their
    offices, team managers their team's salespeople, reps themselves."""
    if sees_everything(user):
        return Reach()
    paths = managed_paths(user)
    if user.role in REMIT_ROLES and remit_path(user):
        paths.append(remit_path(user))
    units = list(OrgUnit.objects.filter(path__in=paths).values_list("pk", "kind", "path"))
    if any(kind == OrgUnit.Kind.COMPANY for _pk, kind, _path in units):
        return Reach()
    regions = frozenset(pk for pk, kind, _path in units if kind == OrgUnit.Kind.REGION)
    offices = frozenset(pk for pk, kind, _path in units if kind == OrgUnit.Kind.OFFICE)
    teams = [path for _pk, kind, path in units if kind == OrgUnit.Kind.TEAM]
    if regions and not offices and not teams:
        return Reach(regions=regions)
    if offices and not regions and not teams:
        return Reach(offices=offices)
    people = {user.pk} if user.role == Role.SALES_REP or not units else set()
    if regions or offices or teams:
        condition = Q(pk__in=[])
        for _pk, _kind, path in units:
            condition |= Q(org_unit__path__startswith=path)
        people |= set(User.objects.filter(condition).values_list("pk", flat=True))
    return Reach(salespeople=frozenset(people))


def dimension_of(query: Slice, reach: Reach) -> str:
    """Which rows answer the query: the grouping or filter dimension, salespeople for a reach limited to them."""
    wanted = {name for name in VALUE_DIMENSIONS if query.group_by == name or getattr(query, name) is not None}
    if reach.salespeople is not None:
        wanted.add("salesperson")
    if len(wanted) > 1:
        raise ValidationError(
            {
                "group_by": [
                    _("Slice by one of salesperson, customer group and product line at a time.")
                    if reach.salespeople is None
                    else _("Your view covers individual salespeople: slice by salesperson, region or office.")
                ]
            }
        )
    return VALUE_DIMENSIONS[wanted.pop()] if wanted else D.ALL


EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(9998, 12, 31)


def period_before(end: datetime.date, days: int) -> datetime.date:
    """The first day of the `days` days ending with `end` (never before the calendar's first day)."""
    return end - datetime.timedelta(days=days - 1) if end.toordinal() > days else datetime.date.min


def base_rows(model, query: Slice, reach: Reach):
    """The rows of `model` (StageDay, StageMonth or StageNow: the same key columns) that answer the query's
    slice, within the reader's reach; periods are left to the caller."""
    if query.start > query.end:
        raise ValidationError({"start": [_("The start must not be after the end.")]})
    for name in ("start", "end"):
        if not EARLIEST <= getattr(query, name) <= LATEST:
            raise ValidationError({name: [_("Choose a day between 1900 and 9998.")]})
    if query.group_by is not None and query.group_by not in GROUPS:
        raise ValidationError({"group_by": [_("Choose one of: %s.") % ", ".join(GROUPS)]})
    dimension = dimension_of(query, reach)
    rows = model.objects.filter(dimension=dimension)
    # Salespeople are counted per office only; the other dimensions per office and again per region (office 0).
    office_level = query.office is not None or query.group_by == "office" or reach.offices is not None
    if dimension != D.SALESPERSON:
        rows = rows.exclude(office_id=0) if office_level else rows.filter(office_id=0)
    if query.stage_keys:
        rows = rows.filter(stage__in=query.stage_keys)
    for column, value in (("region_id", query.region), ("office_id", query.office)):
        if value is not None:
            rows = rows.filter(**{column: value})
    for name, dimension_value in VALUE_DIMENSIONS.items():
        value = getattr(query, name)
        if value is not None and dimension == dimension_value:
            rows = rows.filter(value=value)
    if reach.regions is not None:
        rows = rows.filter(region_id__in=reach.regions)
    if reach.offices is not None:
        rows = rows.filter(office_id__in=reach.offices)
    if reach.salespeople is not None:
        rows = rows.filter(value__in=reach.salespeople)
    return rows


def period_parts(query: Slice, reach: Reach) -> list:
    """The rows covering the period: month rows for the calendar months inside it, day rows for its partial
    months at either end (a year reads twelve months per slice, not 365 days)."""
    start, end = query.start, query.end
    first_full = start if start.day == 1 else (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after_end = end + datetime.timedelta(days=1)
    last_full = after_end.replace(day=1) - datetime.timedelta(days=1) if after_end.day != 1 else end
    days = base_rows(StageDay, query, reach)
    if first_full > last_full:
        return [days.filter(day__gte=start, day__lte=end)]
    parts = [base_rows(StageMonth, query, reach).filter(day__gte=first_full, day__lte=last_full)]
    if start < first_full:
        parts.append(days.filter(day__gte=start, day__lt=first_full))
    if last_full < end:
        parts.append(days.filter(day__gt=last_full, day__lte=end))
    return parts


def group_column(query: Slice) -> str | None:
    return {"region": "region_id", "office": "office_id", None: None}.get(query.group_by, "value")


def stage_metrics(user: User, query: Slice, *, largest: int | None = None) -> list[StageFigures]:
    """One StageFigures per stage (and group, when grouped), in dashboard order. With `largest`, grouped figures
    keep only the groups with the most completions (then documents in stage), and only their histograms are read:
    a page charting the 40 largest of 1,000 salespeople merges 40 histograms, not 1,000."""
    reach = reach_of(user)
    if reach.is_nothing:
        return []
    column = group_column(query)
    names = ["stage", column] if column else ["stage"]
    figures: dict[tuple[str, int | None], StageFigures] = {}
    labels = {item.key: str(item.label) for item in stages()}

    def figure(stage_key: str, group: int | None) -> StageFigures:
        if (stage_key, group) not in figures:
            figures[stage_key, group] = StageFigures(stage_key, labels.get(stage_key, stage_key), group)
        return figures[stage_key, group]

    for row in base_rows(StageNow, query, reach).values(*names).annotate(now=Sum("count")):
        figure(row["stage"], row.get(column) if column else None).in_stage = row["now"]
    parts = period_parts(query, reach)
    for part in parts:
        for row in part.values(*names).annotate(arrived=Sum("arrivals"), left=Sum("completions"), late=Sum("delayed")):
            item = figure(row["stage"], row.get(column) if column else None)
            item.arrivals += row["arrived"]
            item.completions += row["left"]
            item.delayed += row["late"]
    if column and largest is not None:
        kept = sorted(figures.values(), key=lambda item: (-item.completions, -item.in_stage, item.group or 0))[:largest]
        figures = {(item.stage, item.group): item for item in kept}
        parts = [part.filter(**{f"{column}__in": {item.group for item in kept}}) for part in parts]
    for key, histogram in merged_histograms(parts, names).items():
        if key in figures:
            item = figures[key]
            item.histogram = histogram
            item.median_hours = hours(sketch.quantile(histogram, 0.5))
            item.p90_hours = hours(sketch.quantile(histogram, 0.9))
    order = {item.key: index for index, item in enumerate(stages())}
    return sorted(figures.values(), key=lambda item: (order.get(item.stage, 999), item.group or 0))


def merged_histograms(parts: list, names: list[str]) -> dict[tuple[str, int | None], dict[int, int]]:
    """Per stage (and group, the second of `names`), the histograms of the rows of `parts` (querysets of rollup
    rows) merged. (Merging in the database with `json_each` was measured too: faster for forty salespeople's
    histograms, twice as slow for a year of the company's, whose histograms have a hundred buckets each.)"""
    collected: dict[tuple[str, int | None], list[dict[str, int]]] = defaultdict(list)
    grouped = len(names) > 1
    for part in parts:
        for values in part.filter(completions__gt=0).values_list(*names, "histogram"):
            collected[values[0], values[1] if grouped else None].append(values[-1])
    return {key: sketch.merge(histograms) for key, histograms in collected.items()}


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def daily(user: User, query: Slice) -> dict[str, list[dict]]:
    """Arrivals, completions and delayed per stage and day of the period (days without movement left out)."""
    reach = reach_of(user)
    if reach.is_nothing:
        return {}
    rows = base_rows(StageDay, query, reach).filter(day__gte=query.start, day__lte=query.end)
    series: dict[str, list[dict]] = defaultdict(list)
    for row in (
        rows.values("stage", "day")
        .annotate(arrived=Sum("arrivals"), left=Sum("completions"), late=Sum("delayed"))
        .order_by("stage", "day")
    ):
        series[row["stage"]].append(
            {"day": row["day"], "arrivals": row["arrived"], "completions": row["left"], "delayed": row["late"]}
        )
    return dict(series)


def documents(user: User, query: Slice, *, stage_key: str, measure: str, group: int | None = None):
    """The visits behind a figure (a drill-down): `measure` is in_stage (open now), arrivals (entered in the
    period), completions or delayed (left in the period); `group` the value of the grouping column."""
    reach = reach_of(user)
    visits = StageVisit.objects.filter(stage=stage_key)
    if reach.is_nothing:
        return visits.none()
    if measure == "in_stage":
        visits = visits.filter(left_at__isnull=True)
    elif measure == "arrivals":
        visits = visits.filter(enter_day__gte=query.start, enter_day__lte=query.end)
    elif measure in ("completions", "delayed"):
        visits = visits.filter(leave_day__gte=query.start, leave_day__lte=query.end)
        if measure == "delayed":
            visits = visits.filter(is_delayed=True)
    else:
        raise ValidationError({"measure": [_("Choose in_stage, arrivals, completions or delayed.")]})
    filters = {
        name: getattr(query, name) for name in ("region", "office", "salesperson", "customer_group", "product_line")
    }
    if query.group_by and group is not None:
        filters[query.group_by] = group
    for name, value in filters.items():
        if value is None:
            continue
        if name == "product_line":
            visits = visits.filter(product_lines__contains=f",{int(value)},")
        else:
            visits = visits.filter(**{f"{name}_id": value})
    if reach.regions is not None:
        visits = visits.filter(region_id__in=reach.regions)
    if reach.offices is not None:
        visits = visits.filter(office_id__in=reach.offices)
    if reach.salespeople is not None:
        visits = visits.filter(salesperson_id__in=reach.salespeople)
    return visits.order_by("-duration_seconds", "-entered_at", "pk")
