"""The audit timeline of one object, as people read it: who did what, and each change as label: before → after.

Events store ids and codes (stable for machines); this module turns them into names and labels at display time,
with one query per related model rather than one per value. A timeline may also take in the events of objects
that belong to its subject (a customer's contacts and addresses), each entry saying which object it is about.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.core.events import subject_key
from salesops.core.models import CustomFieldDefinition, Event

# Bookkeeping fields that say nothing to a reader.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "path", "lease_token"}
VERBS = {
    "created": _("created"),
    "updated": _("changed"),
    "deleted": _("deleted"),
    "moved": _("moved"),
    "revoked": _("revoked"),
    "deactivated": _("deactivated"),
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
    about: str = ""  # the related object the event is about ("contact 王芳"); empty for the timeline's subject


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


def timeline_entries(
    subject: models.Model, limit: int = 200, *, related: Mapping[type[models.Model], Iterable[Any]] | None = None
) -> list[Entry]:
    """The newest `limit` events of `subject`, and of the objects `related` names (model -> primary keys, for
    objects that belong to the subject), newest first, as people read them. One query for the events, one for
    the custom field definitions, and one per foreign key model their values name."""
    related = dict(related or {})
    events = list(events_about(subject, related, limit))
    models_by_type = {label_of(model): model for model in [type(subject), *related]}
    resolvers = {
        label: ValueResolver(model, [event for event in events if event.subject_type == label])
        for label, model in models_by_type.items()
    }
    definitions: dict[str, dict[str, CustomFieldDefinition]] = {label: {} for label in models_by_type}
    for definition in CustomFieldDefinition.objects.filter(model__in=list(models_by_type)):
        definitions[definition.model][definition.name] = definition
    own_type = label_of(type(subject))
    return [
        Entry(
            event,
            str(event.actor) if event.actor else event.actor_label,
            verb_for(event.type),
            changes_of(event, resolvers[event.subject_type], definitions[event.subject_type]),
            about=""
            if event.subject_type == own_type
            else f"{models_by_type[event.subject_type]._meta.verbose_name} {event.subject_label}",
        )
        for event in events
    ]


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def events_about(subject: models.Model, related: dict[type[models.Model], Iterable[Any]], limit: int):
    """Events of the subject and of the related objects, newest first, in one query (each part of the condition
    uses the (subject type, subject id) index)."""
    subject_type, subject_id = subject_key(subject)
    condition = Q(subject_type=subject_type, subject_id=subject_id)
    for model, keys in related.items():
        ids = [str(key) for key in keys]
        if ids:
            condition |= Q(subject_type=label_of(model), subject_id__in=ids)
    return Event.objects.filter(condition).select_related("actor").order_by("-id")[:limit]
