"""Deliver outbox events to their handlers: at most one dispatcher per delivery at a time, retried with backoff.

Guarantees:
- A delivery is claimed by a conditional update that sets a lease (`locked_until`); competing dispatchers skip it.
- A dispatcher that dies mid-delivery leaves the lease to expire; the delivery is then claimed again. For
  transactional handlers the handler's writes and the "delivered" mark commit together, so a redelivery never
  applies them twice.
- A failing handler is retried with exponential backoff and never blocks other deliveries; after its
  `max_attempts` it is marked failed for an administrator to inspect and retry from the admin.
- Batch handlers (rollups) take their pending deliveries oldest event first, many per transaction, under a
  per-handler lock row (`ConsumerLock`): one consumer at a time, so the events of a document are applied in the
  order they happened. Their writes and the "delivered" marks commit together. A batch that fails is retried
  one delivery at a time, so one bad event is isolated (retried, then failed) and the rest go on.
"""

import logging
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connections, router, transaction
from django.db.models import F, Q
from django.tasks import TaskResult, TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from salesops.core.handlers import Handler, batch_handlers, get_handler
from salesops.core.models import ConsumerLock, EventDelivery

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 3600
BATCH_SIZE = 2000
BATCH_TIME_BUDGET_SECONDS = 20.0


class LeaseLost(Exception):
    """Another dispatcher took the delivery over after our lease expired; our work is rolled back."""


@dataclass
class DispatchReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def due_filter(now: datetime) -> Q:
    return Q(status=EventDelivery.Status.PENDING, next_attempt_at__lte=now) & (
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    )


def backoff_delay(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... capped at an hour, with up to 10 % jitter so retries of a burst spread out."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    return timedelta(seconds=seconds * (1 + random.random() / 10))


def deliver_pending(*, limit: int = 500, now: datetime | None = None) -> DispatchReport:
    """Deliver every due delivery (oldest event first), up to `limit`."""
    report = DispatchReport()
    now = now or timezone.now()
    deliver_batches(report, now=now)
    due_ids = list(
        EventDelivery.objects.filter(due_filter(now))
        .exclude(handler__in=[handler.name for handler in batch_handlers()])
        .order_by("event_id", "id")
        .values_list("id", flat=True)[:limit]
    )
    for delivery_id in due_ids:
        outcome = deliver_one(delivery_id, now=now)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def claim(delivery_id: int, now: datetime) -> str | None:
    """Take the lease on a due delivery; return the lease token, or None if someone else has it.

    `now` decides what is due (a test may move it forward); the lease itself runs from the real clock too, so
    a long batch never hands out leases that have already expired.
    """
    token = uuid.uuid4().hex
    with transaction.atomic():
        claimed = EventDelivery.objects.filter(due_filter(now), pk=delivery_id).update(
            locked_until=max(now, timezone.now()) + LEASE, lease_token=token, attempts=F("attempts") + 1
        )
    return token if claimed else None


def mark_delivered(delivery: EventDelivery, lease_token: str) -> None:
    updated = EventDelivery.objects.filter(pk=delivery.pk, lease_token=lease_token).update(
        status=EventDelivery.Status.DELIVERED, delivered_at=timezone.now(), locked_until=None, last_error=""
    )
    if not updated:
        raise LeaseLost(f"delivery {delivery.pk} was taken over by another dispatcher")


def deliver_one(delivery_id: int, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    lease_token = claim(delivery_id, now)
    if lease_token is None:
        return "skipped"
    delivery = EventDelivery.objects.select_related("event").get(pk=delivery_id)
    handler = get_handler(delivery.handler)
    if handler is None:
        record_failure(delivery, lease_token, f"no handler named {delivery.handler} is registered", final=True)
        return "failed"
    if delivery.attempts > handler.max_attempts:
        # Earlier attempts died with their process (no exception was ever recorded): stop retrying.
        record_failure(delivery, lease_token, "gave up: the handler's process died on every attempt", final=True)
        return "failed"
    try:
        if handler.transactional:
            with transaction.atomic():
                if handler.batch and not take_lock(handler):
                    raise LeaseLost(f"{handler.name} is being consumed by another dispatcher")
                handler.call(delivery.event)
                mark_delivered(delivery, lease_token)
        else:
            handler.call(delivery.event)
            mark_delivered(delivery, lease_token)
    except LeaseLost:
        logger.warning("lost the lease on delivery %s", delivery_id)
        return "skipped"
    except Exception as exc:
        logger.exception("handler %s failed on event %s", handler.name, delivery.event.uuid)
        final = delivery.attempts >= handler.max_attempts
        record_failure(delivery, lease_token, f"{type(exc).__name__}: {exc}", final=final)
        return "failed" if final else "retried"
    return "delivered"


def take_lock(handler: Handler) -> bool:
    """Lock the handler's consumer row for the current transaction; False when another consumer holds it.
    (On SQLite the immediate transaction already holds the database's write lock: the row lock is a no-op.)"""
    ConsumerLock.objects.get_or_create(name=handler.name)
    return ConsumerLock.objects.select_for_update(skip_locked=True).filter(name=handler.name).exists()


def deliver_batches(report: DispatchReport, *, now: datetime, budget: float = BATCH_TIME_BUDGET_SECONDS) -> None:
    """Drain the pending deliveries of every batch handler, BATCH_SIZE per transaction, for up to `budget`
    seconds per handler (what is left waits for the next run, which the last batch enqueues)."""
    for handler in batch_handlers():
        started = time.monotonic()
        while time.monotonic() - started < budget:
            outcome = deliver_batch(handler, now=now)
            if outcome is None:
                break
            delivered, failed_ids = outcome
            report.delivered += delivered
            for delivery_id in failed_ids:
                result = deliver_one(delivery_id, now=now)
                setattr(report, result, getattr(report, result) + 1)
        else:
            transaction.on_commit(wake_dispatcher)


def deliver_batch(handler: Handler, *, now: datetime) -> tuple[int, list[int]] | None:
    """One batch: (how many were delivered, ids to retry one by one), or None when nothing is due or another
    consumer holds the handler's lock."""
    with transaction.atomic():
        if not take_lock(handler):
            return None
        deliveries = list(
            EventDelivery.objects.filter(due_filter(now), handler=handler.name)
            .select_related("event")
            .order_by("event_id")[:BATCH_SIZE]
        )
        if not deliveries:
            return None
        ids = [delivery.pk for delivery in deliveries]
        try:
            with transaction.atomic():
                handler.function([delivery.event for delivery in deliveries])
        except Exception:
            logger.exception("batch handler %s failed; retrying its %s deliveries one by one", handler.name, len(ids))
            return 0, ids
        EventDelivery.objects.filter(pk__in=ids).update(
            status=EventDelivery.Status.DELIVERED, delivered_at=timezone.now(), attempts=F("attempts") + 1
        )
        return len(ids), []


def record_failure(delivery: EventDelivery, lease_token: str, error: str, *, final: bool) -> None:
    changes = {"locked_until": None, "last_error": error[:4000]}
    if final:
        changes["status"] = EventDelivery.Status.FAILED
    else:
        changes["next_attempt_at"] = timezone.now() + backoff_delay(delivery.attempts)
    EventDelivery.objects.filter(pk=delivery.pk, lease_token=lease_token).update(**changes)


def retry_failed(deliveries) -> int:
    """Put failed deliveries back in the queue (admin action); they get a fresh set of attempts."""
    return deliveries.filter(status=EventDelivery.Status.FAILED).update(
        status=EventDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_until=None
    )


@task()
def dispatch_events() -> dict:
    """Background task: deliver what is due. Enqueued after every commit that records events, and every minute."""
    report = deliver_pending()
    return {"delivered": report.delivered, "retried": report.retried, "failed": report.failed}


class _Waiting(threading.local):
    """The dispatcher run this thread enqueued last (see `wake_dispatcher`)."""

    result: TaskResult | None = None


_waiting = _Waiting()


def wake_dispatcher() -> None:
    """Make sure a dispatcher run starts after this moment, to deliver what was just committed: the run this
    thread enqueued last when it has not started yet (a run that starts later reads everything committed before
    it), otherwise a new one. On the order path that is one read by primary key per transaction instead of a
    task row inserted and committed each time (decision 0008). Anything a lost wake-up leaves behind is swept up
    by the every-minute `core.dispatch_sweep`."""
    if _waiting.result is not None and not_started(_waiting.result):
        return
    _waiting.result = dispatch_events.enqueue()


def not_started(result: TaskResult) -> bool:
    """Whether a queued task is still waiting to start. Where the queue is the database (django-tasks-db), one
    hand-written read of its status: `TaskResult.refresh()` builds the whole result and cost more than enqueueing
    a new run. Other queues: False (a new run is enqueued)."""
    if not isinstance(result.task.get_backend(), DatabaseBackend):
        return False
    db = connections[router.db_for_read(DBTaskResult)]
    table = db.ops.quote_name(DBTaskResult._meta.db_table)
    key = DBTaskResult._meta.pk.get_db_prep_value(result.id, db)
    with db.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s AND status = %s", [key, TaskResultStatus.READY])
        return cursor.fetchone() is not None
