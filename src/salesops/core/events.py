"""Record domain events in the outbox.

`record_event` must be called inside the transaction that makes the change: the event row and one delivery row
per matching handler commit or roll back with it. After commit, the dispatcher task is enqueued; see
`dispatch.py` for delivery guarantees.
"""

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction

from salesops.core import clock
from salesops.core.dispatch import dispatch_events
from salesops.core.handlers import handlers_for
from salesops.core.models import Event, EventDelivery


def subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def record_event(
    event_type: str,
    subject: models.Model,
    *,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    data: dict | None = None,
) -> Event:
    """Write an event (and its pending deliveries) in the current transaction; enqueue dispatch after commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction that makes the change")
    subject_type, subject_id = subject_key(subject)
    payload: dict[str, Any] = {}
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    if data:
        payload["data"] = to_json(data)
    event = Event.objects.create(
        type=event_type,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=str(subject)[:255],
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "get_username", lambda: "")() or "system")[:255],
        payload=payload,
        occurred_at=clock.now(),
    )
    deliveries = [EventDelivery(event=event, handler=handler.name) for handler in handlers_for(event_type)]
    if deliveries:
        EventDelivery.objects.bulk_create(deliveries)
        schedule_dispatch()
    return event


def schedule_dispatch() -> None:
    """Enqueue the dispatcher after commit, once per transaction however many events it records (an import of
    a thousand rows is one dispatcher run, not a thousand). A callback registered in a savepoint that rolled back
    is gone from the list, so a later event registers it again."""
    enqueue = dispatch_events.enqueue
    if not any(function == enqueue for _savepoints, function, _robust in connection.run_on_commit):
        transaction.on_commit(enqueue)


def to_json(value: Any) -> Any:
    """JSON-safe copy: Decimal as exact strings, dates as ISO strings, model instances as their primary key."""
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_json(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON-safe values of a model's concrete fields (foreign keys by id), for an event's before/after."""
    names = fields or [field.name for field in instance._meta.concrete_fields]
    result = {}
    for name in names:
        field = instance._meta.get_field(name)
        result[name] = to_json(getattr(instance, field.attname))
    return result


def changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(key for key in after if before.get(key) != after.get(key))


def timeline(subject: models.Model, limit: int = 200):
    """Events about one object, newest first: the object's audit trail."""
    subject_type, subject_id = subject_key(subject)
    return Event.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related("actor")[:limit]
