"""The briefing's figures equal an independent computation over the fixture's rows (Python over the ORM)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from salesops.approvals.models import ApprovalRequest
from salesops.billing.models import Invoice, Payment
from salesops.billing.queries import balances_at
from salesops.core.timezones import company_zone
from salesops.orders.models import OrderLine, SalesOrder, Shipment
from salesops.reporting.briefing_actions import prepare_briefing, save_sales_target
from salesops.reporting.briefing_figures import NOT_ORDERS
from salesops.reporting.tests.briefing_fixtures import COMPARE, DAY, at

pytestmark = pytest.mark.django_db


def local(moment) -> datetime.date:
    return timezone.localtime(moment, company_zone()).date()


def expected(region, day) -> dict:
    orders = [o for o in SalesOrder.objects.filter(region=region) if local(o.created_at) == day]
    orders = [o for o in orders if o.status not in NOT_ORDERS]
    payments = [p for p in Payment.objects.filter(customer__region=region) if p.received_on == day]
    overdue = sum(
        (
            balance
            for invoice, balance in balances_at(Invoice.objects.filter(region=region), day)
            if invoice.due_date < day
        ),
        Decimal("0.00"),
    )
    return {
        "orders_count": len(orders),  # counts are integers, money exact decimal strings
        "orders_amount": str(sum((o.total for o in orders), Decimal("0.00"))),
        "revenue": str(
            sum((i.net_amount for i in Invoice.objects.filter(region=region, issue_date=day)), Decimal("0.00"))
        ),
        "shipments": len([s for s in Shipment.objects.filter(order__region=region) if local(s.shipped_at) == day]),
        "collections_count": len(payments),
        "collections": str(sum((p.amount for p in payments), Decimal("0.00"))),
        "overdue": str(overdue),
    }


def data(briefing, key) -> dict:
    return next(section["data"] for section in briefing.figures["sections"] if section["key"] == key)


def test_figures_equal_an_independent_computation(history, django_assert_max_num_queries):
    org = history.shop.org
    region = org.a.region
    save_sales_target(actor=org.admin, region=region, month=DAY, orders_amount="20000.00", revenue_amount="5000.00")

    with django_assert_max_num_queries(40):
        briefing = prepare_briefing(region=region, day=DAY, as_of=at(DAY + datetime.timedelta(days=1), 9))

    daily = {m["key"]: m for m in data(briefing, "daily")["measures"]}
    for day, column in ((DAY, "current"), (COMPARE, "previous")):
        wanted = expected(region, day)
        assert {key: daily[key][column] for key in wanted} == wanted, day
    assert daily["orders_count"]["current"] == 4  # 09:30, 15:00, 17:00 and 23:30; not 00:30 the next day
    assert daily["overdue"]["current"] == "741.50" and daily["overdue"]["previous"] == "1130.00"

    first = DAY.replace(day=1)
    month_orders = [
        o
        for o in SalesOrder.objects.filter(region=region)
        if first <= local(o.created_at) <= DAY and o.status not in NOT_ORDERS
    ]
    month = data(briefing, "month")
    assert month["orders"] == {
        "actual": str(sum((o.total for o in month_orders), Decimal("0.00"))),
        "target": "20000.00",
        "percent": str((sum(o.total for o in month_orders) * 100 / Decimal(20000)).quantize(Decimal("0.1"))),
    }
    revenue = sum(i.net_amount for i in Invoice.objects.filter(region=region, issue_date__range=(first, DAY)))
    assert month["revenue"]["actual"] == str(revenue)

    lines = {}
    for line in OrderLine.objects.filter(order__region=region).select_related("order", "product__line"):
        if line.order.status in NOT_ORDERS:
            continue
        day = local(line.order.created_at)
        if day in (DAY, COMPARE):
            entry = lines.setdefault(line.product.line.name, {DAY: Decimal("0.00"), COMPARE: Decimal("0.00")})
            entry[day] += line.amount
    movers = data(briefing, "movers")
    assert [(m["name"], m["change"]) for m in movers["product_lines"]] == sorted(
        ((name, str(v[DAY] - v[COMPARE])) for name, v in lines.items()), key=lambda item: -abs(Decimal(item[1]))
    )
    assert [m["name"] for m in movers["product_lines"]] == ["工业泵", "阀门"]

    pending = ApprovalRequest.objects.get(region=region, status="pending")
    approvals = data(briefing, "approvals")
    assert approvals["count"] == 1
    assert approvals["oldest"][0]["id"] == pending.pk
    assert approvals["oldest"][0]["age_hours"] == 16  # submitted 17:00, read at 09:00 the next morning


def test_the_other_region_counts_only_its_own(history):
    org = history.shop.org
    briefing = prepare_briefing(region=org.b.region, day=DAY)
    daily = {m["key"]: m for m in data(briefing, "daily")["measures"]}
    assert (daily["orders_count"]["current"], daily["orders_amount"]["current"]) == (1, "226.00")
    assert data(briefing, "approvals") == {"count": 0, "oldest": []}


def test_a_briefing_is_computed_once(history):
    org = history.shop.org
    first = prepare_briefing(region=org.a.region, day=DAY)
    again = prepare_briefing(region=org.a.region, day=DAY)
    assert again.pk == first.pk and again.figures == first.figures
