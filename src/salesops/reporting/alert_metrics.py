"""What an alert rule can watch: a registry of metrics, each able to compute its figure for a day and slice, name
the regions it has figures for, and list the documents behind a figure (what an alert's page links to).

Stage metrics (delay rate, documents in stage, arrivals, completions, median and 90th-percentile time) read the
rollups and are evaluated after every rollup batch. Stock below safety and overdue receivables describe the state
now, are evaluated by a periodic job (and, for stock, when `stock.below_safety` is recorded), and support fixed
thresholds only: no history of them is kept to compare with.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.urls import reverse

from salesops.billing.models import Invoice
from salesops.core import clock
from salesops.inventory.models import SafetyStock, StockLevel
from salesops.reporting import sketch
from salesops.reporting.models import AlertRule, StageDay

Figure = tuple[Decimal | None, int]  # the value, and how many documents stand behind it


@dataclass(frozen=True)
class Source:
    """A document behind an alert: what to show and where it lives."""

    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Metric:
    key: str
    is_stage_metric: bool
    figure: Callable[[AlertRule, datetime.date, int], Figure]
    regions: Callable[[AlertRule, datetime.date], list[int]]
    sources: Callable[[AlertRule, int], list[Source]] | None = None


M = AlertRule.Metric


def stage_rows(rule: AlertRule, days, region_id: int):
    rows = StageDay.objects.filter(stage=rule.stage, dimension=StageDay.Dimension.ALL, office_id=0, day__in=days)
    return rows.filter(region_id=region_id) if region_id else rows


def stage_figure(rule: AlertRule, day: datetime.date, region_id: int) -> Figure:
    if rule.metric == M.IN_STAGE:
        rows = StageDay.objects.filter(stage=rule.stage, dimension=StageDay.Dimension.ALL, office_id=0, day__lte=day)
        if region_id:
            rows = rows.filter(region_id=region_id)
        sums = rows.aggregate(arrived=Sum("arrivals"), left=Sum("completions"))
        count = (sums["arrived"] or 0) - (sums["left"] or 0)
        return Decimal(count), count
    rows = list(stage_rows(rule, [day], region_id).values_list("arrivals", "completions", "delayed", "histogram"))
    arrivals = sum(row[0] for row in rows)
    completions = sum(row[1] for row in rows)
    if rule.metric == M.ARRIVALS:
        return Decimal(arrivals), arrivals
    if rule.metric == M.COMPLETIONS:
        return Decimal(completions), completions
    if not completions:
        return None, 0
    if rule.metric == M.DELAY_RATE:
        delayed = sum(row[2] for row in rows)
        return (Decimal(delayed) / Decimal(completions)).quantize(Decimal("0.0001")), completions
    q = 0.5 if rule.metric == M.MEDIAN_HOURS else 0.9
    seconds = sketch.quantile(sketch.merge(row[3] for row in rows), q) or 0
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.01")), completions


def stage_regions(rule: AlertRule, day: datetime.date) -> list[int]:
    return sorted(set(stage_rows(rule, [day], 0).values_list("region_id", flat=True)) - {0})


def below_safety(region_id: int):
    """Stock levels whose available quantity (on hand - reserved) is under their safety minimum."""
    levels = StockLevel.objects.all()
    if region_id:
        levels = levels.filter(warehouse__region_id=region_id)
    minimums = {
        (product, warehouse): minimum
        for product, warehouse, minimum in SafetyStock.objects.values_list("product_id", "warehouse_id", "minimum")
    }
    found = []
    for level in levels.filter(product_id__in={product for product, _ in minimums}).select_related(
        "product", "warehouse"
    ):
        minimum = minimums.get((level.product_id, level.warehouse_id))
        if minimum is not None and level.on_hand - level.reserved < minimum:
            found.append((level, minimum))
    return found


def stock_figure(rule: AlertRule, day: datetime.date, region_id: int) -> Figure:
    count = len(below_safety(region_id))
    return Decimal(count), count


def stock_sources(rule: AlertRule, region_id: int) -> list[Source]:
    return [
        Source(
            f"{level.product} @ {level.warehouse}",
            reverse("inventory:detail", args=[level.pk]),
            f"{level.on_hand - level.reserved} < {minimum}",
        )
        for level, minimum in below_safety(region_id)
    ]


def overdue_invoices(region_id: int):
    rows = Invoice.objects.filter(status=Invoice.Status.OPEN, due_date__lt=clock.today())
    return rows.filter(region_id=region_id) if region_id else rows


def overdue_figure(rule: AlertRule, day: datetime.date, region_id: int) -> Figure:
    sums = overdue_invoices(region_id).aggregate(
        amount=Sum(F("total") - F("credited_amount") - F("settled_amount")), count=Count("pk")
    )
    return Decimal(sums["amount"] or 0), sums["count"] or 0


def overdue_sources(rule: AlertRule, region_id: int) -> list[Source]:
    rows = overdue_invoices(region_id).select_related("customer").order_by("due_date", "pk")[:100]
    return [
        Source(
            f"{invoice.number} · {invoice.customer}",
            reverse("billing:invoice_detail", args=[invoice.pk]),
            f"{invoice.total - invoice.credited_amount - invoice.settled_amount} · {invoice.due_date:%Y-%m-%d}",
        )
        for invoice in rows
    ]


def region_ids(model_regions) -> Callable[[AlertRule, datetime.date], list[int]]:
    return lambda rule, day: sorted(set(model_regions().order_by().distinct()))


METRICS: dict[str, Metric] = {
    key: Metric(key, True, stage_figure, stage_regions)
    for key in (M.DELAY_RATE, M.IN_STAGE, M.ARRIVALS, M.COMPLETIONS, M.MEDIAN_HOURS, M.P90_HOURS)
}
METRICS[M.STOCK_BELOW_SAFETY] = Metric(
    M.STOCK_BELOW_SAFETY,
    False,
    stock_figure,
    region_ids(lambda: StockLevel.objects.values_list("warehouse__region_id", flat=True)),
    stock_sources,
)
METRICS[M.RECEIVABLES_OVERDUE] = Metric(
    M.RECEIVABLES_OVERDUE,
    False,
    overdue_figure,
    region_ids(
        lambda: Invoice.objects.filter(status=Invoice.Status.OPEN).values_list("region_id", flat=True).distinct()
    ),
    overdue_sources,
)


def metric(key: str) -> Metric:
    return METRICS[key]
