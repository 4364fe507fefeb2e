"""The audit timeline of one object, as people read it: who did what, and each change as label: before → after.

Events store ids and codes (stable for machines); this module turns them into names and labels at display time,
with one query per related model rather than one per value.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesops.core.events import timeline
from salesops.core.models import CustomFieldDefinition, Event

# Bookkeeping fields that say nothing to a reader.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "path", "lease_token"}
VERBS = {
    "created": _("created"),
    "updated": _("changed"),
    "deleted": _("deleted"),
    "moved": _("moved"),
    "revoked": _("revoked"),
}


@dataclass
class Change:
    label: str
    before: Any
    after: Any


@dataclass
class Entry:
    event: Event
    actor: str
    verb: str
    changes: list[Change] = field(default_factory=list)


def verb_for(event_type: str) -> str:
    action = event_type.rsplit(".", 1)[-1]
    return str(VERBS.get(action, action.replace("_", " ")))


class ValueResolver:
    """Displays stored values: foreign keys as the related object's name, choices as their label."""

    def __init__(self, model: type[models.Model], events: list[Event]):
        self.model = model
        self.related: dict[str, dict[Any, models.Model]] = {}
        wanted: dict[str, set] = {}
        for event in events:
            for part in ("before", "after"):
                for key, value in (event.payload.get(part) or {}).items():
                    model_field = self.field(key)
                    if model_field is not None and model_field.is_relation and value is not None:
                        wanted.setdefault(key, set()).add(value)
        for key, ids in wanted.items():
            self.related[key] = self.field(key).related_model._default_manager.in_bulk(ids)

    def field(self, name: str):
        try:
            return self.model._meta.get_field(name)
        except Exception:
            return None

    def label(self, name: str) -> str:
        model_field = self.field(name)
        return str(model_field.verbose_name) if model_field is not None else name

    def display(self, name: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        model_field = self.field(name)
        if model_field is None:
            return value
        if model_field.is_relation:
            related = self.related.get(name, {}).get(value)
            return str(related) if related is not None else f"#{value}"
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        return value


def changes_of(event: Event, resolver: ValueResolver, definitions: dict[str, CustomFieldDefinition]) -> list[Change]:
    before = event.payload.get("before") or {}
    after = event.payload.get("after") or {}
    keys = [key for key in dict.fromkeys([*after, *before]) if key not in HIDDEN_FIELDS]
    changes = []
    for key in keys:
        if key == "custom_fields":
            old, new = before.get(key) or {}, after.get(key) or {}
            for name in dict.fromkeys([*new, *old]):
                if old.get(name) != new.get(name) or not before:
                    label = definitions[name].display_label() if name in definitions else name
                    changes.append(Change(label, old.get(name) if before else None, new.get(name)))
            continue
        changes.append(
            Change(resolver.label(key), resolver.display(key, before.get(key)), resolver.display(key, after.get(key)))
        )
    return [change for change in changes if change.before is not None or change.after is not None]


def timeline_entries(subject: models.Model, limit: int = 200) -> list[Entry]:
    events = list(timeline(subject, limit))
    resolver = ValueResolver(type(subject), events)
    definitions = {d.name: d for d in CustomFieldDefinition.objects.filter(model=subject._meta.label_lower)}
    return [
        Entry(
            event,
            str(event.actor) if event.actor else event.actor_label,
            verb_for(event.type),
            changes_of(event, resolver, definitions),
        )
        for event in events
    ]
