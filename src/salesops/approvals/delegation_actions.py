"""Out-of-office delegation: while someone is away their delegate decides for them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesops.accounts.scopes import sees_everything
from salesops.approvals.models import Delegation
from salesops.core import clock
from salesops.core.events import record_event, to_json

MAX_DAYS = 366


def create_delegation(*, user, delegate, starts_on, ends_on, actor, note: str = "") -> Delegation:
    """`delegate` decides `user`'s approvals from `starts_on` to `ends_on` (both included). People set up
    their own delegation; an administrator may set anyone's."""
    if actor.pk != getattr(user, "pk", None) and not sees_everything(actor):
        raise PermissionDenied(_("You may set up only your own delegation."))
    errors: dict[str, list[str]] = {}
    if delegate is None or not delegate.is_active:
        errors["delegate"] = [_("Choose an active user.")]
    elif user is not None and delegate.pk == user.pk:
        errors["delegate"] = [_("Delegate to someone else.")]
    if not isinstance(starts_on, datetime.date):
        errors["starts_on"] = [_("Enter a date.")]
    if not isinstance(ends_on, datetime.date):
        errors["ends_on"] = [_("Enter a date.")]
    if not errors:
        if ends_on < starts_on:
            errors["ends_on"] = [_("The end comes before the start.")]
        elif ends_on < clock.today():
            errors["ends_on"] = [_("This period is over already.")]
        elif (ends_on - starts_on).days >= MAX_DAYS:
            errors["ends_on"] = [_("Delegate for a year at most.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        delegation = Delegation.objects.create(
            user=user,
            delegate=delegate,
            starts_on=starts_on,
            ends_on=ends_on,
            note=(note or "").strip()[:200],
            created_by=actor,
        )
        record_event(
            "delegation.created",
            delegation,
            actor=actor,
            after=to_json({"user": user.pk, "delegate": delegate.pk, "starts_on": starts_on, "ends_on": ends_on}),
        )
        return delegation


def end_delegation(delegation: Delegation, *, actor) -> Delegation:
    if actor.pk != delegation.user_id and not sees_everything(actor):
        raise PermissionDenied(_("You may end only your own delegation."))
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if not delegation.is_active:
            raise ValidationError({"status": [_("This delegation has ended already.")]})
        delegation.is_active = False
        delegation.save(update_fields=["is_active", "updated_at"])
        record_event("delegation.ended", delegation, actor=actor, after={"is_active": False})
        return delegation
