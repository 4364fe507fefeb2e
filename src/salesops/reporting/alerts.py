"""Evaluate alert rules on the days the rollups just changed, in the same transaction as the rollup batch (so an
alert fires within the dispatcher cycle that brings the data that causes it), and open or refresh alerts.

Only today and yesterday (company time zone) are evaluated: replaying a backlog of old events does not raise alarms
about the past.
"""

import datetime
import statistics
from decimal import Decimal

from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from salesops.core import clock
from salesops.core.events import record_event
from salesops.reporting import sketch
from salesops.reporting.models import Alert, AlertRule, StageDay
from salesops.reporting.rollups import after_apply
from salesops.reporting.stages import stage

MIN_HISTORY = 4  # weekdays with enough volume needed before a figure can be called unusual
MAD_TO_SD = Decimal("1.4826")  # a normal distribution's standard deviation is 1.4826 × its median absolute deviation
LANGUAGE = "zh-hans"


def day_rows(rule: AlertRule, days: list[datetime.date], region_id: int):
    rows = StageDay.objects.filter(stage=rule.stage, dimension=StageDay.Dimension.ALL, office_id=0, day__in=days)
    return rows.filter(region_id=region_id) if region_id else rows


def figure(rule: AlertRule, day: datetime.date, region_id: int) -> tuple[Decimal | None, int]:
    """The rule's metric for one day and slice, and the number of documents behind it."""
    if rule.metric == AlertRule.Metric.IN_STAGE:
        rows = StageDay.objects.filter(stage=rule.stage, dimension=StageDay.Dimension.ALL, office_id=0, day__lte=day)
        if region_id:
            rows = rows.filter(region_id=region_id)
        sums = rows.aggregate(arrived=Sum("arrivals"), left=Sum("completions"))
        count = (sums["arrived"] or 0) - (sums["left"] or 0)
        return Decimal(count), count
    rows = list(day_rows(rule, [day], region_id).values_list("arrivals", "completions", "delayed", "histogram"))
    arrivals = sum(row[0] for row in rows)
    completions = sum(row[1] for row in rows)
    if rule.metric == AlertRule.Metric.ARRIVALS:
        return Decimal(arrivals), arrivals
    if rule.metric == AlertRule.Metric.COMPLETIONS:
        return Decimal(completions), completions
    if not completions:
        return None, 0
    if rule.metric == AlertRule.Metric.DELAY_RATE:
        delayed = sum(row[2] for row in rows)
        return (Decimal(delayed) / Decimal(completions)).quantize(Decimal("0.0001")), completions
    q = 0.5 if rule.metric == AlertRule.Metric.MEDIAN_HOURS else 0.9
    seconds = sketch.quantile(sketch.merge(row[3] for row in rows), q) or 0
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.01")), completions


def usual(rule: AlertRule, day: datetime.date, region_id: int) -> tuple[Decimal, Decimal] | None:
    """The median and robust standard deviation of the same weekday over the trailing weeks (days with too few
    documents left out); None without enough history."""
    values = []
    for weeks in range(1, rule.history_weeks + 1):
        value, volume = figure(rule, day - datetime.timedelta(weeks=weeks), region_id)
        if value is not None and volume >= rule.min_volume:
            values.append(value)
    if len(values) < MIN_HISTORY:
        return None
    middle = statistics.median(values)
    spread = statistics.median(abs(value - middle) for value in values) * MAD_TO_SD
    return Decimal(middle), Decimal(spread)


def fires(rule: AlertRule, value: Decimal, day: datetime.date, region_id: int) -> tuple[bool, Decimal | None]:
    if rule.condition == AlertRule.Condition.ABOVE:
        return value > rule.threshold, rule.threshold
    if rule.condition == AlertRule.Condition.BELOW:
        return value < rule.threshold, rule.threshold
    found = usual(rule, day, region_id)
    if found is None:
        return False, None
    middle, spread = found
    return value > middle + rule.deviations * spread and value > middle, middle


def regions_of(rule: AlertRule, day: datetime.date) -> list[int]:
    if rule.per == AlertRule.Per.COMPANY:
        return [0]
    return sorted(set(day_rows(rule, [day], 0).values_list("region_id", flat=True)) - {0})


@after_apply
def evaluate(touched: set[tuple[str, datetime.date]]) -> list[Alert]:
    """Evaluate the active rules of the touched stages on the touched recent days."""
    today = clock.today()
    recent = {(stage_key, day) for stage_key, day in touched if day >= today - datetime.timedelta(days=1)}
    if not recent:
        return []
    raised = []
    for rule in AlertRule.objects.filter(is_active=True, stage__in={stage_key for stage_key, _day in recent}):
        for day in sorted(day for stage_key, day in recent if stage_key == rule.stage):
            for region_id in regions_of(rule, day):
                value, volume = figure(rule, day, region_id)
                if value is None or volume < rule.min_volume:
                    continue
                firing, expected = fires(rule, value, day, region_id)
                if firing:
                    raised.append(raise_alert(rule, day, region_id, value, expected, volume))
    return raised


def describe(rule: AlertRule, value: Decimal, expected: Decimal | None) -> str:
    def show(number: Decimal | None) -> str:
        if number is None:
            return "—"
        return f"{number * 100:.1f}%" if rule.metric == AlertRule.Metric.DELAY_RATE else f"{number.normalize():f}"

    with translation.override(LANGUAGE):
        return _("%(rule)s: %(metric)s of %(stage)s is %(value)s (usually %(expected)s)") % {
            "rule": rule.name,
            "metric": rule.get_metric_display(),
            "stage": stage(rule.stage).label,
            "value": show(value),
            "expected": show(expected),
        }


def raise_alert(rule, day, region_id, value, expected, volume) -> Alert:
    """Open an alert, or refresh the live one of the same rule and slice (deduplicated while open)."""
    live = (
        Alert.objects.select_for_update()
        .filter(rule=rule, region_id=region_id)
        .exclude(status=Alert.Status.RESOLVED)
        .first()
    )
    if live is not None:
        live.fired_count += 1
        live.last_value = value
        live.save(update_fields=["fired_count", "last_value"])
        return live
    alert = Alert.objects.create(
        rule=rule,
        region_id=region_id,
        day=day,
        value=value,
        last_value=value,
        expected=expected,
        volume=volume,
        message=describe(rule, value, expected)[:500],
        owner=rule.owner,
        opened_at=clock.now(),
    )
    record_event("alert.opened", alert, data={"rule": rule.pk, "region": region_id, "day": day, "value": value})
    return alert
