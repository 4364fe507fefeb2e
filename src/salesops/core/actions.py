"""Generic writes for configuration records edited in the admin (users, custom fields, portal access...).

Business documents have their own actions with their own rules; configuration changes still need an audit
record, because they change what people may see and do. These actions save and record the event together.
"""

from django.db import models, transaction

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
