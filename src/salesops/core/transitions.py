"""The one way a document's status changes: check its declared transition table, save, record the event.

Each lifecycle (order, quote, later invoice) declares `{status: frozenset(next statuses)}` next to its model and
calls `apply_transition` from its own `transition` wrapper, which adds the fields that move with the status
(a hold reason, a timestamp, a linked document).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise

from salesops.core.events import record_event
from salesops.core.instances import defer_save, save_fields


def apply_transition(
    subject: models.Model,
    to: str,
    *,
    table: dict[str, frozenset[str]],
    event: str,
    refusal: str | Promise,
    actor,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    shown: dict[str, Any] | None = None,
    data: dict | None = None,
    save: bool = True,
) -> models.Model:
    """Move `subject` (a row locked by the caller) from its status to `to` if `table` allows it, set `changes`
    with it in one save, and record `<event>.<to>` with the old and new status (plus `shown`, JSON-safe values
    worth reading in the timeline) and the reason. Must run inside the caller's transaction.

    A move the table does not allow raises ValidationError on `status` with `refusal` % {before, after}
    (status labels) and changes nothing.

    With `save=False` the changed fields are left for the action's next `save_fields` of the subject (the next
    transition's, usually): an action that moves a document twice (submitted, then confirmed) updates its row once.
    The action must save before it ends."""
    before = subject.status
    if to not in table.get(before, frozenset()):
        labels = dict(subject._meta.get_field("status").flatchoices)
        raise ValidationError(
            {"status": [str(refusal) % {"before": labels.get(before, before), "after": labels.get(to, to)}]}
        )
    subject.status = to
    for field, value in (changes or {}).items():
        setattr(subject, field, value)
    (save_fields if save else defer_save)(subject, ["status", *(changes or {}), "updated_at"])
    record_event(
        f"{event}.{to}",
        subject,
        actor=actor,
        before={"status": before},
        after={"status": to, **(shown or {})},
        data={"reason": reason, **(data or {})} if reason or data else None,
    )
    return subject
