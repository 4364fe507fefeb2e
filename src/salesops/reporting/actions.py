"""Reporting writes: stage targets (the rollups themselves are written only by rollups.py, from events)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from salesops.accounts.scopes import sees_everything
from salesops.core import events
from salesops.core.events import record_event
from salesops.reporting.models import StageTarget
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
    overrides = dict(StageTarget.objects.values_list("stage", "target_hours"))
    return overrides
