"""Generic writes for configuration records edited in the admin (users, custom fields, portal access...).

Business documents have their own actions with their own rules; configuration changes still need an audit
record, because they change what people may see and do. These actions save and record the event together.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from salesops.core.events import changed_fields, record_event, snapshot

# Never copied into the audit trail.
SECRET_FIELDS = {"password", "key_hash", "lease_token"}


def audit_snapshot(instance: models.Model) -> dict:
    names = [field.name for field in instance._meta.concrete_fields if field.name not in SECRET_FIELDS]
    return snapshot(instance, names)


def save_configuration(instance: models.Model, *, actor) -> models.Model:
    """Save a configuration record and record `<model>.created` or `<model>.updated` with what changed."""
    name = instance._meta.model_name
    with transaction.atomic():
        previous = type(instance).objects.filter(pk=instance.pk).first() if instance.pk else None
        instance.save()
        after = audit_snapshot(instance)
        if previous is None:
            record_event(f"{name}.created", instance, actor=actor, after=after)
        else:
            before = audit_snapshot(previous)
            changed = changed_fields(before, after)
            if changed:
                record_event(
                    f"{name}.updated",
                    instance,
                    actor=actor,
                    before={k: before[k] for k in changed},
                    after={k: after[k] for k in changed},
                )
    return instance


def delete_configuration(instance: models.Model, *, actor) -> None:
    """Delete a configuration record; `<model>.deleted` keeps its last state."""
    with transaction.atomic():
        record_event(f"{instance._meta.model_name}.deleted", instance, actor=actor, before=audit_snapshot(instance))
        instance.delete()


def apply_changes(locked: models.Model, cleaned: dict) -> tuple[list[str], dict, dict]:
    """Set validated values on a row locked by the caller and save only what changed.

    Returns the changed field names with their old and new (JSON-safe) values, for the caller's event.
    """
    before = snapshot(locked)
    for field, value in cleaned.items():
        setattr(locked, field, value)
    after = snapshot(locked)
    changed = changed_fields(before, after)
    if changed:
        update_fields = [*changed, "updated_at"] if hasattr(locked, "updated_at") else changed
        locked.save(update_fields=update_fields)
    return changed, {k: before[k] for k in changed}, {k: after[k] for k in changed}


def save_changes(locked: models.Model, cleaned: dict, *, event_type: str, actor) -> list[str]:
    """`apply_changes`, then record `event_type` with the before and after of the changed fields (if any)."""
    changed, old, new = apply_changes(locked, cleaned)
    if changed:
        record_event(event_type, locked, actor=actor, before=old, after=new)
    return changed


def refuse_unknown_fields(changes: dict, allowed, *, error_keys: dict[str, str] | None = None) -> None:
    """An update naming a field it may not change is refused as a whole, naming each such field."""
    unknown = set(changes) - set(allowed)
    if unknown:
        keys = error_keys or {}
        raise ValidationError({keys.get(field, field): [_("This field cannot be changed.")] for field in unknown})
