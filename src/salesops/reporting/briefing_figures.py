"""The numbers of a daily briefing, each one aggregate SQL statement over an indexed date range.

Days are company-time-zone days (Asia/Shanghai) turned into UTC instants with `core.timezones`, so an order
entered at 23:30 Beijing time counts on that day. Every statement filters on an indexed date column first
(`order_created_idx`, `shipment_shipped_idx`, `invoice_issue_idx`, `invoice_settled_idx`, `payment_customer_idx`
through the region's customers) and groups in the database; nothing loops over rows in Python except the few
groups a statement returns.

What each figure means:

- orders: sales orders entered that day and submitted since (not draft, rejected or cancelled); count and the sum
  of their totals including VAT.
- revenue: invoices issued that day; the sum of their amounts excluding VAT.
- shipments: shipments that left a warehouse that day for orders of the region; their count.
- collections: payments received that day from the region's customers; count and sum.
- overdue: receivables past their due date at the end of the day: invoices issued by then and due before it,
  less what was settled or credited by then (rebuilt from history, so the figure a week ago is what it was then).
"""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from salesops.accounts.models import User
from salesops.approvals.models import ApprovalRequest, RequestStatus
from salesops.billing.models import CreditNote, Invoice, Payment, Settlement
from salesops.core.timezones import day_end, day_start
from salesops.orders.models import OrderLine, OrderStatus, SalesOrder, Shipment, money

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
NOT_ORDERS = (OrderStatus.DRAFT, OrderStatus.REJECTED, OrderStatus.CANCELLED)
MEASURES = ("orders_count", "orders_amount", "revenue", "shipments", "collections_count", "collections", "overdue")


def total(value) -> Decimal:
    """A SUM as exact cents (SQLite sums decimals as floating point)."""
    return money(Decimal(str(value))) if value is not None else ZERO


def booked_orders(region_id: int, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    return SalesOrder.objects.filter(region_id=region_id, created_at__gte=start, created_at__lt=end).exclude(
        status__in=NOT_ORDERS
    )


def day_figures(region_id: int, day: datetime.date) -> dict[str, Decimal | int]:
    """The region's figures for one day (see the module's docstring), five statements."""
    start, end = day_start(day), day_end(day)
    orders = booked_orders(region_id, start, end).aggregate(count=Count("pk"), amount=Sum("total"))
    revenue = Invoice.objects.filter(region_id=region_id, issue_date=day).aggregate(amount=Sum("net_amount"))
    shipments = Shipment.objects.filter(order__region_id=region_id, shipped_at__gte=start, shipped_at__lt=end).count()
    collections = Payment.objects.filter(customer__region_id=region_id, received_on=day).aggregate(
        count=Count("pk"), amount=Sum("amount")
    )
    return {
        "orders_count": orders["count"],
        "orders_amount": total(orders["amount"]),
        "revenue": total(revenue["amount"]),
        "shipments": shipments,
        "collections_count": collections["count"],
        "collections": total(collections["amount"]),
        "overdue": overdue_at(region_id, day),
    }


def overdue_at(region_id: int, day: datetime.date) -> Decimal:
    """Receivables of the region past due at the end of `day`, as they stood then: one statement over the
    invoices still open after `day` (`settled_on` is indexed; settled invoices are never read)."""
    settled = (
        Settlement.objects.filter(invoice=OuterRef("pk"), settled_on__lte=day)
        .values("invoice")
        .annotate(amount=Sum("amount"))
        .values("amount")
    )
    credited = (
        CreditNote.objects.filter(invoice=OuterRef("pk"), issue_date__lte=day)
        .values("invoice")
        .annotate(amount=Sum("invoice_amount"))
        .values("amount")
    )
    balance = (
        F("total")
        - Coalesce(Subquery(settled, output_field=MONEY_FIELD), Value(ZERO))
        - Coalesce(Subquery(credited, output_field=MONEY_FIELD), Value(ZERO))
    )
    result = (
        Invoice.objects.filter(region_id=region_id, issue_date__lte=day, due_date__lt=day)
        .filter(Q(settled_on__isnull=True) | Q(settled_on__gt=day))
        .aggregate(amount=Sum(balance, output_field=MONEY_FIELD))
    )
    return total(result["amount"])


def month_to_date(region_id: int, day: datetime.date) -> dict[str, Decimal]:
    """Order intake and revenue from the first of `day`'s month to the end of `day`: two statements."""
    first = day.replace(day=1)
    orders = booked_orders(region_id, day_start(first), day_end(day)).aggregate(amount=Sum("total"))
    revenue = Invoice.objects.filter(region_id=region_id, issue_date__gte=first, issue_date__lte=day).aggregate(
        amount=Sum("net_amount")
    )
    return {"orders_amount": total(orders["amount"]), "revenue": total(revenue["amount"])}


def _two_days(field: str, day: datetime.date, compare: datetime.date) -> tuple[Q, dict]:
    """A filter matching either day's range of the datetime `field`, and the two conditional sums' conditions."""
    today = Q(**{f"{field}__gte": day_start(day), f"{field}__lt": day_end(day)})
    before = Q(**{f"{field}__gte": day_start(compare), f"{field}__lt": day_end(compare)})
    return today | before, {"current": today, "previous": before}


def _movers(rows, limit: int) -> list[dict]:
    movers = []
    for row in rows:
        current, previous = total(row["current"]), total(row["previous"])
        movers.append({"key": row["key"], "name": row["name"], "current": current, "previous": previous})
    for mover in movers:
        mover["change"] = mover["current"] - mover["previous"]
    movers.sort(key=lambda mover: (-abs(mover["change"]), str(mover["name"]), mover["key"]))
    return [mover for mover in movers if mover["change"] != 0][:limit]


def _sums(amount: str, conditions: dict) -> dict:
    return {
        name: Coalesce(
            Sum(Case(When(condition, then=F(amount)), default=Value(ZERO), output_field=MONEY_FIELD)), Value(ZERO)
        )
        for name, condition in conditions.items()
    }


def product_line_movers(region_id: int, day: datetime.date, compare: datetime.date, limit: int = 5) -> list[dict]:
    """Product lines whose ordered amount (line amounts excluding VAT) changed most between `compare` and `day`:
    one grouped statement over both days' orders."""
    both, conditions = _two_days("order__created_at", day, compare)
    rows = (
        OrderLine.objects.filter(both, order__region_id=region_id)
        .exclude(order__status__in=NOT_ORDERS)
        .values(key=F("product__line_id"), name=F("product__line__name"))
        .annotate(**_sums("amount", conditions))
        .order_by()
    )
    return _movers(rows, limit)


def rep_movers(region_id: int, day: datetime.date, compare: datetime.date, limit: int = 5) -> list[dict]:
    """Sales reps whose order intake (totals including VAT) changed most between `compare` and `day`."""
    both, conditions = _two_days("created_at", day, compare)
    rows = (
        SalesOrder.objects.filter(both, region_id=region_id)
        .exclude(status__in=NOT_ORDERS)
        .values(key=F("owner_id"), name=F("owner__username"))
        .annotate(**_sums("total", conditions))
        .order_by()
    )
    movers = _movers(rows, limit)
    names = _display_names([mover["key"] for mover in movers])
    for mover in movers:
        mover["name"] = names.get(mover["key"], mover["name"])
    return movers


def _display_names(user_ids: list[int]) -> dict[int, str]:
    return {user.pk: str(user) for user in User.objects.filter(pk__in=user_ids)}


def approval_queue(region_id: int, as_of: datetime.datetime, limit: int = 10) -> dict:
    """The region's approval requests waiting for a decision at `as_of`, oldest first, with their age in hours
    (two statements: the count, and the oldest `limit`)."""
    pending = ApprovalRequest.objects.filter(region_id=region_id, status=RequestStatus.PENDING, created_at__lte=as_of)
    rows = pending.order_by("created_at", "pk").values("pk", "title", "amount", "created_at", "submitter_id")[:limit]
    oldest = []
    names = _display_names([row["submitter_id"] for row in rows])
    for row in rows:
        hours = int((as_of - row["created_at"]).total_seconds() // 3600)
        oldest.append(
            {
                "id": row["pk"],
                "title": row["title"],
                "amount": total(row["amount"]) if row["amount"] is not None else None,
                "submitted_at": row["created_at"],
                "submitter": names.get(row["submitter_id"], ""),
                "age_hours": hours,
            }
        )
    return {"count": pending.count(), "oldest": oldest}
