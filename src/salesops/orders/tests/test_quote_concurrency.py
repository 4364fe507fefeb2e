"""Concurrent conversions of one quote create exactly one order (SQLite and PostgreSQL)."""

import threading

import pytest
from django.db import connection

from salesops.core.models import Event
from salesops.orders.models import Quote, QuoteStatus, SalesOrder
from salesops.orders.quote_actions import convert_quote_to_order, send_quote
from salesops.orders.tests.fixtures import build_shop
from salesops.orders.tests.quote_fixtures import quote_draft
from salesops.testing.org import build_org

CLIENTS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_conversions_create_exactly_one_order():
    # Given a sent quote, and the rep and the manager (on several devices) pressing "accepted" at the same moment
    org = build_org()
    shop = build_shop(org)
    quote = send_quote(quote_draft(shop, quantity="3"), actor=org.a.user("sales_rep"))
    actors = [org.a.user("sales_rep"), org.a.user("sales_manager")] * (CLIENTS // 2)
    results, errors = [], []
    barrier = threading.Barrier(CLIENTS)

    def client(actor):
        try:
            barrier.wait()
            results.append(convert_quote_to_order(Quote.objects.get(pk=quote.pk), actor=actor).pk)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    # When each converts on its own connection
    threads = [threading.Thread(target=client, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one order exists, every client got it, and the quote was accepted once
    assert errors == []
    order = SalesOrder.objects.get()
    assert results == [order.pk] * CLIENTS
    accepted = Quote.objects.get(pk=quote.pk)
    assert (accepted.status, accepted.converted_order_id) == (QuoteStatus.ACCEPTED, order.pk)
    assert Event.objects.filter(type="quote.accepted").count() == 1
    assert Event.objects.filter(type="order.created").count() == 1
