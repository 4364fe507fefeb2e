"""Billing actions: invoices from shipped quantities, payments and customer credit, red-letter corrections."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.billing.actions import (
    complete_invoiced_order,
    confirm_correction,
    issue_invoice,
    record_month_end,
    record_payment,
    reject_correction,
    request_correction,
)
from salesops.billing.models import CorrectionRequest, CreditNote, Invoice, MonthEndReceivable, Payment, Settlement
from salesops.billing.tests.fixtures import shipped_order
from salesops.catalog.pricing import company_today
from salesops.core.dispatch import deliver_pending
from salesops.core.models import Event
from salesops.customers.actions import set_credit_terms
from salesops.customers.models import Customer
from salesops.orders.actions import cancel_order, submit_order
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import draft
from salesops.testing.stock import ledger_totals, level

pytestmark = pytest.mark.django_db


def balances(customer) -> tuple[Decimal, Decimal]:
    customer = Customer.objects.get(pk=customer.pk)
    return customer.receivable_balance, customer.credit_balance


def test_an_invoice_covers_the_shipped_order_and_the_order_becomes_invoiced(shop):
    order = shipped_order(shop, quantity="4")
    finance = shop.org.a.user("finance")

    invoice = issue_invoice(order, actor=finance)

    assert invoice.number == f"INV-{company_today().year}-000001"
    assert (invoice.net_amount, invoice.tax_amount, invoice.total) == (Decimal("400.00"), Decimal("52.00"), order.total)
    assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=30)  # the customer's net 30 term
    line = invoice.lines.get()
    assert (line.quantity, line.unit_price, line.tax_rate) == (Decimal(4), Decimal("100.000000"), Decimal("0.1300"))
    order = SalesOrder.objects.get(pk=order.pk)
    assert (order.status, order.invoiced_amount) == (OrderStatus.INVOICED, order.total)
    assert order.lines.get().invoiced_quantity == 4
    assert balances(shop.org.a.customer) == (Decimal("452.00"), Decimal(0))
    assert Event.objects.filter(type="invoice.issued", subject_id=str(invoice.pk)).count() == 1
    with pytest.raises(ValidationError) as error:
        issue_invoice(order, actor=finance)
    assert "order_id" in error.value.message_dict


def test_partial_invoices_add_up_to_the_order_total_to_the_cent(shop):
    shop.product.list_price = Decimal("33.33")
    shop.product.save()
    order = shipped_order(shop, quantity="3", partial="1", order_discount="7.5", discount="3")
    finance = shop.org.a.user("finance")
    first = issue_invoice(order, actor=finance)
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PARTIALLY_SHIPPED

    ship_order(
        order, actor=shop.org.a.user("warehouse"), lines=[{"order_line_id": order.lines.get().pk, "quantity": "1"}]
    )
    second = issue_invoice(order, actor=finance)
    ship_order(order, actor=shop.org.a.user("warehouse"))
    third = issue_invoice(order, actor=finance)

    order = SalesOrder.objects.get(pk=order.pk)
    assert first.total + second.total + third.total == order.total
    assert first.tax_amount + second.tax_amount + third.tax_amount == order.tax_amount
    assert order.status == OrderStatus.INVOICED
    numbers = [int(invoice.number[-6:]) for invoice in (first, second, third)]
    assert numbers == [1, 2, 3]


def test_a_prepayment_settles_the_invoice_and_a_fully_paid_order_is_paid(shop):
    order = shipped_order(shop, quantity="2", prepayment="226.00")

    invoice = issue_invoice(order, actor=shop.org.a.user("finance"))

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.settled_on) == (Invoice.Status.SETTLED, 0, company_today())
    assert Settlement.objects.get(invoice=invoice).source == Settlement.Source.PREPAYMENT
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert balances(shop.org.a.customer) == (Decimal(0), Decimal(0))


def test_payments_settle_the_oldest_invoice_first_and_overpayment_becomes_credit_for_the_next_invoice(shop):
    finance = shop.org.a.user("finance")
    customer = shop.org.a.customer
    first = issue_invoice(shipped_order(shop, quantity="1"), actor=finance)  # 113.00
    second = issue_invoice(shipped_order(shop, quantity="2"), actor=finance)  # 226.00

    payment = record_payment(actor=finance, customer=customer, amount="400.00", received_on=company_today())

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Invoice.Status.SETTLED
    assert payment.unapplied_amount == Decimal("61.00")
    assert balances(customer) == (Decimal(0), Decimal("61.00"))
    third = issue_invoice(shipped_order(shop, quantity="1"), actor=finance)
    third.refresh_from_db()
    assert third.balance == Decimal("52.00")
    assert balances(customer) == (Decimal("52.00"), Decimal(0))
    assert Payment.objects.get(pk=payment.pk).unapplied_amount == 0


def test_a_partial_payment_named_against_an_invoice_leaves_the_rest_open(shop):
    finance = shop.org.a.user("finance")
    invoice = issue_invoice(shipped_order(shop, quantity="2"), actor=finance)

    record_payment(
        actor=finance,
        customer=shop.org.a.customer,
        amount="100.00",
        received_on=company_today(),
        method="acceptance_bill",
        allocations=[{"invoice_id": invoice.pk, "amount": "100.00"}],
    )

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (Invoice.Status.OPEN, Decimal("126.00"))
    assert SalesOrder.objects.get(pk=invoice.order_id).status == OrderStatus.INVOICED
    assert balances(shop.org.a.customer) == (Decimal("126.00"), Decimal(0))


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"received_on": "2999-01-01"}, "received_on"),
        ({"received_on": "yesterday"}, "received_on"),
        ({"method": "bitcoin"}, "method"),
        ({"allocations": [{"invoice_id": 999999, "amount": "1.00"}]}, "allocations.0.invoice_id"),
        ({"allocations": [{"invoice_id": "INV", "amount": "500.00"}]}, "allocations.0.amount"),
        ({"amount": "10.00", "allocations": [{"invoice_id": "INV", "amount": "20.00"}]}, "allocations"),
    ],
)
def test_bad_payments_name_the_field_and_change_nothing(shop, change, field):
    finance = shop.org.a.user("finance")
    invoice = issue_invoice(shipped_order(shop, quantity="2"), actor=finance)
    arguments = {"amount": "100.00", "received_on": company_today().isoformat(), "method": "bank_transfer", **change}
    if "allocations" in arguments:
        arguments["allocations"] = [
            {**item, "invoice_id": invoice.pk if item["invoice_id"] == "INV" else item["invoice_id"]}
            for item in arguments["allocations"]
        ]

    with pytest.raises(ValidationError) as error:
        record_payment(actor=finance, customer=shop.org.a.customer, **arguments)

    assert field in error.value.message_dict
    assert Payment.objects.count() == Settlement.objects.count() == 0
    assert balances(shop.org.a.customer) == (Decimal("226.00"), Decimal(0))


def test_only_finance_bills(shop):
    order = shipped_order(shop)
    with pytest.raises(PermissionDenied):
        issue_invoice(order, actor=shop.org.a.user("sales_rep"))
    with pytest.raises(PermissionDenied):
        record_payment(
            actor=shop.org.a.user("sales_manager"),
            customer=shop.org.a.customer,
            amount="1",
            received_on=company_today(),
        )
    assert Invoice.objects.count() == Payment.objects.count() == 0


def test_a_return_is_credited_by_a_red_letter_note_after_a_second_person_confirms(shop):
    finance, controller = shop.org.a.user("finance"), shop.org.b.user("finance")
    controller.org_unit = finance.org_unit
    controller.save()
    invoice = issue_invoice(shipped_order(shop, quantity="4"), actor=finance)
    line = invoice.lines.get()
    stock_before = level(shop.product, shop.warehouse).on_hand

    request = request_correction(
        invoice,
        actor=finance,
        kind="return",
        reason="客户退货 1 台",
        lines=[{"invoice_line_id": line.pk, "quantity": "1"}],
    )
    assert (request.total, request.status) == (Decimal("113.00"), CorrectionRequest.Status.REQUESTED)
    assert Invoice.objects.get(pk=invoice.pk).credited_amount == 0  # nothing changes before confirmation
    with pytest.raises(PermissionDenied):
        confirm_correction(request, actor=finance)

    note = confirm_correction(request, actor=controller, comment="已核对")

    assert note.number.startswith("CN-") and (note.total, note.invoice_amount, note.unapplied_amount) == (
        Decimal("113.00"),
        Decimal("113.00"),
        Decimal(0),
    )
    invoice.refresh_from_db()
    assert (invoice.total, invoice.credited_amount, invoice.balance) == (
        Decimal("452.00"),
        Decimal("113.00"),
        Decimal("339.00"),
    )
    assert balances(shop.org.a.customer) == (Decimal("339.00"), Decimal(0))
    assert level(shop.product, shop.warehouse).on_hand == stock_before + 1
    assert ledger_totals(shop.product, shop.warehouse)[0] == stock_before + 1
    line.refresh_from_db()
    assert line.credited_quantity == 1
    with pytest.raises(ValidationError):
        confirm_correction(request, actor=controller)
    with pytest.raises(ValidationError) as error:
        request_correction(
            invoice, actor=finance, kind="return", reason="再退", lines=[{"invoice_line_id": line.pk, "quantity": "4"}]
        )
    assert "lines.0.quantity" in error.value.message_dict


def test_crediting_a_paid_invoice_gives_customer_credit(shop):
    finance, admin = shop.org.a.user("finance"), shop.org.admin
    invoice = issue_invoice(shipped_order(shop, quantity="2"), actor=finance)
    record_payment(actor=finance, customer=shop.org.a.customer, amount="226.00", received_on=company_today())

    request = request_correction(
        invoice,
        actor=finance,
        kind="price",
        reason="价格调整",
        lines=[{"invoice_line_id": invoice.lines.get().pk, "net_amount": "50.00"}],
    )
    note = confirm_correction(request, actor=admin)

    assert (note.total, note.invoice_amount, note.unapplied_amount) == (Decimal("56.50"), 0, Decimal("56.50"))
    assert balances(shop.org.a.customer) == (Decimal(0), Decimal("56.50"))
    assert SalesOrder.objects.get(pk=invoice.order_id).status == OrderStatus.PAID


def test_a_rejected_correction_changes_no_invoice(shop):
    finance = shop.org.a.user("finance")
    invoice = issue_invoice(shipped_order(shop), actor=finance)
    request = request_correction(
        invoice,
        actor=finance,
        kind="price",
        reason="x",
        lines=[{"invoice_line_id": invoice.lines.get().pk, "net_amount": "1.00"}],
    )
    with pytest.raises(ValidationError):
        reject_correction(request, actor=shop.org.admin, comment="")
    reject_correction(request, actor=shop.org.admin, comment="依据不足")
    assert CorrectionRequest.objects.get(pk=request.pk).status == CorrectionRequest.Status.REJECTED
    assert CreditNote.objects.count() == 0 and Invoice.objects.get(pk=invoice.pk).credited_amount == 0


def test_open_receivables_count_toward_credit_exposure(shop):
    finance = shop.org.a.user("finance")
    customer = shop.org.a.customer
    issue_invoice(shipped_order(shop, quantity="4"), actor=finance)  # 452.00 open
    set_credit_terms(customer, actor=shop.org.admin, credit_limit=Decimal("500.00"))

    order = submit_order(draft(shop, quantity="1"), actor=shop.org.a.user("sales_rep"))  # 113.00 more

    assert order.status == OrderStatus.ON_HOLD and "565.00" in order.hold_reason
    record_payment(actor=finance, customer=customer, amount="452.00", received_on=company_today())
    order = submit_order(draft(shop, quantity="1"), actor=shop.org.a.user("sales_rep"))
    assert order.status == OrderStatus.CONFIRMED


def test_month_end_receivables_are_rebuilt_from_history(shop):
    finance = shop.org.a.user("finance")
    customer = shop.org.a.customer
    late = issue_invoice(shipped_order(shop, quantity="1"), actor=finance)
    paid = issue_invoice(shipped_order(shop, quantity="2"), actor=finance)
    record_payment(
        actor=finance,
        customer=customer,
        amount="226.00",
        received_on=company_today(),
        allocations=[{"invoice_id": paid.pk, "amount": "226.00"}],
    )
    # Move the history back in time: both issued in January, due on 20 January; `paid` settled on 10 February.
    year = company_today().year - 1
    Invoice.objects.filter(pk__in=[late.pk, paid.pk]).update(
        issue_date=datetime.date(year, 1, 5), due_date=datetime.date(year, 1, 20)
    )
    Invoice.objects.filter(pk=paid.pk).update(settled_on=datetime.date(year, 2, 10))
    Settlement.objects.filter(invoice=paid).update(settled_on=datetime.date(year, 2, 10))

    assert record_month_end(datetime.date(year, 1, 1)) == 1
    january = MonthEndReceivable.objects.get(customer=customer, month=datetime.date(year, 1, 1))
    assert (january.open_amount, january.overdue_amount, january.days_past_due) == (
        Decimal("339.00"),
        Decimal("339.00"),
        11,
    )
    record_month_end(datetime.date(year, 2, 1))
    february = MonthEndReceivable.objects.get(customer=customer, month=datetime.date(year, 2, 1))
    days = (datetime.date(year, 3, 1) - datetime.timedelta(days=1) - datetime.date(year, 1, 20)).days
    assert (february.open_amount, february.days_past_due) == (Decimal("113.00"), days)
    record_month_end(datetime.date(year, 2, 1))  # again: same row, same figures
    assert MonthEndReceivable.objects.filter(customer=customer).count() == 2


def test_the_monthly_job_records_the_month_before_its_scheduled_day(shop):
    from salesops.billing.tasks import record_last_month_end

    finance = shop.org.a.user("finance")
    invoice = issue_invoice(shipped_order(shop, quantity="1"), actor=finance)
    Invoice.objects.filter(pk=invoice.pk).update(
        issue_date=datetime.date(2026, 3, 2), due_date=datetime.date(2026, 4, 1)
    )

    written = record_last_month_end.call(scheduled_at="2026-05-01T01:30:00+08:00")

    assert written == 1
    row = MonthEndReceivable.objects.get(customer=shop.org.a.customer)
    assert (row.month, row.open_amount, row.days_past_due) == (datetime.date(2026, 4, 1), Decimal("113.00"), 29)


def test_cancelling_the_remainder_after_the_last_invoice_completes_the_order(shop):
    org = shop.org
    order = shipped_order(shop, quantity="4", partial="1")
    invoice = issue_invoice(order, actor=org.a.user("finance"))
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PARTIALLY_SHIPPED
    record_payment(
        actor=org.a.user("finance"), customer=org.a.customer, amount=str(invoice.total), received_on=company_today()
    )

    cancel_order(SalesOrder.objects.get(pk=order.pk), actor=org.a.user("sales_rep"), comment="客户不要了")
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    deliver_pending()  # the billing handler of order.shipped
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PAID
    complete_invoiced_order(order.pk)  # again: nothing changes
    assert list(
        Event.objects.filter(
            subject_type="orders.salesorder", subject_id=str(order.pk), type__in=["order.invoiced", "order.paid"]
        )
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["order.invoiced", "order.paid"]


def test_an_order_shipped_in_full_waits_for_its_invoice(shop):
    order = shipped_order(shop, quantity="2")
    complete_invoiced_order(order.pk)
    assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
