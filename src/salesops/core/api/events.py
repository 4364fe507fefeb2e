"""The event timeline of one object, as the API shows it."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema

from salesops.core.events import timeline


class EventOut(Schema):
    id: UUID
    type: str
    subject_type: str
    subject_id: str
    actor: str
    occurred_at: datetime
    payload: dict[str, Any]


def event_list(subject) -> list[dict]:
    return [
        {
            "id": e.uuid,
            "type": e.type,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "actor": e.actor_label,
            "occurred_at": e.occurred_at,
            "payload": e.payload,
        }
        for e in timeline(subject)
    ]
