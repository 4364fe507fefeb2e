"""The registry of approval subjects: the kinds of documents the engine can route.

An app makes its documents approvable by registering a `SubjectType` in its `approval_subjects.py` (found at
start-up by `apps.py`). The engine never imports the app: everything it needs about a document comes through
these functions, and the app's own rules (what happens to an order once approved) stay in the app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from salesops.core.rules import types as t


@dataclass(frozen=True)
class Summary:
    """What an approver sees of a document without opening it."""

    title: str
    amount: Decimal | None
    url: str
    region_id: int | None
    lines: list[dict] = field(default_factory=list)  # [{"label": ..., "value": ...}] shown in the inbox


@dataclass(frozen=True)
class SubjectType:
    """How the engine reads and answers one kind of document.

    - `schema()`: the rule language's root record for this subject (its fields, lines, customer, submitter);
    - `context(document, submitter, roots)`: the values of that schema for one document (at least the
      top-level names in `roots`, the ones the policy's conditions read);
    - `fingerprint(document)`: a digest of what an approval is about (amounts, lines, discounts); an approval
      only stands while the document's fingerprint is unchanged;
    - `summary(document)`; `lock(pk)`: the document, locked for update;
    - `on_approved`, `on_rejected(document, request, actor, comment)`, `on_returned` (sent back to the
      submitter or withdrawn: the document goes back to its editable state): called inside the engine's
      transaction, after the request changed;
    - `history(start, end)`: the documents submitted in [start, end), oldest first, as `Past` records with the
      context `context()` gives for the same document (built in bulk: simulation replays many thousands);
    - `default_policy`: the rules a subject type starts with (installed as active version 1 the first time a
      document of the type is routed, if no policy exists).
    """

    key: str
    label: Any
    model: type[models.Model]
    schema: Callable[[], t.Record]
    context: Callable[[Any, Any, frozenset[str]], dict]
    fingerprint: Callable[[Any], str]
    summary: Callable[[Any], Summary]
    lock: Callable[[int], Any]
    on_approved: Callable[..., Any]
    on_rejected: Callable[..., Any]
    on_returned: Callable[..., Any]
    history: Callable[[Any, Any], Iterable["Past"]]
    default_policy: dict | None = None  # installed as version 1 the first time the subject type is routed
    default_policy_name: Any = ""


@dataclass(frozen=True)
class Past:
    """A document submitted in the past, as simulation replays it."""

    document_id: int
    submitted_at: Any
    submitter: Any
    region_id: int | None
    context: dict


_subjects: dict[str, SubjectType] = {}


def register_subject(subject: SubjectType) -> SubjectType:
    _subjects[subject.key] = subject
    return subject


def subject_type(key: str) -> SubjectType:
    try:
        return _subjects[key]
    except KeyError:
        raise LookupError(f"No approval subject type {key!r} is registered.") from None


def subject_types() -> dict[str, SubjectType]:
    return dict(_subjects)


def key_for(document: models.Model) -> str:
    for key, subject in _subjects.items():
        if isinstance(document, subject.model):
            return key
    raise LookupError(f"{type(document).__name__} is not an approval subject.")
