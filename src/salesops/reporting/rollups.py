"""Apply events to stage visits and their per-day rollups: the dispatcher's batch handler of the stage events.

Guarantees (with core.dispatch's batch delivery): each event is applied exactly once, in the order events were
recorded, by one consumer at a time; a visit opens on the first entering event (a second one while the document
is still in the stage changes nothing) and closes on the first leaving event (one without an open visit, e.g.
from before reporting was installed, is ignored). Increments for a batch are summed in memory and written with
one read and one bulk write per table.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from salesops.core import dispatch, handlers
from salesops.core.bulk import BulkWriter
from salesops.core.models import Event, EventDelivery
from salesops.core.timezones import company_zone
from salesops.reporting import sketch
from salesops.reporting.models import StageDay, StageMonth, StageNow, StageTarget, StageVisit
from salesops.reporting.models.rollups import StageTotals
from salesops.reporting.stages import Dimensions, dimensions_reader, event_types, moves

HANDLER_NAME = "reporting.rollups"
Key = tuple[str, datetime.date, int, int, str, int]  # stage, day, region, office, dimension, value

# Called after every applied batch with the (stage, day) pairs it touched, in the same transaction (alerts).
_after_apply: list[Callable[[set[tuple[str, datetime.date]]], None]] = []


def after_apply(function: Callable[[set[tuple[str, datetime.date]]], None]):
    _after_apply.append(function)
    return function


@dataclass
class Delta:
    arrivals: int = 0
    completions: int = 0
    delayed: int = 0
    duration_seconds: int = 0
    histogram: dict[str, int] = field(default_factory=dict)


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(company_zone()).date()


def encode_lines(ids: Iterable[int]) -> str:
    ids = sorted(set(ids))
    return f",{','.join(map(str, ids))}," if ids else ""


def decode_lines(text: str) -> list[int]:
    return [int(part) for part in text.strip(",").split(",") if part]


def keys_for(visit: StageVisit, day: datetime.date) -> list[Key]:
    """The rows a visit counts in: each dimension value at the office level, and the totals, product lines and
    customer groups again at the region level (office 0) so company and region views read few rows."""
    keys: list[Key] = []
    extra = [(StageDay.Dimension.ALL, 0)]
    if visit.customer_group_id:
        extra.append((StageDay.Dimension.CUSTOMER_GROUP, visit.customer_group_id))
    extra.extend((StageDay.Dimension.PRODUCT_LINE, line) for line in decode_lines(visit.product_lines))
    for office_id in {visit.office_id, 0}:
        keys.extend((visit.stage, day, visit.region_id, office_id, dimension, value) for dimension, value in extra)
    if visit.salesperson_id:
        keys.append(
            (visit.stage, day, visit.region_id, visit.office_id, StageDay.Dimension.SALESPERSON, visit.salesperson_id)
        )
    return keys


def new_visit(stage_key: str, event: Event, dimensions: Dimensions) -> StageVisit:
    return StageVisit(
        stage=stage_key,
        subject_type=event.subject_type,
        subject_id=int(event.subject_id),
        label=dimensions.label or event.subject_label,
        entered_at=event.occurred_at,
        enter_day=local_day(event.occurred_at),
        region_id=dimensions.region_id or 0,
        office_id=dimensions.office_id or 0,
        salesperson_id=dimensions.salesperson_id or 0,
        customer_group_id=dimensions.customer_group_id or 0,
        product_lines=encode_lines(dimensions.product_line_ids),
    )


def read_dimensions(events: list[Event]) -> dict[tuple[str, int], Dimensions]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if moves(event.type, event.subject_type).entered:
            wanted[event.subject_type].add(int(event.subject_id))
    found: dict[tuple[str, int], Dimensions] = {}
    for subject_type, ids in wanted.items():
        for subject_id, dimensions in dimensions_reader(subject_type)(ids).items():
            found[subject_type, subject_id] = dimensions
    return found


def apply_events(events: list[Event], *, evaluate: bool = True) -> set[tuple[str, datetime.date]]:
    """Apply a batch (oldest first); returns the (stage, day) pairs whose rollups changed. `evaluate`: run the
    after-apply hooks (alert rules) on them."""
    events = [event for event in events if moves(event.type, event.subject_type).touches]
    if not events:
        return set()
    dimensions = read_dimensions(events)
    subjects = {(event.subject_type, int(event.subject_id)) for event in events}
    open_visits: dict[tuple[str, str, int], StageVisit] = {}
    for subject_type in {subject_type for subject_type, _ in subjects}:
        ids = [subject_id for kind, subject_id in subjects if kind == subject_type]
        for visit in StageVisit.objects.filter(subject_type=subject_type, subject_id__in=ids, left_at__isnull=True):
            open_visits[visit.stage, visit.subject_type, visit.subject_id] = visit
    targets = dict(StageTarget.objects.values_list("stage", "target_hours"))
    created: list[StageVisit] = []
    closed: list[StageVisit] = []
    deltas: dict[Key, Delta] = defaultdict(Delta)
    for event in events:
        subject = (event.subject_type, int(event.subject_id))
        found = moves(event.type, event.subject_type)
        for item in found.left:
            visit = open_visits.pop((item.key, *subject), None)
            if visit is None:
                continue
            close(visit, event, datetime.timedelta(hours=targets.get(item.key, item.target_hours)))
            if visit.pk:
                closed.append(visit)
            for key in keys_for(visit, visit.leave_day):
                delta = deltas[key]
                delta.completions += 1
                delta.delayed += int(visit.is_delayed)
                delta.duration_seconds += visit.duration_seconds
                sketch.add(delta.histogram, visit.duration_seconds)
        for item in found.entered:
            if (item.key, *subject) in open_visits:
                continue
            visit = new_visit(item.key, event, dimensions.get(subject, Dimensions()))
            open_visits[item.key, *subject] = visit
            created.append(visit)
            for key in keys_for(visit, visit.enter_day):
                deltas[key].arrivals += 1
    writer = BulkWriter(connection)
    for visit in created:
        writer.add(StageVisit, visit_row(visit, writer))
    writer.flush()
    writer.update(
        StageVisit,
        ["left_at", "leave_day", "leave_event", "duration_seconds", "is_delayed"],
        (
            (writer.moment(v.left_at), writer.day(v.leave_day), v.leave_event, v.duration_seconds, v.is_delayed, v.pk)
            for v in closed
        ),
    )
    write_deltas(StageDay, deltas, writer)
    write_deltas(StageMonth, by_month(deltas), writer)
    write_now(deltas, writer)
    touched = {(key[0], key[1]) for key in deltas}
    if evaluate:
        for function in _after_apply:
            function(touched)
    return touched


def visit_row(visit: StageVisit, writer: BulkWriter) -> dict:
    """A new visit as the columns the bulk writer inserts (the closing fields set when it closed in the same
    batch)."""
    closed = visit.left_at is not None
    return {
        "stage": visit.stage,
        "subject_type": visit.subject_type,
        "subject_id": visit.subject_id,
        "label": visit.label[:255],
        "entered_at": writer.moment(visit.entered_at),
        "enter_day": writer.day(visit.enter_day),
        "left_at": writer.moment(visit.left_at) if closed else None,
        "leave_day": writer.day(visit.leave_day) if closed else None,
        "leave_event": visit.leave_event,
        "duration_seconds": visit.duration_seconds if closed else None,
        "is_delayed": visit.is_delayed,
        "region_id": visit.region_id,
        "office_id": visit.office_id,
        "salesperson_id": visit.salesperson_id,
        "customer_group_id": visit.customer_group_id,
        "product_lines": visit.product_lines,
    }


def close(visit: StageVisit, event: Event, target: datetime.timedelta) -> None:
    visit.left_at = event.occurred_at
    visit.leave_day = local_day(event.occurred_at)
    visit.leave_event = event.type
    elapsed = max(event.occurred_at - visit.entered_at, datetime.timedelta(0))
    visit.duration_seconds = int(elapsed.total_seconds())
    visit.is_delayed = elapsed > target


def by_month(deltas: dict[Key, Delta]) -> dict[Key, Delta]:
    """The day deltas summed per calendar month (keyed by the month's first day)."""
    months: dict[Key, Delta] = defaultdict(Delta)
    for (stage_key, day, *rest), delta in deltas.items():
        total = months[(stage_key, day.replace(day=1), *rest)]
        total.arrivals += delta.arrivals
        total.completions += delta.completions
        total.delayed += delta.delayed
        total.duration_seconds += delta.duration_seconds
        for bucket, count in delta.histogram.items():
            total.histogram[bucket] = total.histogram.get(bucket, 0) + count
    return months


def write_deltas(model: type[StageTotals], deltas: dict[Key, Delta], writer: BulkWriter) -> None:
    """Add the deltas to their day or month rows: read the existing rows of the batch's (stage, period) pairs
    once, update those, create the rest. Only one consumer runs at a time (the dispatcher's lock), so
    read-then-write is safe here."""
    pairs = {(key[0], key[1]) for key in deltas}
    existing: dict[Key, StageTotals] = {}
    for stage_key in {stage_key for stage_key, _ in pairs}:
        days = [day for key, day in pairs if key == stage_key]
        for row in model.objects.filter(stage=stage_key, day__in=days):
            existing[row.stage, row.day, row.region_id, row.office_id, row.dimension, row.value] = row
    to_update = []
    for key, delta in deltas.items():
        row = existing.get(key)
        histogram = dict(row.histogram) if row is not None else {}
        for bucket, count in delta.histogram.items():
            histogram[bucket] = histogram.get(bucket, 0) + count
        if row is None:
            stage_key, day, region_id, office_id, dimension, value = key
            writer.add(
                model,
                {
                    "stage": stage_key,
                    "day": writer.day(day),
                    "region_id": region_id,
                    "office_id": office_id,
                    "dimension": dimension,
                    "value": value,
                    "arrivals": delta.arrivals,
                    "completions": delta.completions,
                    "delayed": delta.delayed,
                    "duration_seconds": delta.duration_seconds,
                    "histogram": BulkWriter.json(histogram),
                },
            )
            continue
        to_update.append(
            (
                row.arrivals + delta.arrivals,
                row.completions + delta.completions,
                row.delayed + delta.delayed,
                row.duration_seconds + delta.duration_seconds,
                BulkWriter.json(histogram),
                row.pk,
            )
        )
    writer.flush()
    writer.update(model, ["arrivals", "completions", "delayed", "duration_seconds", "histogram"], to_update)


def write_now(deltas: dict[Key, Delta], writer: BulkWriter) -> None:
    """Documents in stage now: arrivals minus completions, per key without the day."""
    changes: dict[tuple, int] = defaultdict(int)
    for (stage_key, _day, *rest), delta in deltas.items():
        changes[(stage_key, *rest)] += delta.arrivals - delta.completions
    existing = {
        (row.stage, row.region_id, row.office_id, row.dimension, row.value): row
        for row in StageNow.objects.filter(stage__in={key[0] for key in changes}).filter(
            value__in={key[4] for key in changes}
        )
    }
    to_update = []
    for key, change in changes.items():
        row = existing.get(key)
        if row is None:
            stage_key, region_id, office_id, dimension, value = key
            writer.add(
                StageNow,
                {
                    "stage": stage_key,
                    "region_id": region_id,
                    "office_id": office_id,
                    "dimension": dimension,
                    "value": value,
                    "count": change,
                },
            )
        elif change:
            to_update.append((row.count + change, row.pk))
    writer.flush()
    writer.update(StageNow, ["count"], to_update)


def install() -> None:
    """Register the rollup handler for the event types of the stages registered now (again after a stage is
    registered later, e.g. by a test)."""
    handlers.unregister_handler(HANDLER_NAME)
    handlers.event_handler(*sorted(event_types()), name=HANDLER_NAME, batch=True)(apply_events)


def rebuild(*, chunk: int = 5000, say: Callable[[str], object] | None = None) -> int:
    """Recompute every visit and rollup from the event log, in one transaction under the consumer's lock: after
    installing reporting on a database with history, or after a stage's definition changed. Pending deliveries to
    the rollup handler are covered by the replay and marked delivered. Returns the number of events replayed."""
    handler = handlers.get_handler(HANDLER_NAME)
    replayed, last = 0, 0
    types = sorted(event_types())
    with transaction.atomic():
        if handler is None or not dispatch.take_lock(handler):
            raise RuntimeError("The rollup handler is busy or not installed; try again.")
        for model in (StageVisit, StageDay, StageMonth, StageNow):
            model.objects.all().delete()
        EventDelivery.objects.filter(handler=HANDLER_NAME, status=EventDelivery.Status.PENDING).update(
            status=EventDelivery.Status.DELIVERED, delivered_at=timezone.now()
        )
        while True:
            events = list(Event.objects.filter(pk__gt=last, type__in=types).order_by("pk")[:chunk])
            if not events:
                break
            apply_events(events, evaluate=False)
            replayed += len(events)
            last = events[-1].pk
            if say is not None:
                say(f"{replayed} events replayed")
    return replayed
