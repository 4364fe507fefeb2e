"""The registry of process stages: the steps a document passes through, measured from the event log.

A stage is entered by one of its `enter` events and left by one of its `leave` events on the same subject (an
order, a quote, a contract...). Apps register their stages in their own `reporting_stages.py` (found at start-up
by apps.py), together with how to read the dimensions of their documents (`register_dimensions`): the reporting
app never imports them. A stage's target time is a default here that an administrator may override
(`StageTarget`); a document that took longer than the target is "delayed".
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Dimensions:
    """Where a document sits, for slicing: region, office, salesperson, customer group, product lines (a document
    with lines of several product lines counts under each of them)."""

    region_id: int | None = None
    office_id: int | None = None
    salesperson_id: int | None = None
    customer_group_id: int | None = None
    product_line_ids: tuple[int, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Stage:
    key: str
    label: Any
    subject_type: str  # an Event.subject_type, e.g. "orders.salesorder"
    enter: frozenset[str]
    leave: frozenset[str]
    target_hours: int
    order: int = 100  # position on the dashboard
    document_url: Callable[[int], str] | None = None


@dataclass(frozen=True)
class SubjectDimensions:
    subject_type: str
    read: Callable[[Iterable[int]], dict[int, Dimensions]]  # in bulk: one or two queries for a batch


_stages: dict[str, Stage] = {}
_dimensions: dict[str, SubjectDimensions] = {}


def register_stage(
    key: str,
    label,
    *,
    subject_type: str,
    enter: Iterable[str],
    leave: Iterable[str],
    target_hours: int,
    order: int = 100,
    document_url: Callable[[int], str] | None = None,
) -> Stage:
    stage = Stage(key, label, subject_type, frozenset(enter), frozenset(leave), target_hours, order, document_url)
    if stage.enter & stage.leave:
        raise ValueError(f"Stage {key}: an event cannot both enter and leave it ({sorted(stage.enter & stage.leave)}).")
    _stages[key] = stage
    return stage


def unregister_stage(key: str) -> None:
    _stages.pop(key, None)


def register_dimensions(subject_type: str, read: Callable[[Iterable[int]], dict[int, Dimensions]]) -> None:
    _dimensions[subject_type] = SubjectDimensions(subject_type, read)


def stages() -> list[Stage]:
    return sorted(_stages.values(), key=lambda stage: (stage.order, stage.key))


def stage(key: str) -> Stage:
    try:
        return _stages[key]
    except KeyError:
        raise LookupError(f"No stage {key!r} is registered.") from None


def dimensions_reader(subject_type: str) -> Callable[[Iterable[int]], dict[int, Dimensions]]:
    try:
        return _dimensions[subject_type].read
    except KeyError:
        raise LookupError(f"No dimensions are registered for {subject_type!r}.") from None


def event_types() -> set[str]:
    return {name for stage in _stages.values() for name in stage.enter | stage.leave}


@dataclass
class Moves:
    """What one event does to the stages of its subject."""

    entered: list[Stage] = field(default_factory=list)
    left: list[Stage] = field(default_factory=list)

    @property
    def touches(self) -> bool:
        return bool(self.entered or self.left)


def moves(event_type: str, subject_type: str) -> Moves:
    result = Moves()
    for item in _stages.values():
        if item.subject_type != subject_type:
            continue
        if event_type in item.enter:
            result.entered.append(item)
        elif event_type in item.leave:
            result.left.append(item)
    return result


def target(stage_key: str, overrides: dict[str, int]) -> datetime.timedelta:
    return datetime.timedelta(hours=overrides.get(stage_key, stage(stage_key).target_hours))
