"""Record domain events in the outbox.

`record_event` must be called inside the transaction that makes the change: the event row and one delivery row
per matching handler commit or roll back with it. After commit, the dispatcher is woken; see
`dispatch.py` for delivery guarantees.

An action that records several events runs in `events.atomic()`: its events are written with one INSERT when it
ends, instead of one each (decision 0008).
"""

import contextlib
import datetime
import functools
import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction

from salesops.core import clock
from salesops.core.dispatch import wake_dispatcher
from salesops.core.handlers import handlers_for
from salesops.core.instances import insert
from salesops.core.models import Event, EventDelivery

# Attributes on the connection (one per thread): the events an `atomic()` block is collecting, and the depth of
# the enclosing transaction that rolls back whole (`all_or_nothing`).
BATCH = "salesops_event_batch"
WHOLE = "salesops_all_or_nothing_depth"


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
    """Write an event (and its pending deliveries) in the current transaction; wake the dispatcher after commit.

    Inside `atomic()` the event is written when that block ends (the returned event has no pk until then), unless
    a savepoint it was recorded in rolls back: then it is never written, like the changes it described."""
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
    event = Event(
        type=event_type,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=str(subject)[:255],
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "get_username", lambda: "")() or "system")[:255],
        payload=payload,
        occurred_at=clock.now(),
    )
    batch = getattr(connection, BATCH, None)
    if batch is None:
        write_events([event])
    else:
        # Django drops the on-commit callbacks of a savepoint that rolls back: this one marks the event as alive.
        marker = functools.partial(_alive)
        transaction.on_commit(marker)
        batch.append((event, marker))
    return event


def _alive() -> None:
    """The no-op on-commit marker of a collected event (see `record_event`)."""


def write_events(events: list[Event]) -> None:
    """Insert events (one statement) and their pending deliveries; schedule the dispatcher if any."""
    insert(events)
    deliveries = [
        EventDelivery(event=event, handler=handler.name) for event in events for handler in handlers_for(event.type)
    ]
    if deliveries:
        insert(deliveries)
        schedule_dispatch()


@contextlib.contextmanager
def atomic() -> Iterator[None]:
    """`transaction.atomic()` for an action: the events recorded inside are written with one INSERT when the block
    ends without an error (those of savepoints rolled back meanwhile left out), and none when it raises.

    Nested in another `atomic()`, the block adds its events to the outer one's. Directly inside a transaction that
    rolls back whole when anything escapes it (`all_or_nothing`: an idempotent API request), it takes no savepoint:
    none is needed to undo it, and each costs two statements."""
    whole = getattr(connection, WHOLE, None) == len(connection.atomic_blocks) and connection.in_atomic_block
    with transaction.atomic(savepoint=not whole):
        if getattr(connection, BATCH, None) is not None:
            yield
            return
        batch: list[tuple[Event, Any]] = []
        setattr(connection, BATCH, batch)
        try:
            yield
        finally:
            setattr(connection, BATCH, None)
        markers = {id(marker) for _event, marker in batch}
        alive = {id(function) for _savepoints, function, _robust in connection.run_on_commit}
        connection.run_on_commit = [entry for entry in connection.run_on_commit if id(entry[1]) not in markers]
        events = [event for event, marker in batch if id(marker) in alive]
        if events:
            write_events(events)


@contextlib.contextmanager
def all_or_nothing() -> Iterator[None]:
    """Declare that the current transaction rolls back whole when an error escapes the block: no code inside
    catches an action's error and goes on with the transaction. An `atomic()` directly inside then needs no
    savepoint. (Were the promise broken, Django refuses every further statement of the transaction.)"""
    if not connection.in_atomic_block:
        raise RuntimeError("all_or_nothing must run inside a transaction")
    previous = getattr(connection, WHOLE, None)
    setattr(connection, WHOLE, len(connection.atomic_blocks))
    try:
        yield
    finally:
        setattr(connection, WHOLE, previous)


def schedule_dispatch() -> None:
    """Wake the dispatcher after commit, once per transaction however many events it records (an import of a
    thousand rows is one dispatcher run, not a thousand). A callback registered in a savepoint that rolled back
    is gone from the list, so a later event registers it again."""
    if not any(function == wake_dispatcher for _savepoints, function, _robust in connection.run_on_commit):
        transaction.on_commit(wake_dispatcher)


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
