"""The order state machine: exactly the declared transitions are allowed, each records one event."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from salesops.core.models import Event
from salesops.orders.models import TRANSITIONS, OrderStatus, SalesOrder, transition
from salesops.orders.tests.fixtures import draft, reload

S = OrderStatus
EXPECTED = {
    (S.DRAFT, S.SUBMITTED),
    (S.DRAFT, S.CANCELLED),
    (S.SUBMITTED, S.CONFIRMED),
    (S.SUBMITTED, S.ON_HOLD),
    (S.SUBMITTED, S.REJECTED),
    (S.SUBMITTED, S.CANCELLED),
    (S.SUBMITTED, S.DRAFT),  # sent back by an approver, or withdrawn by the submitter
    (S.ON_HOLD, S.SUBMITTED),
    (S.ON_HOLD, S.CONFIRMED),
    (S.ON_HOLD, S.CANCELLED),
    (S.CONFIRMED, S.ON_HOLD),
    (S.CONFIRMED, S.CANCELLED),
    (S.CONFIRMED, S.PARTIALLY_SHIPPED),
    (S.CONFIRMED, S.SHIPPED),
    (S.PARTIALLY_SHIPPED, S.SHIPPED),
    (S.SHIPPED, S.INVOICED),
    (S.INVOICED, S.PAID),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))


def test_the_table_declares_exactly_the_expected_transitions():
    declared = {(before, after) for before, targets in TRANSITIONS.items() for after in targets}
    assert declared == EXPECTED
    assert set(TRANSITIONS) == set(S.values)
    # Once goods have left, an order can no longer be held, rejected or cancelled as a whole.
    assert not any(
        before in {S.PARTIALLY_SHIPPED, S.SHIPPED, S.INVOICED, S.PAID} and after in {S.ON_HOLD, S.CANCELLED, S.REJECTED}
        for before, after in declared
    )


@pytest.mark.parametrize(("before", "after"), ALL_PAIRS)
def test_transition_allows_only_the_table(shop, before, after):
    order = draft(shop)
    SalesOrder.objects.filter(pk=order.pk).update(status=before)
    order = reload(order)
    events_before = Event.objects.filter(type=f"order.{after}").count()

    if (before, after) in EXPECTED:
        with transaction.atomic():
            transition(order, after, actor=shop.org.admin, reason="because")
        assert reload(order).status == after
        event = Event.objects.filter(type=f"order.{after}").latest("id")
        assert event.payload["before"] == {"status": before}
        assert event.payload["after"]["status"] == after
        assert Event.objects.filter(type=f"order.{after}").count() == events_before + 1
    else:
        with pytest.raises(ValidationError) as caught, transaction.atomic():
            transition(order, after, actor=shop.org.admin, reason="because")
        assert "status" in caught.value.message_dict
        assert reload(order).status == before
        assert Event.objects.filter(type=f"order.{after}").count() == events_before


def test_hold_reason_is_set_on_hold_and_cleared_after(shop):
    order = draft(shop)
    with transaction.atomic():
        transition(order, S.SUBMITTED, actor=shop.org.admin)
        transition(order, S.ON_HOLD, actor=shop.org.admin, reason="客户要求暂停")
    assert reload(order).hold_reason == "客户要求暂停"
    with transaction.atomic():
        transition(order, S.CONFIRMED, actor=shop.org.admin)
    held = reload(order)
    assert held.hold_reason == ""
    assert held.confirmed_at is not None
    assert held.submitted_at is not None
