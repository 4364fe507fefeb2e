"""The demo data loads through the actions, is deterministic, and is consistent."""

from decimal import Decimal

from django.db.models import Sum

from salesops.accounts.demo import load_demo_organisation
from salesops.accounts.models import Role, User
from salesops.catalog.demo import load_demo_catalog
from salesops.catalog.models import PriceListItem, Product
from salesops.customers.credit_code import validate_credit_code
from salesops.customers.demo import load_demo_customers
from salesops.customers.models import Customer
from salesops.inventory.demo import load_demo_stock
from salesops.inventory.models import StockLevel, StockMovement


def test_demo_company_loads_once_and_adds_up(db):
    logins = load_demo_organisation()
    assert {login.role for login in logins} == set(Role.values)
    assert load_demo_customers(per_rep=2) == 2 * User.objects.filter(role=Role.SALES_REP).count()
    assert load_demo_catalog(products_per_line=3) == 24
    assert load_demo_stock() > 0

    # A second run changes nothing
    assert (load_demo_customers(), load_demo_catalog(), load_demo_stock()) == (0, 0, 0)
    assert len(load_demo_organisation()) == len(logins)

    for customer in Customer.objects.all():
        assert validate_credit_code(customer.credit_code) == customer.credit_code
        assert customer.region == customer.office.region
    assert PriceListItem.objects.count() == 2 * Product.objects.count()
    ledger = StockMovement.objects.aggregate(total=Sum("on_hand_change"))["total"]
    assert ledger == StockLevel.objects.aggregate(total=Sum("on_hand"))["total"]


def test_the_demo_history_replays_a_consistent_past_with_late_payers(db):
    from datetime import timedelta

    from salesops.billing.models import CreditNote, Invoice, MonthEndReceivable, Payment, Refund, Settlement
    from salesops.core import clock
    from salesops.core.models import Event
    from salesops.orders.models import SalesOrder
    from salesops.web.demo_history import load_demo_history

    load_demo_organisation()
    load_demo_customers(total=60)
    load_demo_catalog(products_per_line=4)
    load_demo_stock()

    report = load_demo_history(days=120, orders_per_day=1.5)

    assert report.orders == SalesOrder.objects.count() > 80
    assert report.invoices == Invoice.objects.count() > 50 and report.payments == Payment.objects.count() > 20
    assert load_demo_history(days=120) is None  # loads once
    from salesops.orders.models import Quote

    quotes = set(Quote.objects.values_list("status", flat=True))
    assert report.quotes == Quote.objects.exclude(status="draft").count() > 10
    assert {"accepted", "declined"} <= quotes and SalesOrder.objects.filter(quote__isnull=False).exists()
    today = clock.today()
    first = SalesOrder.objects.order_by("created_at").first().created_at
    assert today - timedelta(days=121) <= first.date() < today - timedelta(days=100)
    assert Event.objects.filter(type="order.created").order_by("occurred_at").first().occurred_at == first
    overdue = Invoice.objects.filter(status="open", due_date__lt=today)
    assert overdue.exists()  # late payers leave overdue invoices
    assert MonthEndReceivable.objects.filter(days_past_due__gt=0).exists()

    # The books balance: receivables - customer credit = invoices - credit notes - payments - prepayments (applied to
    # their orders' invoices or credited to the customer, decision 0016) + refunds.
    # Summed in Python: SQLite's SUM over decimals is floating point.
    def total(queryset, field):
        return sum(queryset.values_list(field, flat=True), Decimal(0))

    receivable = total(Customer.objects.all(), "receivable_balance") - total(Customer.objects.all(), "credit_balance")
    invoiced, credited = total(Invoice.objects.all(), "total"), total(CreditNote.objects.all(), "total")
    paid = total(Payment.objects.all(), "amount")
    prepaid = total(Settlement.objects.filter(source="prepayment"), "amount")
    credited_prepayments = total(SalesOrder.objects.all(), "prepayment_credited")
    refunded = total(Refund.objects.all(), "amount")
    assert receivable == invoiced - credited - paid - prepaid - credited_prepayments + refunded
    ledger = StockMovement.objects.aggregate(total=Sum("on_hand_change"))["total"]
    assert ledger == StockLevel.objects.aggregate(total=Sum("on_hand"))["total"]
