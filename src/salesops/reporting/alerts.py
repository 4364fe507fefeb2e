"""Evaluate alert rules and open or refresh alerts.

Stage rules run on the days the rollups just changed, in the same transaction as the rollup batch (so an alert
fires within the dispatcher cycle that brings the data that causes it); only today and yesterday (company time
zone) are evaluated, so replaying a backlog of old events does not raise alarms about the past. Rules on the state
now (stock, receivables) run from tasks.py every 15 minutes and when stock falls below safety (handlers.py).
"""

import datetime
import statistics
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from salesops.core import clock
from salesops.core.events import record_event
from salesops.reporting.alert_metrics import METRICS, metric
from salesops.reporting.models import Alert, AlertRule
from salesops.reporting.rollups import after_apply
from salesops.reporting.stages import stage

MIN_HISTORY = 4  # weekdays with enough volume needed before a figure can be called unusual
MAD_TO_SD = Decimal("1.4826")  # a normal distribution's standard deviation is 1.4826 × its median absolute deviation
LANGUAGE = "zh-hans"


def usual(rule: AlertRule, day: datetime.date, region_id: int) -> tuple[Decimal, Decimal] | None:
    """The median and robust standard deviation of the same weekday over the trailing weeks (days with too few
    documents left out); None without enough history."""
    values = []
    for weeks in range(1, rule.history_weeks + 1):
        value, volume = metric(rule.metric).figure(rule, day - datetime.timedelta(weeks=weeks), region_id)
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
    return [region for region in metric(rule.metric).regions(rule, day) if region]


def check(rule: AlertRule, day: datetime.date) -> list[Alert]:
    """Evaluate one rule on one day for each of its slices; open or refresh the alerts that fire."""
    raised = []
    for region_id in regions_of(rule, day):
        value, volume = metric(rule.metric).figure(rule, day, region_id)
        if value is None or volume < rule.min_volume:
            continue
        firing, expected = fires(rule, value, day, region_id)
        if firing:
            raised.append(raise_alert(rule, day, region_id, value, expected, volume))
    return raised


@after_apply
def evaluate(touched: set[tuple[str, datetime.date]]) -> list[Alert]:
    """Evaluate the active rules of the touched stages on the touched recent days."""
    today = clock.today()
    recent = {(stage_key, day) for stage_key, day in touched if day >= today - datetime.timedelta(days=1)}
    if not recent:
        return []
    raised = []
    stage_metrics = [key for key, item in METRICS.items() if item.is_stage_metric]
    rules = AlertRule.objects.filter(
        is_active=True, metric__in=stage_metrics, stage__in={stage_key for stage_key, _day in recent}
    )
    for rule in rules:
        for day in sorted(day for stage_key, day in recent if stage_key == rule.stage):
            raised.extend(check(rule, day))
    return raised


def evaluate_state_rules(*, metrics: list[str] | None = None) -> list[Alert]:
    """The rules on the state now (stock below safety, overdue receivables), for today."""
    keys = metrics or [key for key, item in METRICS.items() if not item.is_stage_metric]
    raised = []
    for rule in AlertRule.objects.filter(is_active=True, metric__in=keys):
        raised.extend(check(rule, clock.today()))
    return raised


def describe(rule: AlertRule, value: Decimal, expected: Decimal | None) -> str:
    def show(number: Decimal | None) -> str:
        if number is None:
            return "—"
        return f"{number * 100:.1f}%" if rule.metric == AlertRule.Metric.DELAY_RATE else f"{number.normalize():f}"

    with translation.override(LANGUAGE):
        values = {"rule": rule.name, "metric": rule.get_metric_display(), "value": show(value)}
        if rule.condition != AlertRule.Condition.ANOMALY:
            values["limit"] = show(rule.threshold)
            if rule.stage:
                values["stage"] = stage(rule.stage).label
                return _("%(rule)s: %(metric)s of %(stage)s is %(value)s (limit %(limit)s)") % values
            return _("%(rule)s: %(metric)s is %(value)s (limit %(limit)s)") % values
        values |= {"stage": stage(rule.stage).label, "expected": show(expected)}
        return _("%(rule)s: %(metric)s of %(stage)s is %(value)s (usually %(expected)s)") % values


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
