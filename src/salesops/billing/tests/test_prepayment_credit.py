"""Prepayments no invoice can use become customer credit (decision 0016): cancelled and rejected orders, a remainder
cancelled after the last invoice, a last invoice smaller than the prepayment left; that credit settles the
customer's next invoices or is refunded; it is never counted twice, by racing writers or retries."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from salesops.billing.actions import complete_invoiced_order, issue_invoice, record_payment, refund_credit
from salesops.billing.models import Refund, RefundLine, Settlement
from salesops.billing.tests.fixtures import shipped_order
from salesops.catalog.pricing import company_today
from salesops.core.dispatch import deliver_pending
from salesops.core.events import snapshot
from salesops.core.models import Event
from salesops.customers.models import Customer
from salesops.orders import actions
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.queries import credit_exposure, open_orders_amount
from salesops.orders.shipment_actions import ship_order
from salesops.orders.tests.fixtures import build_shop, draft, reload
from salesops.testing.api import api_key_for, bearer, post_json
from salesops.testing.concurrency import race
from salesops.testing.org import build_org

D = Decimal


def balances(customer) -> tuple[Decimal, Decimal]:
    customer = Customer.objects.get(pk=customer.pk)
    return customer.receivable_balance, customer.credit_balance


def prepayment(order) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(prepaid, applied to its invoices, credited, credit left) of the order as stored."""
    order = reload(order)
    return order.prepayment_amount, order.prepayment_applied, order.prepayment_credited, order.prepayment_credit_left


def credited_events(order) -> list[dict]:
    return [
        event.payload
        for event in Event.objects.filter(type="order.prepayment_credited", subject_id=str(order.pk)).order_by("id")
    ]


def confirmed(shop, quantity="2", **extra):
    order = actions.submit_order(draft(shop, quantity=quantity, **extra), actor=shop.org.a.user("sales_rep"))
    assert order.status == OrderStatus.CONFIRMED, order.hold_reason
    return order


# --- each path ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_a_confirmed_order_credits_its_prepayment_in_the_same_transaction(shop):
    org = shop.org
    order = confirmed(shop, quantity="2")  # 226.00
    actions.record_prepayment(order, actor=org.a.user("finance"), amount="200.00")
    exposure_before = credit_exposure(draft(shop), Customer.objects.get(pk=org.a.customer.pk))

    cancelled = actions.cancel_order(order, actor=org.a.user("sales_rep"), comment="客户取消")

    assert cancelled.status == OrderStatus.CANCELLED
    assert prepayment(order) == (D("200.00"), D(0), D("200.00"), D("200.00"))
    assert balances(org.a.customer) == (D(0), D("200.00"))
    [payload] = credited_events(order)
    assert payload["before"] == {"prepayment_credited": "0.00"}
    assert payload["after"] == {"prepayment_credited": "200.00"}
    assert payload["data"]["amount"] == "200.00" and payload["data"]["order_status"] == "cancelled"
    on_customer = Event.objects.get(type="customer.credited", subject_id=str(org.a.customer.pk))
    assert on_customer.payload["after"] == {"credit_balance": "200.00"}
    assert on_customer.payload["data"]["order"] == order.number
    # Exposure: the cancelled order (226.00 less 200.00 prepaid) left it, and its 200.00 is now credit.
    assert exposure_before == D("26.00") + D("113.00")
    assert credit_exposure(draft(shop), Customer.objects.get(pk=org.a.customer.pk)) == D("113.00") - D("200.00")
    with pytest.raises(ValidationError):
        actions.cancel_order(order, actor=org.a.user("sales_rep"))  # a retry credits nothing more
    assert len(credited_events(order)) == 1 and balances(org.a.customer) == (D(0), D("200.00"))


@pytest.mark.django_db
def test_a_draft_cancelled_with_its_prepayment_credits_it(shop):
    org = shop.org
    order = draft(shop)
    actions.record_prepayment(order, actor=org.a.user("finance"), amount="113.00")
    actions.cancel_order(order, actor=org.a.user("sales_rep"))
    assert prepayment(order) == (D("113.00"), D(0), D("113.00"), D("113.00"))
    assert balances(org.a.customer) == (D(0), D("113.00"))


@pytest.mark.django_db
def test_a_rejected_order_credits_its_prepayment(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, discount="15"), actor=org.a.user("sales_rep"))
    assert order.is_waiting_for_approval
    actions.record_prepayment(order, actor=org.a.user("finance"), amount="50.00")

    rejected = actions.reject_order(order, actor=org.a.user("sales_manager"), comment="折扣过高")

    assert rejected.status == OrderStatus.REJECTED
    assert prepayment(order) == (D("50.00"), D(0), D("50.00"), D("50.00"))
    assert balances(org.a.customer) == (D(0), D("50.00"))
    assert credited_events(order)[0]["data"]["order_status"] == "rejected"


@pytest.mark.django_db
def test_cancelling_the_remainder_after_the_last_invoice_credits_what_no_invoice_will_use(shop):
    org = shop.org
    order = shipped_order(shop, quantity="4", prepayment="452.00", partial="1")  # 452.00, 1 of 4 shipped
    invoice = issue_invoice(order, actor=org.a.user("finance"))
    assert (invoice.total, invoice.balance) == (D("113.00"), D(0))  # settled by the prepayment

    actions.cancel_order(reload(order), actor=org.a.user("sales_rep"), comment="客户不要了")

    assert reload(order).status == OrderStatus.SHIPPED
    assert prepayment(order) == (D("452.00"), D("113.00"), D("339.00"), D("339.00"))
    assert balances(org.a.customer) == (D(0), D("339.00"))
    assert open_orders_amount(Customer.objects.get(pk=org.a.customer.pk)) == 0
    deliver_pending()  # billing completes the order: invoiced, and paid
    complete_invoiced_order(order.pk)  # a redelivery: nothing changes
    assert reload(order).status == OrderStatus.PAID
    assert len(credited_events(order)) == 1
    assert balances(org.a.customer) == (D(0), D("339.00"))


@pytest.mark.django_db
def test_a_remainder_cancelled_before_the_last_invoice_leaves_the_prepayment_to_that_invoice(shop):
    org = shop.org
    order = shipped_order(shop, quantity="4", prepayment="300.00", partial="3")  # 452.00, 339.00 shipped
    actions.cancel_order(reload(order), actor=org.a.user("sales_rep"))
    assert prepayment(order) == (D("300.00"), D(0), D(0), D(0))  # the shipped part is still to invoice

    invoice = issue_invoice(reload(order), actor=org.a.user("finance"))

    assert (invoice.total, invoice.balance) == (D("339.00"), D("39.00"))
    assert prepayment(order) == (D("300.00"), D("300.00"), D(0), D(0))
    assert reload(order).status == OrderStatus.INVOICED
    assert credited_events(order) == []
    assert balances(org.a.customer) == (D("39.00"), D(0))


@pytest.mark.django_db
def test_a_prepayment_exactly_used_credits_nothing(shop):
    org = shop.org
    order = shipped_order(shop, quantity="2", prepayment="226.00")
    issue_invoice(order, actor=org.a.user("finance"))
    assert reload(order).status == OrderStatus.PAID
    assert prepayment(order) == (D("226.00"), D("226.00"), D(0), D(0))
    assert credited_events(order) == []
    assert balances(org.a.customer) == (D(0), D(0))


@pytest.mark.django_db
def test_a_prepayment_partly_used_by_the_last_invoice_credits_the_rest(shop):
    org = shop.org
    finance = org.a.user("finance")
    order = shipped_order(shop, quantity="4", partial="2")  # 452.00, half shipped
    first = issue_invoice(order, actor=finance)
    record_payment(actor=finance, customer=org.a.customer, amount=str(first.total), received_on=company_today())
    actions.record_prepayment(reload(order), actor=finance, amount="400.00")  # more than the 226.00 left to bill
    ship_order(reload(order), actor=org.a.user("warehouse"))

    last = issue_invoice(reload(order), actor=finance)

    assert (last.total, last.balance) == (D("226.00"), D(0))
    assert prepayment(order) == (D("400.00"), D("226.00"), D("174.00"), D("174.00"))
    assert reload(order).status == OrderStatus.PAID
    assert balances(org.a.customer) == (D(0), D("174.00"))
    assert credited_events(order)[0]["data"]["order_status"] == "invoiced"


@pytest.mark.django_db
def test_an_order_with_nothing_left_to_invoice_takes_no_prepayment(shop):
    org = shop.org
    order = shipped_order(shop, quantity="2")
    issue_invoice(order, actor=org.a.user("finance"))
    before = snapshot(reload(order))
    with pytest.raises(ValidationError) as caught:
        actions.record_prepayment(reload(order), actor=org.a.user("finance"), amount="10.00")
    assert "status" in caught.value.message_dict
    assert snapshot(reload(order)) == before


# --- the credit is used, or refunded ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_credited_prepayment_settles_the_customers_next_invoice(shop):
    org = shop.org
    cancelled = confirmed(shop, quantity="1")
    actions.record_prepayment(cancelled, actor=org.a.user("finance"), amount="100.00")
    actions.cancel_order(cancelled, actor=org.a.user("sales_rep"))
    other = shipped_order(shop, quantity="1")  # 113.00

    invoice = issue_invoice(other, actor=org.a.user("finance"))

    settlement = Settlement.objects.get(invoice=invoice)
    assert (settlement.source, settlement.prepaid_order_id, settlement.amount) == (
        "credited_prepayment",
        cancelled.pk,
        D("100.00"),
    )
    assert reload(invoice.order).status == OrderStatus.INVOICED
    assert invoice.balance == D("13.00")
    assert prepayment(cancelled) == (D("100.00"), D(0), D("100.00"), D(0))
    assert balances(org.a.customer) == (D("13.00"), D(0))


@pytest.mark.django_db
def test_finance_refunds_a_credited_prepayment(shop):
    org = shop.org
    finance = org.a.user("finance")
    order = confirmed(shop, quantity="1")
    actions.record_prepayment(order, actor=finance, amount="113.00")
    actions.cancel_order(order, actor=org.a.user("sales_rep"))
    record_payment(actor=finance, customer=org.a.customer, amount="20.00", received_on=company_today())

    refund = refund_credit(
        actor=finance, customer=org.a.customer, amount="120.00", paid_on=company_today(), reference="退款"
    )

    assert refund.number == f"REF-{company_today().year}-000001"
    lines = [(line.source, line.amount) for line in RefundLine.objects.filter(refund=refund).order_by("pk")]
    assert lines == [("payment", D("20.00")), ("credited_prepayment", D("100.00"))]
    assert prepayment(order) == (D("113.00"), D(0), D("113.00"), D("13.00"))
    assert balances(org.a.customer) == (D(0), D("13.00"))
    recorded = Event.objects.get(type="refund.recorded", subject_id=str(refund.pk))
    assert [source["from"] for source in recorded.payload["data"]["sources"]] == [
        refund.lines.get(source="payment").payment.number,
        order.number,
    ]
    refunded = Event.objects.get(type="customer.credit_refunded", subject_id=str(org.a.customer.pk))
    assert (refunded.payload["before"], refunded.payload["after"]) == (
        {"credit_balance": "133.00"},
        {"credit_balance": "13.00"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "change", "error"),
    [
        ("finance", {"amount": "113.01"}, "amount"),
        ("finance", {"amount": "0"}, "amount"),
        ("finance", {"paid_on": "2999-01-01"}, "paid_on"),
        ("finance", {"method": "bitcoin"}, "method"),
        ("sales_rep", {}, None),
    ],
)
def test_a_refund_above_the_credit_or_by_anyone_but_finance_changes_nothing(shop, who, change, error):
    org = shop.org
    order = confirmed(shop, quantity="1")
    actions.record_prepayment(order, actor=org.a.user("finance"), amount="113.00")
    actions.cancel_order(order, actor=org.a.user("sales_rep"))
    before = (snapshot(reload(order)), balances(org.a.customer))
    arguments = {"amount": "50.00", "paid_on": company_today(), **change}

    with pytest.raises(ValidationError if error else PermissionDenied) as caught:
        refund_credit(actor=org.a.user(who), customer=org.a.customer, **arguments)

    if error:
        assert list(caught.value.message_dict) == [error]
    assert (snapshot(reload(order)), balances(org.a.customer)) == before
    assert Refund.objects.count() == 0


# --- API and pages -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refunds_through_the_api_are_idempotent(shop, client):
    org = shop.org
    order = confirmed(shop, quantity="1")
    actions.record_prepayment(order, actor=org.a.user("finance"), amount="113.00")
    headers = bearer(api_key_for(org.a.user("finance"), ["billing:read", "billing:write"]))
    body = {"customer_id": org.a.customer.pk, "amount": "60.00", "paid_on": company_today().isoformat()}
    cancel_headers = bearer(api_key_for(org.a.user("sales_rep")))

    cancelled = post_json(client, f"/api/v1/orders/{order.pk}/cancel", {}, HTTP_IDEMPOTENCY_KEY="c-1", **cancel_headers)
    again = post_json(client, f"/api/v1/orders/{order.pk}/cancel", {}, HTTP_IDEMPOTENCY_KEY="c-1", **cancel_headers)
    assert cancelled.status_code == 200, cancelled.content
    assert again.json() == cancelled.json()
    assert (cancelled.json()["prepayment_credited"], cancelled.json()["prepayment_credit_left"]) == ("113.00", "113.00")

    created = post_json(client, "/api/v1/refunds", body, HTTP_IDEMPOTENCY_KEY="r-1", **headers)
    retried = post_json(client, "/api/v1/refunds", body, HTTP_IDEMPOTENCY_KEY="r-1", **headers)
    conflict = post_json(client, "/api/v1/refunds", {**body, "amount": "61.00"}, HTTP_IDEMPOTENCY_KEY="r-1", **headers)
    too_much = post_json(client, "/api/v1/refunds", {**body, "amount": "53.01"}, HTTP_IDEMPOTENCY_KEY="r-2", **headers)

    assert created.status_code == 201, created.content
    assert retried.json() == created.json()
    assert conflict.status_code == 409
    assert too_much.status_code == 422 and "amount" in str(too_much.json())
    assert Refund.objects.count() == 1 and balances(org.a.customer) == (D(0), D("53.00"))
    assert created.json()["lines"] == [{"source": "credited_prepayment", "reference": order.number, "amount": "60.00"}]
    listed = client.get(f"/api/v1/refunds?customer_id={org.a.customer.pk}", **headers).json()
    assert [item["number"] for item in listed["results"]] == [created.json()["number"]]
    outsider = bearer(api_key_for(org.b.user("finance"), ["billing:read"]))
    assert client.get(f"/api/v1/refunds/{created.json()['id']}", **outsider).status_code == 404
    assert len(credited_events(order)) == 1


@pytest.mark.django_db
def test_the_pages_show_the_credited_prepayment_and_finance_refunds_it(shop, client_for):
    org = shop.org
    order = confirmed(shop, quantity="1")
    actions.record_prepayment(order, actor=org.a.user("finance"), amount="113.00")
    actions.cancel_order(order, actor=org.a.user("sales_rep"))
    credit_url = reverse("billing:customer_credit", args=[org.a.customer.pk])

    order_page = client_for(org.a.user("sales_rep")).get(reverse("orders:detail", args=[order.pk]))
    customer_page = client_for(org.a.user("sales_rep")).get(reverse("customers:detail", args=[org.a.customer.pk]))
    rep_credit = client_for(org.a.user("sales_rep")).get(credit_url)
    rep_post = client_for(org.a.user("sales_rep")).post(credit_url, {"amount": "10.00"})

    assert 'data-testid="prepayment-credited">¥113.00' in order_page.content.decode()
    assert 'data-event-type="order.prepayment_credited"' in order_page.content.decode()
    assert 'data-event-type="customer.credited"' in customer_page.content.decode()
    assert credit_url in customer_page.content.decode()
    assert order.number in rep_credit.content.decode() and "action-refund" not in rep_credit.content.decode()
    assert rep_post.status_code == 403
    assert balances(org.a.customer) == (D(0), D("113.00"))

    finance = client_for(org.a.user("finance"))
    assert "action-refund" in finance.get(credit_url).content.decode()
    posted = finance.post(
        credit_url, {"amount": "113.00", "paid_on": company_today().isoformat(), "method": "bank_transfer"}
    )
    assert posted.status_code == 302
    assert balances(org.a.customer) == (D(0), D(0))
    assert client_for(org.b.user("finance")).get(credit_url).status_code == 404


# --- competing writers and retries -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cancelling_while_invoicing_never_credits_and_applies_the_same_money():
    org = build_org()
    shop = build_shop(org)
    finance, rep = org.a.user("finance"), org.a.user("sales_rep")
    orders = [shipped_order(shop, quantity="2", prepayment="226.00", partial="1") for _ in range(3)]

    def write(job):
        kind, order = job
        if kind == "invoice":
            issue_invoice(reload(order), actor=finance)
        else:
            actions.cancel_order(reload(order), actor=rep)

    for order in orders:
        # Two of each: whichever comes second finds nothing to invoice or nothing to cancel.
        errors = race([("invoice", order), ("cancel", order), ("invoice", order), ("cancel", order)], write)
        assert len(errors) == 2 and all(error.startswith("ValidationError") for error in errors), errors
    deliver_pending()
    deliver_pending()  # a second pass finds nothing to do

    for order in orders:
        assert reload(order).status == OrderStatus.PAID
        assert prepayment(order) == (D("226.00"), D("113.00"), D("113.00"), D("113.00"))
        assert len(credited_events(order)) == 1
        assert Settlement.objects.get(invoice__order=order).amount == D("113.00")
    assert balances(org.a.customer) == (D(0), D("339.00"))
    assert Event.objects.filter(type="customer.credited").count() == 3
    assert SalesOrder.objects.filter(prepayment_credit_left__gt=0).count() == 3


@pytest.mark.django_db
def test_prepayments_stranded_before_the_rule_are_credited_once_by_the_command(shop):
    org = shop.org
    stranded = confirmed(shop, quantity="1")
    actions.record_prepayment(stranded, actor=org.a.user("finance"), amount="113.00")
    actions.cancel_order(stranded, actor=org.a.user("sales_rep"))
    open_order = confirmed(shop, quantity="1")
    actions.record_prepayment(open_order, actor=org.a.user("finance"), amount="13.00")
    # As an order cancelled before decision 0016 was left: its prepayment unused, the customer without credit.
    SalesOrder.objects.filter(pk=stranded.pk).update(prepayment_credited=0, prepayment_credit_left=0)
    Customer.objects.filter(pk=org.a.customer.pk).update(credit_balance=0)
    out = io.StringIO()

    call_command("credit_stranded_prepayments", stdout=out)
    call_command("credit_stranded_prepayments", stdout=io.StringIO())

    assert out.getvalue().splitlines() == [f"{stranded.number}: 113.00 CNY credited", "1 orders credited."]
    assert prepayment(stranded) == (D("113.00"), D(0), D("113.00"), D("113.00"))
    assert prepayment(open_order) == (D("13.00"), D(0), D(0), D(0))  # its invoices will use it
    assert balances(org.a.customer) == (D(0), D("113.00"))
    assert len(credited_events(stranded)) == 2  # the one reverted above, and the command's
