"""/api/v1 process metrics: stage figures, daily series, drill-down to documents, stage targets."""

import contextlib

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from salesops.accounts.auth import require_scope
from salesops.core import clock
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.listing import ListParams, Page, paginate
from salesops.core.querying import InvalidParameter
from salesops.reporting import actions
from salesops.reporting.alert_api import router as alert_router
from salesops.reporting.briefing_api import router as briefings_router
from salesops.reporting.labels import group_labels
from salesops.reporting.metrics import Slice, daily, documents, period_before, stage_metrics
from salesops.reporting.schemas import (
    DailyOut,
    DrillFilters,
    MetricsFilters,
    MetricsOut,
    StageOut,
    StageTargetIn,
    VisitOut,
)
from salesops.reporting.stages import stage, stages

router = Router(tags=["reporting"])
router.add_router("", alert_router)
router.add_router("", briefings_router)
READ, WRITE = "reporting:read", "reporting:write"
DEFAULT_DAYS = 30


def slice_of(filters: MetricsFilters) -> Slice:
    end = filters.end or clock.today()
    start = filters.start or period_before(end, DEFAULT_DAYS)
    return Slice(
        start=start,
        end=end,
        group_by=filters.group_by or None,
        region=filters.region,
        office=filters.office,
        salesperson=filters.salesperson,
        customer_group=filters.customer_group,
        product_line=filters.product_line,
        stage_keys=tuple(filters.stage),
    )


@contextlib.contextmanager
def query_errors():
    """A metrics query's ValidationError is about the query string: 400 invalid_parameter with the field."""
    try:
        yield
    except ValidationError as exc:
        fields = exc.message_dict
        raise InvalidParameter(
            " ".join(message for messages in fields.values() for message in messages), fields
        ) from None


def figures_out(user, query: Slice) -> list[dict]:
    with query_errors():
        figures = stage_metrics(user, query)
    labels = group_labels(query.group_by, {item.group for item in figures if item.group})
    return [
        {
            "stage": item.stage,
            "label": item.label,
            "group": item.group,
            "group_label": labels.get(item.group) if item.group else None,
            "in_stage": item.in_stage,
            "arrivals": item.arrivals,
            "completions": item.completions,
            "delayed": item.delayed,
            "delay_rate": item.delay_rate,
            "median_hours": item.median_hours,
            "p90_hours": item.p90_hours,
        }
        for item in figures
    ]


@router.get("/metrics", response={200: MetricsOut, **READ_ERRORS}, summary="Stage metrics")
def metrics(request: HttpRequest, filters: Query[MetricsFilters]):
    """Per stage (and group): documents in the stage now, arrivals and completions in the period, median and
    90th-percentile time in stage, and the delay rate, read from the rollups and limited to what the caller may
    see. Filters combine; slice by one of salesperson, customer group and product line at a time."""
    require_scope(request, READ)
    query = slice_of(filters)
    return {
        "start": query.start,
        "end": query.end,
        "group_by": query.group_by,
        "stages": figures_out(request.user, query),
    }


@router.get("/metrics/daily", response={200: DailyOut, **READ_ERRORS}, summary="Stage arrivals and completions per day")
def metrics_daily(request: HttpRequest, filters: Query[MetricsFilters]):
    require_scope(request, READ)
    query = slice_of(filters)
    with query_errors():
        series = daily(request.user, query)
    return {"start": query.start, "end": query.end, "series": series}


@router.get(
    "/metrics/documents", response={200: Page[VisitOut], **READ_ERRORS}, summary="Documents behind a stage figure"
)
def metrics_documents(request: HttpRequest, filters: Query[DrillFilters], params: Query[ListParams]):
    """The drill-down from a chart: the documents counted in one stage's figure (in the stage now, arrived,
    completed or delayed in the period), slowest first."""
    require_scope(request, READ)
    query = slice_of(filters)
    try:
        item = stage(filters.stage[0] if filters.stage else "")
    except LookupError:
        raise InvalidParameter("Name one registered stage.", {"stage": ["Name one registered stage."]}) from None
    with query_errors():
        visits = documents(request.user, query, stage_key=item.key, measure=filters.measure, group=filters.group)
        page = paginate(visits, params)
    page["results"] = [visit_out(visit, item) for visit in page["results"]]
    return page


def visit_out(visit, item) -> dict:
    return {
        "subject_type": visit.subject_type,
        "subject_id": visit.subject_id,
        "label": visit.label,
        "url": item.document_url(visit.subject_id) if item.document_url else None,
        "entered_at": visit.entered_at,
        "left_at": visit.left_at,
        "hours_in_stage": round(visit.duration_seconds / 3600, 2) if visit.duration_seconds is not None else None,
        "is_delayed": visit.is_delayed,
        "region_id": visit.region_id,
        "office_id": visit.office_id,
        "salesperson_id": visit.salesperson_id,
    }


def stage_out(item, overrides: dict[str, int]) -> dict:
    return {
        "key": item.key,
        "label": str(item.label),
        "subject_type": item.subject_type,
        "enter": sorted(item.enter),
        "leave": sorted(item.leave),
        "target_hours": overrides.get(item.key, item.target_hours),
        "default_target_hours": item.target_hours,
    }


@router.get("/stages", response={200: list[StageOut], **READ_ERRORS}, summary="Process stages and their targets")
def stage_list(request: HttpRequest):
    require_scope(request, READ)
    overrides = actions.targets()
    return [stage_out(item, overrides) for item in stages()]


@router.put("/stages/{key}/target", response={200: StageOut, **WRITE_ERRORS}, summary="Set a stage's target time")
def stage_target(request: HttpRequest, key: str, body: StageTargetIn):
    """Administrators only. Documents leaving the stage from now on are measured against the new target."""
    require_scope(request, WRITE)
    actions.set_stage_target(key, target_hours=body.target_hours, actor=request.user)
    return stage_out(stage(key), actions.targets())
