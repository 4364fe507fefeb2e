"""Batch handlers: many deliveries per transaction, in event order, one bad event isolated."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from salesops.core.dispatch import deliver_pending
from salesops.core.events import record_event
from salesops.core.handlers import event_handler, unregister_handler
from salesops.core.models import EventDelivery

SEEN: list[list[str]] = []


def remember(events):
    if any(event.payload.get("data", {}).get("poison") for event in events):
        raise RuntimeError("cannot apply a poisoned event")
    SEEN.append([event.payload["data"]["n"] for event in events])


@pytest.fixture
def batch_handler():
    SEEN.clear()
    event_handler("test.batched", name="test.batch", batch=True, max_attempts=2)(remember)
    yield
    unregister_handler("test.batch")


def record(subject, n, *, poison=False):
    with transaction.atomic():
        return record_event("test.batched", subject, data={"n": n, "poison": poison})


def later():
    return timezone.now() + datetime.timedelta(days=1)


def test_a_batch_handler_gets_its_events_in_order_in_one_call(batch_handler, org):
    for n in ("1", "2", "3"):
        record(org.admin, n)
    deliver_pending()
    assert SEEN == [["1", "2", "3"]]
    assert set(EventDelivery.objects.filter(handler="test.batch").values_list("status", flat=True)) == {"delivered"}


def test_one_bad_event_does_not_hold_up_the_others(batch_handler, org):
    record(org.admin, "1")
    bad = record(org.admin, "2", poison=True)
    record(org.admin, "3")
    deliver_pending()
    assert SEEN == [["1"], ["3"]]  # retried one by one after the batch failed
    poisoned = EventDelivery.objects.get(handler="test.batch", event__uuid=bad.uuid)
    assert poisoned.status == "pending" and "poisoned" in poisoned.last_error
    deliver_pending(now=later())
    poisoned.refresh_from_db()
    assert poisoned.status == "failed"
    assert SEEN == [["1"], ["3"]]
