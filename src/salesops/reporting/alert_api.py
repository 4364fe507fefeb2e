"""/api/v1 alert rules and alerts: parse, authorise, call an action, return."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.accounts.models import User
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import ListParams, Page, paginate
from salesops.reporting import actions
from salesops.reporting.alert_metrics import metric
from salesops.reporting.links import alert_documents_url
from salesops.reporting.models import Alert, AlertRule
from salesops.reporting.queries import visible_alerts
from salesops.reporting.schemas import AlertFilters, AlertMoveIn, AlertOut, AlertRuleIn, AlertRuleOut

router = Router(tags=["reporting"])
READ, WRITE = "reporting:read", "reporting:write"


def rule_data(payload: AlertRuleIn) -> dict:
    data = payload.model_dump(exclude={"owner_id"})
    if payload.owner_id is not None:
        data["owner"] = User.objects.filter(pk=payload.owner_id, is_active=True).first()
        if data["owner"] is None:
            raise ValidationError({"owner_id": ["No such active user."]})
    return data


@router.get("/alert-rules", response={200: Page[AlertRuleOut], **READ_ERRORS}, summary="List alert rules")
def list_rules(request: HttpRequest, params: Query[ListParams]):
    require_scope(request, READ)
    actions.check_may_manage_alerts(request.user)
    return paginate(AlertRule.objects.order_by("name", "pk"), params)


@router.post(
    "/alert-rules",
    response={201: AlertRuleOut, **WRITE_ERRORS},
    summary="Create an alert rule",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def create_rule(request: HttpRequest, payload: AlertRuleIn):
    """Administrators, directors and managers. Validated whole: a bad field is a 422 naming it, nothing saved."""
    require_scope(request, WRITE)
    rule = actions.save_alert_rule(None, actor=request.user, data=rule_data(payload))
    return Status(201, AlertRuleOut.from_orm(rule))


@router.put("/alert-rules/{rule_id}", response={200: AlertRuleOut, **WRITE_ERRORS}, summary="Change an alert rule")
def update_rule(request: HttpRequest, rule_id: int, payload: AlertRuleIn):
    require_scope(request, WRITE)
    actions.check_may_manage_alerts(request.user)
    rule = get_object_or_404(AlertRule, pk=rule_id)
    return actions.save_alert_rule(rule, actor=request.user, data=rule_data(payload))


def alert_out(alert: Alert) -> dict:
    return {
        **{field: getattr(alert, field) for field in AlertOut.model_fields if hasattr(alert, field)},
        "documents_url": alert_documents_url(alert) if metric(alert.rule.metric).is_stage_metric else "",
    }


@router.get("/alerts", response={200: Page[AlertOut], **READ_ERRORS}, summary="List alerts")
def list_alerts(request: HttpRequest, filters: Query[AlertFilters], params: Query[ListParams]):
    """The alerts of the regions the caller may read, newest first."""
    require_scope(request, READ)
    rows = visible_alerts(request.user).select_related("rule")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.rule:
        rows = rows.filter(rule_id=filters.rule)
    if filters.region is not None:
        rows = rows.filter(region_id=filters.region)
    page = paginate(rows.order_by("-opened_at", "-pk"), params)
    page["results"] = [alert_out(alert) for alert in page["results"]]
    return page


@router.get("/alerts/{alert_id}", response={200: AlertOut, **READ_ERRORS}, summary="Read an alert")
def get_alert(request: HttpRequest, alert_id: int):
    require_scope(request, READ)
    return alert_out(get_object_or_404(visible_alerts(request.user).select_related("rule"), pk=alert_id))


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, **WRITE_ERRORS},
    summary="Acknowledge an alert",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def acknowledge(request: HttpRequest, alert_id: int, payload: AlertMoveIn):
    require_scope(request, WRITE)
    alert = get_object_or_404(visible_alerts(request.user), pk=alert_id)
    actions.acknowledge_alert(alert, actor=request.user, comment=payload.comment)
    return Status(200, AlertOut.model_validate(alert_out(Alert.objects.select_related("rule").get(pk=alert.pk))))


@router.post(
    "/alerts/{alert_id}/resolve",
    response={200: AlertOut, **WRITE_ERRORS},
    summary="Resolve an alert",
    openapi_extra=OPENAPI_EXTRA,
)
@idempotent
def resolve(request: HttpRequest, alert_id: int, payload: AlertMoveIn):
    require_scope(request, WRITE)
    alert = get_object_or_404(visible_alerts(request.user), pk=alert_id)
    actions.resolve_alert(alert, actor=request.user, comment=payload.comment)
    return Status(200, AlertOut.model_validate(alert_out(Alert.objects.select_related("rule").get(pk=alert.pk))))
