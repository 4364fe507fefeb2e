"""Briefing test helpers: a week of order-to-cash history in two regions, replayed through the real actions at
simulated times (core.clock), around the briefing day Wednesday 18 November 2026 and the Wednesday before."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from salesops.approvals.tests.helpers import DIRECTOR, rule, step, use_policy
from salesops.billing.actions import issue_invoice, record_payment
from salesops.catalog.models import ProductLine
from salesops.core import clock
from salesops.core.timezones import company_zone
from salesops.inventory.actions import receive_stock
from salesops.orders.actions import submit_order
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import Shop, draft
from salesops.testing.stock import make_product

DAY = datetime.date(2026, 11, 18)
COMPARE = datetime.date(2026, 11, 11)
NINE = "2026-11-19T09:00:00+08:00"  # the job's scheduled time for DAY's briefing


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=company_zone())


@dataclass
class History:
    shop: Shop
    valve: object


def sell(shop: Shop, moment, *, quantity="1", product=None, region="a", ship=True, invoice=True):
    org = shop.org
    side = getattr(org, region)
    warehouse = shop.warehouse if region == "a" else shop.warehouse_b
    with clock.simulated(moment):
        order = submit_order(
            draft(
                shop,
                quantity=quantity,
                product=product,
                actor=side.user("sales_rep"),
                customer=side.customer,
                warehouse=warehouse,
            ),
            actor=side.user("sales_rep"),
        )
        if ship and order.status == "confirmed":
            ship_order(order, actor=side.user("warehouse"))
            if invoice:
                return issue_invoice(order, actor=side.user("finance"))
    return order


def build_history(shop: Shop) -> History:
    """Region a: an old invoice overdue since October, part-paid between the two Wednesdays; on COMPARE two orders
    (pumps and valves) shipped and invoiced; on DAY three pump orders (one at 23:30), one left unshipped, a
    payment, and an order waiting for the director's approval; an order at 00:30 the next morning (not DAY's).
    Region b: one order on DAY."""
    org = shop.org
    valves = ProductLine.objects.create(code="valves", name="阀门")
    valve = make_product("V-001", price="250.00")
    valve.line = valves
    valve.save(update_fields=["line"])
    for warehouse in (shop.warehouse, shop.warehouse_b):
        receive_stock(product=valve, warehouse=warehouse, quantity=100, actor=org.admin)
    finance = org.a.user("finance")

    old = sell(shop, at(datetime.date(2026, 9, 1), 10), quantity="10")  # 1,130.00, due 1 October
    with clock.simulated(at(datetime.date(2026, 11, 15), 11)):
        record_payment(actor=finance, customer=org.a.customer, amount="300.00", received_on=datetime.date(2026, 11, 15))
    assert old.total == Decimal("1130.00")

    sell(shop, at(COMPARE, 10), quantity="2")
    sell(shop, at(COMPARE, 14), quantity="4", product=valve)

    sell(shop, at(DAY, 9, 30), quantity="3")
    sell(shop, at(DAY, 15), quantity="1", ship=False)
    sell(shop, at(DAY, 23, 30), quantity="5", ship=False)
    with clock.simulated(at(DAY, 16)):
        record_payment(actor=finance, customer=org.a.customer, amount="88.50", received_on=DAY)
    use_policy(org.admin, rule("Big orders", "order.total > 5000", step("Director", DIRECTOR)))
    sell(shop, at(DAY, 17), quantity="60", ship=False)  # 6,780.00: waits for the director
    sell(shop, at(DAY + datetime.timedelta(days=1), 0, 30), quantity="7", ship=False)
    sell(shop, at(DAY, 11), quantity="2", region="b")
    return History(shop, valve)
