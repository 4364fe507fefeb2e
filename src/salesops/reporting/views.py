"""The process dashboard and its drill-down pages: parse, authorise, read the rollups, render."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesops.accounts.models import OrgUnit
from salesops.accounts.scopes import PORTAL_ROLES
from salesops.catalog.models import ProductLine
from salesops.core import clock
from salesops.core.charts import bar_chart, line_chart, parse_day
from salesops.core.events import timeline
from salesops.customers.models import CustomerGroup
from salesops.reporting import actions
from salesops.reporting.alert_metrics import metric
from salesops.reporting.labels import group_labels
from salesops.reporting.links import alert_documents_url, alert_slice, drill_url
from salesops.reporting.metrics import GROUPS, Slice, daily, documents, period_before, reach_of, stage_metrics
from salesops.reporting.models import Alert
from salesops.reporting.queries import visible_alerts
from salesops.reporting.stages import stage, stages

MEASURES = ("in_stage", "arrivals", "completions", "delayed")
MAX_GROUPS = 40  # the largest groups are charted and listed; the API has them all


def check_staff(user) -> None:
    if user.role in PORTAL_ROLES:
        raise PermissionDenied


def int_or_none(raw) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def slice_from(params: QueryDict) -> Slice:
    end = parse_day(params.get("end"), clock.today())
    start = parse_day(params.get("start"), period_before(end, 30))
    group_by = params.get("group_by") or None
    return Slice(
        start=min(start, end),
        end=end,
        group_by=group_by if group_by in GROUPS else None,
        **{
            name: int_or_none(params.get(name))
            for name in ("region", "office", "salesperson", "customer_group", "product_line")
        },
    )


@login_required
def dashboard(request):
    """Every stage now and over the period: in stage, arrivals, completions, time in stage, delay rate; grouped by
    a dimension for one stage; arrivals and completions per day. Every bar and number opens its documents."""
    check_staff(request.user)
    query = slice_from(request.GET)
    chosen = request.GET.get("stage") or "shipment"
    error = None
    ungrouped = replace(query, group_by=None)
    try:
        totals = stage_metrics(request.user, ungrouped)
        grouped = (
            stage_metrics(request.user, replace(query, stage_keys=(chosen,)), largest=MAX_GROUPS + 1)
            if query.group_by
            else []
        )
        series = daily(request.user, replace(ungrouped, stage_keys=(chosen,)))
    except ValidationError as exc:
        error = " ".join(message for messages in exc.message_dict.values() for message in messages)
        totals, grouped, series = [], [], {}
    more_groups = len(grouped) > MAX_GROUPS
    grouped = sorted(grouped, key=lambda item: (-item.completions, -item.in_stage, item.group or 0))[:MAX_GROUPS]
    labels = group_labels(query.group_by, {item.group for item in grouped if item.group})
    for item in totals:
        item.links = {measure: drill_url(query, item.stage, measure) for measure in MEASURES}
    days = [row["day"].isoformat() for row in series.get(chosen, [])]
    reach = reach_of(request.user)
    regions = OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION).order_by("name")
    offices = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("name")
    if reach.regions is not None:
        regions = regions.filter(pk__in=reach.regions)
        offices = offices.filter(parent_id__in=reach.regions)
    if reach.offices is not None:
        offices = offices.filter(pk__in=reach.offices)
    live = visible_alerts(request.user).exclude(status=Alert.Status.RESOLVED).select_related("rule")[:10]
    context = {
        "alerts": live,
        "query": query,
        "error": error,
        "totals": totals,
        "grouped": [(labels.get(item.group, item.group), item) for item in grouped],
        "more_groups": more_groups,
        "chosen": chosen,
        "stages": stages(),
        "groups": [(name, label) for name, label in group_choices()],
        "regions": regions if reach.offices is None and reach.salespeople is None else [],
        "offices": offices if reach.salespeople is None else [],
        "product_lines": ProductLine.objects.order_by("name") if reach.salespeople is None else [],
        "customer_groups": CustomerGroup.objects.order_by("name") if reach.salespeople is None else [],
        "in_stage_chart": bar_chart(
            [item.label for item in totals],
            [item.in_stage for item in totals],
            _("in stage now"),
            links=[item.links["in_stage"] for item in totals],
        ),
        "delay_chart": bar_chart(
            [item.label for item in totals],
            [(item.delay_rate or 0) * 100 for item in totals],
            _("delay rate %"),
            links=[item.links["delayed"] for item in totals],
        ),
        "group_chart": bar_chart(
            [str(labels.get(item.group, item.group)) for item in grouped],
            [item.completions for item in grouped],
            _("completions"),
            links=[drill_url(query, chosen, "completions", item.group) for item in grouped],
        )
        if grouped
        else None,
        "daily_chart": line_chart(
            days,
            {
                _("arrivals"): [row["arrivals"] for row in series.get(chosen, [])],
                _("completions"): [row["completions"] for row in series.get(chosen, [])],
                _("delayed"): [row["delayed"] for row in series.get(chosen, [])],
            },
        ),
    }
    return render(request, "reporting/dashboard.html", context)


def group_choices():
    return [
        ("region", _("region")),
        ("office", _("office")),
        ("salesperson", _("salesperson")),
        ("customer_group", _("customer group")),
        ("product_line", _("product line")),
    ]


@login_required
def stage_documents(request):
    """The documents behind one figure of the dashboard, slowest first."""
    check_staff(request.user)
    query = slice_from(request.GET)
    measure = request.GET.get("measure") if request.GET.get("measure") in MEASURES else "completions"
    try:
        item = stage(request.GET.get("stage", ""))
    except LookupError:
        raise PermissionDenied from None
    try:
        visits = documents(
            request.user, query, stage_key=item.key, measure=measure, group=int_or_none(request.GET.get("group"))
        )
    except ValidationError:
        visits = None
    page = Paginator(visits if visits is not None else [], 50).get_page(request.GET.get("page"))
    rows = [(visit, item.document_url(visit.subject_id) if item.document_url else None) for visit in page.object_list]
    return render(
        request,
        "reporting/documents.html",
        {
            "stage": item,
            "measure": measure,
            "query": query,
            "rows": rows,
            "page": page,
            "params": request.GET.urlencode(),
        },
    )


@login_required
def alert_list(request):
    check_staff(request.user)
    status = request.GET.get("status") or "live"
    rows = visible_alerts(request.user)
    rows = rows.exclude(status=Alert.Status.RESOLVED) if status == "live" else rows.filter(status=status)
    page = Paginator(rows.select_related("rule", "owner"), 50).get_page(request.GET.get("page"))
    return render(
        request, "reporting/alerts.html", {"page": page, "status": status, "regions": region_names(page.object_list)}
    )


def region_names(alerts) -> dict[int, str]:
    return dict(OrgUnit.objects.filter(pk__in={alert.region_id for alert in alerts}).values_list("pk", "name"))


@login_required
def alert_detail(request, alert_id: int):
    """One alert: what fired, its lifecycle, and the documents that caused it (the delayed or counted documents of
    its stage, slice and day)."""
    check_staff(request.user)
    alert = get_object_or_404(visible_alerts(request.user).select_related("rule", "owner"), pk=alert_id)
    if request.method == "POST":
        move = actions.acknowledge_alert if request.POST.get("to") == "acknowledged" else actions.resolve_alert
        try:
            move(alert, actor=request.user, comment=request.POST.get("comment", ""))
            return redirect("reporting:alert", alert_id=alert.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(text for texts in exc.message_dict.values() for text in texts))
    query, measure = alert_slice(alert)
    rows, sources = [], []
    watched = metric(alert.rule.metric)
    if watched.is_stage_metric:
        item = stage(alert.rule.stage)
        visits = list(documents(request.user, query, stage_key=item.key, measure=measure)[:100])
        rows = [(visit, item.document_url(visit.subject_id) if item.document_url else None) for visit in visits]
    elif watched.sources is not None:
        sources = watched.sources(alert.rule, alert.region_id)
    context = {
        "alert": alert,
        "rows": rows,
        "sources": sources,
        "region": region_names([alert]).get(alert.region_id),
        "drill": alert_documents_url(alert) if watched.is_stage_metric else None,
        "timeline": timeline(alert),
    }
    return render(request, "reporting/alert.html", context)
