"""URLs of the drill-down: from a dashboard figure or an alert to the documents behind it."""

from django.http import QueryDict
from django.urls import reverse

from salesops.reporting.metrics import Slice
from salesops.reporting.models import Alert, AlertRule

ALERT_MEASURES = {
    AlertRule.Metric.DELAY_RATE: "delayed",
    AlertRule.Metric.ARRIVALS: "arrivals",
    AlertRule.Metric.IN_STAGE: "in_stage",
}


def drill_url(query: Slice, stage_key: str, measure: str, group: int | None = None) -> str:
    params = QueryDict(mutable=True)
    params.update(
        {"stage": stage_key, "measure": measure, "start": query.start.isoformat(), "end": query.end.isoformat()}
    )
    for name in ("group_by", "region", "office", "salesperson", "customer_group", "product_line"):
        value = getattr(query, name)
        if value is not None:
            params[name] = str(value)
    if group is not None:
        params["group"] = str(group)
    return f"{reverse('reporting:documents')}?{params.urlencode()}"


def alert_slice(alert: Alert) -> tuple[Slice, str]:
    """The slice and measure whose documents caused an alert: its day and region, the delayed documents for a
    delay rate, the arrivals, those in the stage, or else the completions."""
    query = Slice(alert.day, alert.day, region=alert.region_id or None)
    return query, ALERT_MEASURES.get(alert.rule.metric, "completions")


def alert_documents_url(alert: Alert) -> str:
    query, measure = alert_slice(alert)
    return drill_url(query, alert.rule.stage, measure)
