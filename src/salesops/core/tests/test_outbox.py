"""The outbox: events commit with their change, and the dispatcher delivers each exactly once per handler."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from salesops.core.dispatch import LEASE, deliver_pending, dispatch_events, retry_failed, wake_dispatcher
from salesops.core.events import record_event
from salesops.core.models import Event, EventDelivery
from salesops.customers.actions import create_customer
from salesops.testing import handlers
from salesops.testing.org import credit_code
from salesops.testing.subprocess import run_python


@pytest.fixture
def test_handlers():
    handlers.register()
    yield handlers
    handlers.unregister()


@pytest.fixture
def failing_handlers():
    handlers.register(failing=True)
    yield handlers
    handlers.unregister()


def new_customer(org, name="Outbox Co"):
    return create_customer(
        actor=org.admin, name=name, credit_code=credit_code(), office=org.a.office, owner=org.a.users["sales_rep"]
    )


def applied_count(customer) -> int:
    return Event.objects.filter(type="test.applied", subject_id=str(customer.pk)).count()


def test_event_and_deliveries_commit_with_the_change(org, test_handlers):
    customer = new_customer(org)

    event = Event.objects.get(type="customer.created", subject_id=str(customer.pk))
    assert event.payload["after"]["name"] == "Outbox Co"
    assert event.actor == org.admin
    assert event.deliveries.get(handler=handlers.APPLY).status == "pending"


def test_no_event_when_the_transaction_rolls_back(org, test_handlers):
    events_before = Event.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        new_customer(org, "Rolled Back Co")
        raise RuntimeError("the caller fails after the action")

    assert Event.objects.count() == events_before
    assert not EventDelivery.objects.filter(event__subject_label="Rolled Back Co").exists()


def test_record_event_refuses_to_run_outside_a_transaction(transactional_db):
    from salesops.testing.org import build_org

    customer = build_org().a.customer
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event("customer.touched", customer)


def test_dispatcher_delivers_once(org, test_handlers):
    customer = new_customer(org)

    deliver_pending()
    second = deliver_pending(now=timezone.now() + timedelta(days=1))

    assert second.delivered == 0
    assert applied_count(customer) == 1
    delivery = EventDelivery.objects.get(handler=handlers.APPLY)
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_failing_handler_backs_off_and_does_not_block_others(org, failing_handlers):
    customer = new_customer(org)

    report = deliver_pending()

    failing = EventDelivery.objects.get(handler=handlers.FAIL)
    assert report.retried == 1
    assert applied_count(customer) == 1
    assert failing.status == "pending"
    assert failing.attempts == 1
    assert "downstream is down" in failing.last_error
    assert failing.next_attempt_at >= timezone.now() + timedelta(seconds=9)

    assert EventDelivery.objects.get(handler=handlers.APPLY).status == "delivered"

    # Not retried before its backoff has passed
    assert deliver_pending().retried == 0
    assert EventDelivery.objects.get(pk=failing.pk).attempts == 1

    # Retried after it, with a longer wait each time, until max_attempts marks it failed
    deliver_pending(now=timezone.now() + timedelta(seconds=12))
    second = EventDelivery.objects.get(pk=failing.pk)
    assert second.attempts == 2
    assert second.next_attempt_at - timezone.now() >= timedelta(seconds=18)
    deliver_pending(now=timezone.now() + timedelta(hours=1))
    final = EventDelivery.objects.get(pk=failing.pk)
    assert (final.status, final.attempts) == ("failed", 3)

    # An administrator can put it back in the queue
    assert retry_failed(EventDelivery.objects.all()) == 1  # only the failed one
    assert EventDelivery.objects.get(pk=failing.pk).status == "pending"


def test_a_delivery_under_lease_is_not_taken_twice(org, test_handlers):
    new_customer(org)
    delivery = EventDelivery.objects.get(handler=handlers.APPLY)
    EventDelivery.objects.filter(pk=delivery.pk).update(locked_until=timezone.now() + LEASE)

    deliver_pending()
    assert EventDelivery.objects.get(pk=delivery.pk).status == "pending"


@pytest.mark.django_db(transaction=True)
def test_dispatcher_killed_mid_delivery_redelivers_on_restart_without_double_apply(request):
    from salesops.testing.org import build_org

    org = build_org()
    handlers.register()
    request.addfinalizer(handlers.unregister)
    customer = new_customer(org)

    # A dispatcher process dies inside the handler, after the handler wrote its effect but before commit
    crashed = run_python(
        """
        from salesops.testing import handlers
        handlers.register()
        from salesops.core.dispatch import deliver_pending
        deliver_pending()
        """,
        env={"SALESOPS_TEST_DIE_IN_HANDLER": "1"},
    )
    assert crashed.returncode == 17, crashed.stderr
    delivery = EventDelivery.objects.get(handler=handlers.APPLY)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert applied_count(customer) == 0

    # A restarted dispatcher waits out the dead one's lease, then delivers exactly once
    deliver_pending()
    assert EventDelivery.objects.get(pk=delivery.pk).status == "pending"  # still under the dead one's lease
    restarted = run_python(
        f"""
        from datetime import timedelta
        from django.utils import timezone
        from salesops.testing import handlers
        handlers.register()
        from salesops.core.dispatch import deliver_pending
        deliver_pending(now=timezone.now() + timedelta(seconds={LEASE.total_seconds() + 1}))
        """
    )
    assert restarted.returncode == 0, restarted.stderr
    assert applied_count(customer) == 1
    assert EventDelivery.objects.get(pk=delivery.pk).status == "delivered"


def dispatcher_runs(status=None):
    runs = DBTaskResult.objects.filter(task_path=dispatch_events.module_path)
    return runs.filter(status=status) if status else runs


def test_commits_share_a_dispatcher_run_that_has_not_started_and_wake_a_new_one_once_it_has(db):
    for _commit in range(3):
        wake_dispatcher()
    assert dispatcher_runs().count() == 1  # the first commit's run, still waiting, serves the others

    dispatcher_runs().update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    wake_dispatcher()
    assert dispatcher_runs(TaskResultStatus.READY).count() == 1  # a run that started may have read too early

    dispatcher_runs().delete()  # purged: a new one is enqueued
    wake_dispatcher()
    assert dispatcher_runs(TaskResultStatus.READY).count() == 1
