"""Reporting test helpers: orders taken through the real actions at chosen times, and the rollups brought up to
date by the dispatcher."""

import datetime
from decimal import Decimal

from django.db import transaction

from salesops.billing.actions import issue_invoice, record_payment
from salesops.core import clock
from salesops.core.dispatch import deliver_pending
from salesops.core.events import record_event
from salesops.core.models import Event
from salesops.core.timezones import company_zone
from salesops.orders.actions import submit_order
from salesops.orders.models import SalesOrder
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import Shop, draft

ZONE = company_zone()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZONE)


def order_through(shop: Shop, moments: dict[str, datetime.datetime], *, region="a", quantity="1") -> SalesOrder:
    """An order created, submitted, shipped, invoiced and paid at the given moments (steps not named are not
    taken), by region `region`'s rep and customer."""
    org = shop.org
    place = getattr(org, region)
    warehouse = shop.warehouse if region == "a" else shop.warehouse_b
    with clock.simulated(moments["created"]):
        order = draft(
            shop, actor=place.user("sales_rep"), customer=place.customer, warehouse=warehouse, quantity=quantity
        )
    if "submitted" in moments:
        with clock.simulated(moments["submitted"]):
            order = submit_order(order, actor=place.user("sales_rep"))
    if "shipped" in moments:
        with clock.simulated(moments["shipped"]):
            ship_order(order, actor=place.user("warehouse"))
    if "invoiced" in moments:
        with clock.simulated(moments["invoiced"]):
            invoice = issue_invoice(SalesOrder.objects.get(pk=order.pk), actor=place.user("finance"))
    if "paid" in moments:
        with clock.simulated(moments["paid"]):
            record_payment(
                actor=place.user("finance"),
                customer=place.customer,
                amount=Decimal(invoice.total),
                received_on=moments["paid"].date(),
                allocations=[{"invoice_id": invoice.pk, "amount": invoice.total}],
            )
    return SalesOrder.objects.get(pk=order.pk)


def catch_up() -> None:
    """Run the dispatcher until nothing is due (what the background task does after each commit)."""
    for _ in range(10):
        report = deliver_pending(now=clock.now() + datetime.timedelta(days=3650))
        if not (report.delivered or report.retried):
            return


CONTRACT = "accounts.orgunit"  # contracts stand in as events about a region's org unit in this test
TODAY = datetime.date(2026, 6, 17)  # a Wednesday


def contracts(region, day: datetime.date, count: int, late: int, *, start: int) -> list[Event]:
    """`count` contracts archived on `day`, `late` of them after 72 hours, the rest after 24 (unsaved events fed
    straight to the rollups: the history part of the test)."""
    events = []
    for number in range(count):
        hours = 72 if number < late else 24
        archived = at(day, 17)
        signed = archived - datetime.timedelta(hours=hours)
        for kind, moment in (("contract.signed", signed), ("contract.archived", archived)):
            # each contract its own subject: ids beyond the region's, dimensions read from the region
            events.append(
                Event(
                    type=kind,
                    subject_type=CONTRACT,
                    subject_id=str(region.pk),
                    subject_label=f"HT-{start + number}",
                    occurred_at=moment,
                )
            )
    return events


def record_today(region, count, late):
    with clock.simulated(at(TODAY, 18)), transaction.atomic():
        for event in contracts(region, TODAY, count, late, start=1):
            with clock.simulated(event.occurred_at):
                record_event(event.type, region, data={"contract": event.subject_label})
