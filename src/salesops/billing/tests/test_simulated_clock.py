"""Actions replayed at a simulated time date everything they write by that time (core.clock)."""

import datetime

import pytest

from salesops.billing.actions import issue_invoice, record_payment
from salesops.core import clock
from salesops.core.models import Event
from salesops.core.timezones import company_zone
from salesops.orders.actions import submit_order
from salesops.orders.models import Shipment
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import draft

pytestmark = pytest.mark.django_db


def test_a_history_replayed_at_a_simulated_time_carries_that_time_everywhere(shop):
    at = datetime.datetime(2025, 3, 14, 10, 30, tzinfo=company_zone())
    with clock.simulated(at):
        assert clock.today() == datetime.date(2025, 3, 14)
        order = submit_order(draft(shop, quantity="2"), actor=shop.org.a.user("sales_rep"))
        ship_order(order, actor=shop.org.a.user("warehouse"))
        invoice = issue_invoice(order, actor=shop.org.a.user("finance"))
        record_payment(
            actor=shop.org.a.user("finance"), customer=shop.org.a.customer, amount="1", received_on=clock.today()
        )

    order.refresh_from_db()
    assert order.created_at == order.submitted_at == order.confirmed_at == at
    assert Shipment.objects.get().shipped_at == at
    assert (invoice.number, invoice.issue_date, invoice.due_date) == (
        "INV-2025-000001",
        datetime.date(2025, 3, 14),
        datetime.date(2025, 4, 13),
    )
    assert set(Event.objects.filter(type__startswith=("order.")).values_list("occurred_at", flat=True)) == {at}
    assert not clock.is_simulated()


def test_a_naive_simulated_time_is_refused():
    with pytest.raises(ValueError), clock.simulated(datetime.datetime(2025, 1, 1)):
        pass
