"""`events.atomic()`: an action's events written with one INSERT at its end, none of a savepoint rolled back, and
no savepoint directly inside an all-or-nothing transaction (an idempotent request)."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from salesops.core import events
from salesops.core.events import record_event
from salesops.core.models import Event, EventDelivery
from salesops.testing import handlers


def types(customer) -> list[str]:
    """The test events recorded about the customer, in the order written."""
    written = Event.objects.filter(subject_id=str(customer.pk), type__startswith="test.").order_by("id")
    return list(written.values_list("type", flat=True))


def markers() -> list:
    return [f for _ids, f, _robust in connection.run_on_commit if getattr(f, "func", None) is events._alive]


def statements(captured, prefix: str) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if query["sql"].upper().startswith(prefix)]


def test_the_events_of_a_block_are_written_in_order_with_one_insert_at_its_end(org):
    customer = org.a.customer

    with CaptureQueriesContext(connection) as captured, events.atomic():
        first = record_event("test.first", customer, actor=org.admin, data={"n": 1})
        record_event("test.second", customer, actor=org.admin)
        assert first.pk is None and types(customer) == []  # not written yet
        record_event("test.third", customer)

    assert types(customer) == ["test.first", "test.second", "test.third"]
    assert len(statements(captured, 'INSERT INTO "CORE_EVENT"')) == 1
    stored = Event.objects.get(pk=first.pk)
    assert (stored.actor, stored.payload, stored.subject_label) == (org.admin, {"data": {"n": 1}}, str(customer))


def test_events_of_a_savepoint_rolled_back_inside_the_block_are_not_written(org):
    customer = org.a.customer

    with events.atomic():
        record_event("test.kept", customer)
        # The caller recovers from a failed step, as reserve_for does.
        with pytest.raises(RuntimeError), transaction.atomic():
            record_event("test.undone", customer)
            raise RuntimeError("the step fails after recording")
        with transaction.atomic():  # a savepoint released: its event stays
            record_event("test.released", customer)

    assert types(customer) == ["test.kept", "test.released"]
    assert markers() == []  # the on-commit markers of collected events are gone once they are written


def test_a_block_that_raises_writes_no_event(org):
    customer = org.a.customer

    with pytest.raises(RuntimeError), events.atomic():
        record_event("test.lost", customer)
        raise RuntimeError("the action fails")

    assert types(customer) == []


def test_a_nested_block_adds_its_events_to_the_outer_one(org):
    customer = org.a.customer

    with CaptureQueriesContext(connection) as captured, events.atomic():
        record_event("test.outer", customer)
        with events.atomic():
            record_event("test.inner", customer)
        assert types(customer) == []

    assert types(customer) == ["test.outer", "test.inner"]
    assert len(statements(captured, 'INSERT INTO "CORE_EVENT"')) == 1


def test_a_collected_event_gets_its_deliveries_and_the_dispatcher_once(org):
    handlers.register()
    try:
        with events.atomic():
            record_event("customer.created", org.a.customer)
            record_event("customer.created", org.b.customer)
            assert not EventDelivery.objects.filter(handler=handlers.APPLY).exists()
        deliveries = EventDelivery.objects.filter(handler=handlers.APPLY, event__type="customer.created")
        assert sorted(deliveries.values_list("event__subject_id", flat=True)) == sorted(
            [str(org.a.customer.pk), str(org.b.customer.pk)]
        )
    finally:
        handlers.unregister()
    wake = events.wake_dispatcher
    assert [f for _ids, f, _robust in connection.run_on_commit if f == wake] == [wake]


def test_record_event_outside_a_block_writes_at_once(org):
    with transaction.atomic():
        event = record_event("test.now", org.a.customer)
        assert Event.objects.filter(pk=event.pk, type="test.now").exists()


def test_directly_inside_an_all_or_nothing_transaction_the_block_takes_no_savepoint(org):
    with transaction.atomic(), events.all_or_nothing(), CaptureQueriesContext(connection) as captured:  # noqa: SIM117
        with events.atomic():  # directly inside: no savepoint
            record_event("test.direct", org.a.customer)
            with events.atomic():  # one level down: a savepoint, as anywhere else
                record_event("test.nested", org.a.customer)

    assert len(statements(captured, "SAVEPOINT")) == 1
    assert types(org.a.customer) == ["test.direct", "test.nested"]


def test_inside_an_all_or_nothing_transaction_an_escaped_error_stops_the_transaction(org):
    with pytest.raises(RuntimeError), transaction.atomic(), events.all_or_nothing():
        with pytest.raises(ValueError), events.atomic():
            record_event("test.refused", org.a.customer)
            raise ValueError("refused")
        # Breaking the promise (going on after an action's error) is refused, not silently half-committed.
        with pytest.raises(TransactionManagementError):
            Event.objects.count()
        raise RuntimeError("the request fails")

    assert types(org.a.customer) == []


def test_all_or_nothing_needs_a_transaction():
    with pytest.raises(RuntimeError), events.all_or_nothing():
        pass
