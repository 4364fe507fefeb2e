"""The quote state machine: exactly the declared transitions are allowed, each records one `quote.<status>`."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from salesops.core.models import Event
from salesops.orders.models import QUOTE_TRANSITIONS, Quote, QuoteStatus, quote_transition
from salesops.orders.tests.quote_fixtures import quote_draft, reload_quote

S = QuoteStatus
EXPECTED = {
    (S.DRAFT, S.PENDING_APPROVAL),
    (S.DRAFT, S.SENT),
    (S.DRAFT, S.ACCEPTED),
    (S.DRAFT, S.EXPIRED),
    (S.DRAFT, S.CANCELLED),
    (S.PENDING_APPROVAL, S.SENT),
    (S.PENDING_APPROVAL, S.DRAFT),
    (S.PENDING_APPROVAL, S.EXPIRED),
    (S.PENDING_APPROVAL, S.CANCELLED),
    (S.SENT, S.ACCEPTED),
    (S.SENT, S.DECLINED),
    (S.SENT, S.EXPIRED),
    (S.SENT, S.CANCELLED),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))


def test_the_table_declares_exactly_the_expected_transitions():
    declared = {(before, after) for before, targets in QUOTE_TRANSITIONS.items() for after in targets}
    assert declared == EXPECTED
    assert set(QUOTE_TRANSITIONS) == set(S.values)


@pytest.mark.parametrize(("before", "after"), ALL_PAIRS)
def test_quote_transition_allows_only_the_table(shop, before, after):
    quote = quote_draft(shop)
    Quote.objects.filter(pk=quote.pk).update(status=before)
    quote = reload_quote(quote)
    events_before = Event.objects.filter(type=f"quote.{after}").count()

    if (before, after) in EXPECTED:
        with transaction.atomic():
            quote_transition(quote, after, actor=shop.org.admin, reason="客户来电")
        assert reload_quote(quote).status == after
        event = Event.objects.filter(type=f"quote.{after}").latest("id")
        assert event.payload["before"] == {"status": before}
        assert event.payload["after"] == {"status": after}
        assert event.payload["data"] == {"reason": "客户来电"}
        assert Event.objects.filter(type=f"quote.{after}").count() == events_before + 1
    else:
        with pytest.raises(ValidationError) as caught, transaction.atomic():
            quote_transition(quote, after, actor=shop.org.admin)
        assert list(caught.value.message_dict) == ["status"]
        assert reload_quote(quote).status == before
        assert Event.objects.filter(type=f"quote.{after}").count() == events_before


def test_sending_stamps_the_time(shop):
    quote = quote_draft(shop)
    with transaction.atomic():
        quote_transition(quote, S.SENT, actor=shop.org.a.user("sales_rep"))
    assert reload_quote(quote).sent_at is not None
