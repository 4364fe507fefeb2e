"""The large demo (written in bulk) is consistent, and the rollups it leaves pending catch up to what a rebuild of
the event log gives."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import F, Sum

from salesops.accounts.models import Role, User
from salesops.billing.models import Invoice, Payment
from salesops.core import clock
from salesops.core.dispatch import deliver_pending
from salesops.core.models import DocumentCounter, Event, EventDelivery
from salesops.customers.models import Customer
from salesops.inventory.models import StockLevel, StockMovement
from salesops.orders.models import OrderCounter, OrderLine, SalesOrder, Shipment
from salesops.reporting import rollups
from salesops.reporting.metrics import Slice, stage_metrics
from salesops.reporting.models import AlertRule
from salesops.reporting.stages import event_types
from salesops.web.demo_large import load_large_demo

# The order events each final status leaves, in order.
PATHS = {
    "paid": ["order.created", "order.submitted", "order.confirmed", "order.shipped", "order.invoiced", "order.paid"],
    "invoiced": ["order.created", "order.submitted", "order.confirmed", "order.shipped", "order.invoiced"],
    "shipped": ["order.created", "order.submitted", "order.confirmed", "order.shipped"],
    "confirmed": ["order.created", "order.submitted", "order.confirmed"],
}
STATUS_EVENTS = {"order.created", "order.submitted", "order.confirmed", "order.shipped", "order.invoiced", "order.paid"}


def numbers_are_gapless(numbers: list[str], counters: dict[tuple[str, int], int], series: str) -> None:
    by_year = defaultdict(list)
    for number in numbers:
        prefix, year, sequence = number.split("-")
        assert prefix == series
        by_year[int(year)].append(int(sequence))
    for year, sequences in by_year.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
        assert counters[series, year] == len(sequences)


def load(db, seed=7):
    return load_large_demo(orders=600, days=120, reps=60, customers=300, seed=seed, say=lambda text: None)


def test_large_demo_is_consistent(db):
    report = load(db)

    assert User.objects.filter(role=Role.SALES_REP).count() == 60
    assert SalesOrder.objects.count() == report.orders == 600
    assert OrderLine.objects.count() == report.lines
    assert 3 * 600 <= report.lines <= 7 * 600
    assert AlertRule.objects.count() == 4

    counters = {("SO", row.year): row.last_number for row in OrderCounter.objects.all()}
    counters |= {(row.series, row.year): row.last_number for row in DocumentCounter.objects.all()}
    numbers_are_gapless(list(SalesOrder.objects.values_list("number", flat=True)), counters, "SO")
    numbers_are_gapless(list(Invoice.objects.values_list("number", flat=True)), counters, "INV")
    numbers_are_gapless(list(Shipment.objects.values_list("number", flat=True)), counters, "SH")
    numbers_are_gapless(list(Payment.objects.values_list("number", flat=True)), counters, "PAY")
    # numbers count up with time
    ordered = list(SalesOrder.objects.order_by("created_at", "pk").values_list("number", flat=True))
    assert ordered == sorted(ordered, key=lambda number: (number[3:7], number))

    # receivables are the open invoices
    open_invoices = dict(
        Invoice.objects.filter(status=Invoice.Status.OPEN).values_list("customer").annotate(total=Sum("total"))
    )
    assert open_invoices
    for customer_id, balance in Customer.objects.values_list("pk", "receivable_balance"):
        assert balance == open_invoices.get(customer_id, Decimal("0.00"))
    assert not Invoice.objects.filter(status=Invoice.Status.SETTLED).exclude(settled_amount=F("total")).exists()

    # stock levels are the ledger's sums, never below zero available
    ledger = {
        (row["product_id"], row["warehouse_id"]): (row["on_hand"], row["reserved"])
        for row in StockMovement.objects.values("product_id", "warehouse_id").annotate(
            on_hand=Sum("on_hand_change"), reserved=Sum("reserved_change")
        )
    }
    for level in StockLevel.objects.all():
        assert (level.on_hand, level.reserved) == ledger[level.product_id, level.warehouse_id]
        assert level.reserved >= 0
        assert level.on_hand >= level.reserved
    reserved = OrderLine.objects.filter(order__status="confirmed").aggregate(total=Sum("quantity"))["total"]
    assert StockLevel.objects.aggregate(total=Sum("reserved"))["total"] == reserved

    # each order's events match its status, in time order
    events = defaultdict(list)
    for subject_id, kind, occurred_at in (
        Event.objects.filter(subject_type="orders.salesorder", type__in=STATUS_EVENTS)
        .order_by("pk")
        .values_list("subject_id", "type", "occurred_at")
    ):
        events[int(subject_id)].append((kind, occurred_at))
    statuses = Counter()
    for order_id, status, created_at in SalesOrder.objects.values_list("pk", "status", "created_at"):
        statuses[status] += 1
        trail = events[order_id]
        assert trail[0] == ("order.created", created_at)
        assert [moment for _kind, moment in trail] == sorted(moment for _kind, moment in trail)
        if status in PATHS:
            assert [kind for kind, _moment in trail] == PATHS[status]
    assert statuses == report.statuses
    assert set(statuses) >= {"paid", "invoiced", "cancelled", "rejected"}
    assert Event.objects.filter(type="order.approval_requested").count() > 0
    assert Event.objects.filter(type="order.on_hold").count() > 0
    # the history's events (after the set-up's, before the alert rules') have ids in time order
    first = Event.objects.filter(type="order.created").order_by("pk").first().pk
    history = Event.objects.filter(pk__gte=first).exclude(type__startswith="alert_rule.")
    moments = list(history.order_by("pk").values_list("occurred_at", flat=True))
    assert moments == sorted(moments)

    # one pending rollup delivery per stage event, nothing else
    stage_events = Event.objects.filter(type__in=event_types()).count()
    from_history = EventDelivery.objects.filter(event_id__gte=first)
    assert from_history.count() == stage_events == report.deliveries
    assert set(from_history.values_list("handler", "status").distinct()) == {
        (rollups.HANDLER_NAME, EventDelivery.Status.PENDING)
    }


def figures(user, group_by=None):
    today = clock.today()
    return stage_metrics(user, Slice(today - datetime.timedelta(days=365), today, group_by=group_by))


def test_large_demo_rollups_catch_up_to_a_rebuild(db):
    load(db, seed=11)
    admin = User.objects.get(username="admin")
    director = User.objects.get(username="director_east")

    while deliver_pending(now=clock.now() + datetime.timedelta(days=1)).delivered:
        pass
    assert not EventDelivery.objects.exclude(status=EventDelivery.Status.DELIVERED).exists()
    caught_up = {
        (user.username, group): figures(user, group)
        for user in (admin, director)
        for group in (None, "region", "product_line", "salesperson")
    }
    assert sum(item.completions for item in caught_up["admin", None]) > 0

    rollups.rebuild()
    rebuilt = {
        (user.username, group): figures(user, group)
        for user in (admin, director)
        for group in (None, "region", "product_line", "salesperson")
    }
    assert caught_up == rebuilt
