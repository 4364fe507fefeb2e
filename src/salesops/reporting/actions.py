"""Reporting writes: stage targets, alert rules, the alert lifecycle (the rollups themselves are written only by
rollups.py, from events; alerts are opened only by alerts.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from salesops.accounts.scopes import MANAGER_ROLES, sees_everything
from salesops.core import clock, events
from salesops.core.events import record_event
from salesops.reporting.alert_metrics import METRICS
from salesops.reporting.models import Alert, AlertRule, StageTarget
from salesops.reporting.stages import stage


def set_stage_target(stage_key: str, *, target_hours: int, actor) -> StageTarget:
    """An administrator sets how long documents should take in a stage; documents leaving it from now on are
    measured against the new target. Records `stage_target.updated`."""
    if not sees_everything(actor):
        raise PermissionDenied(_("Only administrators set stage targets."))
    try:
        item = stage(stage_key)
    except LookupError:
        raise ValidationError({"stage": [_("No such stage.")]}) from None
    if not isinstance(target_hours, int) or not 0 < target_hours <= 24 * 366:
        raise ValidationError({"target_hours": [_("Enter a whole number of hours between 1 and 8784.")]})
    with events.atomic():
        target, _created = StageTarget.objects.select_for_update().get_or_create(
            stage=stage_key, defaults={"target_hours": item.target_hours, "updated_by": actor}
        )
        before = target.target_hours
        target.target_hours = target_hours
        target.updated_by = actor
        target.save()
        record_event(
            "stage_target.updated",
            target,
            actor=actor,
            before={"target_hours": before},
            after={"target_hours": target_hours},
        )
    return target


def targets() -> dict[str, int]:
    """The administrators' stage targets, by stage key (stages without one keep their registered default)."""
    return dict(StageTarget.objects.values_list("stage", "target_hours"))


def check_may_manage_alerts(actor) -> None:
    if not (sees_everything(actor) or actor.role in MANAGER_ROLES):
        raise PermissionDenied(_("Only administrators, directors and managers manage alert rules."))


RULE_FIELDS = (
    "name",
    "stage",
    "metric",
    "per",
    "condition",
    "threshold",
    "deviations",
    "history_weeks",
    "min_volume",
    "is_active",
)


def clean_rule(rule: AlertRule) -> None:
    """Every problem of the rule at once, by field. The fields are cleaned (converted to their types) first, so
    the rules' own checks compare numbers, never the raw input."""
    errors: dict[str, list[str]] = {}
    try:
        rule.full_clean(exclude=["owner"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    watched = METRICS.get(rule.metric)
    if watched is not None and watched.is_stage_metric:
        try:
            stage(rule.stage)
        except LookupError:
            errors.setdefault("stage", [_("No such stage.")])
    elif watched is not None:
        rule.stage = ""
        if rule.condition == AlertRule.Condition.ANOMALY:
            errors.setdefault("condition", [_("This metric takes a fixed threshold (above or below).")])
    if "threshold" not in errors:
        if rule.condition in (AlertRule.Condition.ABOVE, AlertRule.Condition.BELOW) and rule.threshold is None:
            errors["threshold"] = [_("A threshold condition needs a threshold.")]
        elif rule.metric == AlertRule.Metric.DELAY_RATE and rule.threshold is not None and not 0 <= rule.threshold <= 1:
            errors["threshold"] = [_("A delay rate is a fraction between 0 and 1 (0.15 for 15 %).")]
    if "history_weeks" not in errors and not 1 <= rule.history_weeks <= 52:
        errors["history_weeks"] = [_("Between 1 and 52 weeks.")]
    if errors:
        raise ValidationError(errors)


def save_alert_rule(rule: AlertRule | None, *, actor, data: dict) -> AlertRule:
    """Create or change an alert rule (validated whole; nothing saved on an error). Records
    `alert_rule.created` / `alert_rule.updated`."""
    check_may_manage_alerts(actor)
    with events.atomic():
        creating = rule is None
        rule = AlertRule(owner=actor) if creating else AlertRule.objects.select_for_update().get(pk=rule.pk)
        before = events.snapshot(rule, RULE_FIELDS) if not creating else None
        for name in RULE_FIELDS:
            if name in data:
                setattr(rule, name, data[name])
        if "owner" in data and data["owner"] is not None:
            rule.owner = data["owner"]
        clean_rule(rule)
        rule.save()
        record_event(
            "alert_rule.created" if creating else "alert_rule.updated",
            rule,
            actor=actor,
            before=before,
            after=events.snapshot(rule, RULE_FIELDS),
        )
    return rule


def acknowledge_alert(alert: Alert, *, actor, comment: str = "") -> Alert:
    return move_alert(alert, Alert.Status.ACKNOWLEDGED, actor=actor, comment=comment)


def resolve_alert(alert: Alert, *, actor, comment: str = "") -> Alert:
    return move_alert(alert, Alert.Status.RESOLVED, actor=actor, comment=comment)


ALERT_TRANSITIONS = {
    Alert.Status.OPEN: {Alert.Status.ACKNOWLEDGED, Alert.Status.RESOLVED},
    Alert.Status.ACKNOWLEDGED: {Alert.Status.RESOLVED},
    Alert.Status.RESOLVED: set(),
}


def move_alert(alert: Alert, to: str, *, actor, comment: str) -> Alert:
    """Acknowledge (someone is on it) or resolve (it is over; the rule may fire again) an alert. Records
    `alert.acknowledged` / `alert.resolved`."""
    if len(comment or "") > 500:
        raise ValidationError({"comment": [_("At most 500 characters.")]})
    with events.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if to not in ALERT_TRANSITIONS[locked.status]:
            raise ValidationError(
                {"status": [_("This alert is already %(status)s.") % {"status": locked.get_status_display()}]}
            )
        before = locked.status
        locked.status = to
        locked.comment = comment or locked.comment
        stamp = clock.now()
        if to == Alert.Status.ACKNOWLEDGED:
            locked.acknowledged_by, locked.acknowledged_at = actor, stamp
        else:
            locked.resolved_by, locked.resolved_at = actor, stamp
        locked.save()
        record_event(
            f"alert.{to}",
            locked,
            actor=actor,
            before={"status": before},
            after={"status": to},
            data={"comment": comment},
        )
    return locked
