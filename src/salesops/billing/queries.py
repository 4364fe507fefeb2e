"""Read side of billing: who sees which documents, who may bill, aging and month-end receivables.

Billing documents follow their customer: whoever may see a customer (customers.queries) sees its invoices,
payments and credit notes; a rep also sees the invoices of orders they own. Warehouse staff see none.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from salesops.accounts.models import Role, User
from salesops.accounts.scopes import sees_everything
from salesops.billing.models import (
    CorrectionRequest,
    CreditNote,
    Invoice,
    MonthEndReceivable,
    Payment,
    Refund,
    Settlement,
)
from salesops.core.scoping import for_user, scope_for
from salesops.customers.models import Customer
from salesops.customers.queries import customers_for_user
from salesops.orders.models import SalesOrder

NO_BILLING_ACCESS = {Role.WAREHOUSE, Role.SUPPLIER, Role.STORE_SUPERVISOR}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def may_bill(user: User) -> bool:
    """Finance (and administrators) issue invoices, record payments and decide corrections."""
    return user.is_authenticated and (sees_everything(user) or user.role == Role.FINANCE)


def visible_customer_ids(user: User) -> QuerySet:
    return customers_for_user(Customer.objects.all(), user).values("pk")


def by_customer(queryset: QuerySet, user: User, path: str = "customer") -> QuerySet:
    if sees_everything(user):
        return queryset
    if user.role in NO_BILLING_ACCESS:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": visible_customer_ids(user)})


@scope_for(Invoice)
def invoices_for_user(queryset: QuerySet, user: User) -> QuerySet:
    if sees_everything(user):
        return queryset
    if user.role in NO_BILLING_ACCESS:
        return queryset.none()
    return queryset.filter(Q(customer__in=visible_customer_ids(user)) | Q(owner=user))


@scope_for(Payment)
def payments_for_user(queryset: QuerySet, user: User) -> QuerySet:
    return by_customer(queryset, user)


@scope_for(CorrectionRequest)
def corrections_for_user(queryset: QuerySet, user: User) -> QuerySet:
    return by_customer(queryset, user, "invoice__customer")


@scope_for(CreditNote)
def credit_notes_for_user(queryset: QuerySet, user: User) -> QuerySet:
    return by_customer(queryset, user)


@scope_for(Refund)
def refunds_for_user(queryset: QuerySet, user: User) -> QuerySet:
    return by_customer(queryset, user)


@scope_for(MonthEndReceivable)
def month_ends_for_user(queryset: QuerySet, user: User) -> QuerySet:
    return by_customer(queryset, user)


def visible_invoices(user: User) -> QuerySet:
    return for_user(Invoice.objects.select_related("customer", "order", "owner", "region", "office", "issued_by"), user)


def visible_payments(user: User) -> QuerySet:
    return for_user(Payment.objects.select_related("customer", "recorded_by"), user)


def visible_corrections(user: User) -> QuerySet:
    return for_user(CorrectionRequest.objects.select_related("invoice__customer", "requested_by", "decided_by"), user)


def visible_credit_notes(user: User) -> QuerySet:
    return for_user(CreditNote.objects.select_related("invoice", "customer", "request"), user)


def visible_refunds(user: User) -> QuerySet:
    return for_user(Refund.objects.select_related("customer", "recorded_by"), user)


@dataclass
class CreditHoldings:
    """Where a customer's credit is held: unused payments, credited prepayments (orders) and credit notes."""

    payments: list
    orders: list
    credit_notes: list

    @property
    def total(self) -> Decimal:
        return (
            sum((p.unapplied_amount for p in self.payments), ZERO)
            + sum((o.prepayment_credit_left for o in self.orders), ZERO)
            + sum((n.unapplied_amount for n in self.credit_notes), ZERO)
        )


def credit_holdings(customer: Customer) -> CreditHoldings:
    """The sources of the customer's credit still unused (the caller checked the customer is visible: every
    source belongs to it). Three queries; the orders' by a partial index of orders holding credit."""
    return CreditHoldings(
        payments=list(Payment.objects.filter(customer=customer, unapplied_amount__gt=0).order_by("received_on", "pk")),
        orders=list(SalesOrder.objects.filter(customer=customer, prepayment_credit_left__gt=0).order_by("pk")),
        credit_notes=list(
            CreditNote.objects.filter(customer=customer, unapplied_amount__gt=0).order_by("issue_date", "pk")
        ),
    )


# --- aging ------------------------------------------------------------------------------------------------------


@dataclass
class AgingRow:
    customer_id: int
    customer_name: str
    region_name: str
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_over_90: Decimal = ZERO
    oldest_due_date: datetime.date | None = None

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, bucket) for bucket in BUCKETS), ZERO)

    @property
    def overdue(self) -> Decimal:
        return self.total - self.current

    def days_past_due(self, on: datetime.date) -> int:
        return max((on - self.oldest_due_date).days, 0) if self.oldest_due_date else 0


@dataclass
class Aging:
    as_of: datetime.date
    rows: list[AgingRow]
    totals: dict[str, Decimal] = field(default_factory=dict)


BALANCE = ExpressionWrapper(F("total") - F("credited_amount") - F("settled_amount"), output_field=MONEY_FIELD)


def bucket_sums(as_of: datetime.date) -> dict:
    """SUM(balance) per aging bucket, by days past the due date on `as_of`."""
    day = datetime.timedelta(days=1)
    bounds = {
        "current": Q(due_date__gte=as_of),
        "days_1_30": Q(due_date__lt=as_of, due_date__gte=as_of - 30 * day),
        "days_31_60": Q(due_date__lt=as_of - 30 * day, due_date__gte=as_of - 60 * day),
        "days_61_90": Q(due_date__lt=as_of - 60 * day, due_date__gte=as_of - 90 * day),
        "days_over_90": Q(due_date__lt=as_of - 90 * day),
    }
    return {
        name: Coalesce(Sum(Case(When(condition, then=BALANCE), default=Value(ZERO), output_field=MONEY_FIELD)), ZERO)
        for name, condition in bounds.items()
    }


def aging(invoices: QuerySet, as_of: datetime.date) -> Aging:
    """Open balances per customer in the buckets current, 1-30, 31-60, 61-90 and over 90 days past due, as the
    invoices stand now (open invoices only: the query never reads settled history)."""
    rows = (
        invoices.filter(status=Invoice.Status.OPEN)
        .values("customer_id", "customer__name", "customer__region__name")
        .annotate(**bucket_sums(as_of), oldest_due_date=Min("due_date"))
        .order_by("customer__name", "customer_id")
    )
    result = [
        AgingRow(
            customer_id=row["customer_id"],
            customer_name=row["customer__name"],
            region_name=row["customer__region__name"],
            oldest_due_date=row["oldest_due_date"],
            **{bucket: Decimal(row[bucket]).quantize(CENT) for bucket in BUCKETS},
        )
        for row in rows
    ]
    totals = {bucket: sum((getattr(row, bucket) for row in result), ZERO) for bucket in BUCKETS}
    totals["total"] = sum(totals.values(), ZERO)
    return Aging(as_of, result, totals)


# --- balances at a past date --------------------------------------------------------------------------------


def balances_at(invoices: QuerySet, day: datetime.date) -> list[tuple[Invoice, Decimal]]:
    """Each invoice's open balance at the end of `day`: issued by then, less the credit notes and settlements
    dated by then. Only invoices still open after `day` are read (`settled_on` is indexed)."""
    candidates = list(invoices.filter(issue_date__lte=day).filter(Q(settled_on__isnull=True) | Q(settled_on__gt=day)))
    ids = [invoice.pk for invoice in candidates]
    settled = dict(
        Settlement.objects.filter(invoice_id__in=ids, settled_on__lte=day)
        .values_list("invoice_id")
        .annotate(amount=Sum("amount"))
    )
    credited = dict(
        CreditNote.objects.filter(invoice_id__in=ids, issue_date__lte=day)
        .values_list("invoice_id")
        .annotate(amount=Sum("invoice_amount"))
    )
    result = []
    for invoice in candidates:
        # SUM over decimals is floating point on SQLite: back to cents before comparing.
        paid = Decimal(settled.get(invoice.pk, ZERO)).quantize(CENT)
        balance = invoice.total - paid - Decimal(credited.get(invoice.pk, ZERO)).quantize(CENT)
        if balance > 0:
            result.append((invoice, balance))
    return result


def vat_by_rate(invoice: Invoice) -> list[dict]:
    """The invoice's amounts and VAT per tax rate (a VAT invoice's summary lines)."""
    rows = invoice.lines.values("tax_rate").annotate(net=Sum("net_amount"), tax=Sum("tax_amount")).order_by("tax_rate")
    return [
        {**row, "net": Decimal(row["net"]).quantize(CENT), "tax": Decimal(row["tax"]).quantize(CENT)} for row in rows
    ]


def overdue_amounts(customer_ids, as_of: datetime.date) -> dict[int, Decimal]:
    """Customer id -> what its open invoices due before `as_of` still owe (the aging's overdue buckets); one
    query for any number of customers. Customers owing nothing overdue are left out."""
    rows = (
        Invoice.objects.filter(customer_id__in=customer_ids, status=Invoice.Status.OPEN, due_date__lt=as_of)
        .values("customer_id")
        .annotate(overdue=Coalesce(Sum(BALANCE), ZERO))
    )
    return {row["customer_id"]: Decimal(row["overdue"]).quantize(CENT) for row in rows}


INVOICED = ExpressionWrapper(F("total") - F("credited_amount"), output_field=MONEY_FIELD)


def daily_invoiced(
    customer_ids, group_ids, start: datetime.date, end: datetime.date
) -> list[tuple[int, int | None, datetime.date, Decimal]]:
    """(customer id, its group id, issue date, invoiced amount VAT included less credit notes) per day with
    invoices in [start, end), for the customers `customer_ids` and every customer of the groups `group_ids`; one
    query. Callers add up the days of the window they need."""
    if not customer_ids and not group_ids:
        return []
    rows = (
        Invoice.objects.filter(Q(customer_id__in=customer_ids) | Q(customer__group_id__in=group_ids))
        .filter(issue_date__gte=start, issue_date__lt=end)
        .values("customer_id", "customer__group_id", "issue_date")
        .annotate(amount=Coalesce(Sum(INVOICED), ZERO))
        .order_by()
    )
    return [
        (row["customer_id"], row["customer__group_id"], row["issue_date"], Decimal(row["amount"]).quantize(CENT))
        for row in rows
    ]
