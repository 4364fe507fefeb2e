"""Quote actions: create and edit drafts, send through the quote policy, decline, cancel, convert into an order at
the quoted prices (once), and the expiry job."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.catalog.models import PriceList, PriceListItem
from salesops.catalog.pricing import company_today
from salesops.core.events import snapshot
from salesops.core.models import Event
from salesops.core.scheduling import registered_jobs
from salesops.core.timezones import company_zone
from salesops.customers.actions import create_customer
from salesops.orders import quote_actions
from salesops.orders.actions import create_order, submit_order
from salesops.orders.models import OrderStatus, Quote, QuoteLine, QuoteStatus, SalesOrder
from salesops.orders.tests.fixtures import draft
from salesops.orders.tests.quote_fixtures import quote_draft, reload_quote
from salesops.testing.org import credit_code
from salesops.testing.stock import make_product

D = Decimal
S = QuoteStatus
TODAY = company_today


def event_types(quote) -> list[str]:
    return list(
        Event.objects.filter(subject_type="orders.quote", subject_id=str(quote.pk))
        .order_by("id")
        .values_list("type", flat=True)
    )


def days(count: int) -> datetime.date:
    return company_today() + datetime.timedelta(days=count)


def send(quote, actor=None):
    return quote_actions.send_quote(quote, actor=actor or quote.owner)


# --- create and edit ---------------------------------------------------------------------------------------


def test_create_makes_a_priced_draft_valid_for_thirty_days(shop):
    org = shop.org
    rep = org.a.user("sales_rep")
    quote = quote_draft(shop, quantity="2")
    assert (quote.status, quote.owner, quote.total, quote.valid_until) == (S.DRAFT, rep, D("226.00"), days(30))
    assert quote.number == f"QT-{company_today().year}-000001"
    assert (quote.office, quote.region, quote.payment_term) == (org.a.office, org.a.region, org.a.customer.payment_term)
    line = quote.lines.get()
    assert (line.unit_price, line.amount, line.tax_rate, line.tax_amount) == (
        D("100.00"),
        D("200.00"),
        D("0.1300"),
        D("26.00"),
    )
    assert event_types(quote) == ["quote.created"]
    created = Event.objects.get(type="quote.created")
    assert created.payload["data"]["lines"] == [
        {"product": "P-001", "quantity": "2", "discount_percent": "0", "unit_price": "100.00", "amount": "200.00"}
    ]


def test_quotes_and_orders_count_on_their_own_counters(shop):
    year = company_today().year
    first_order = draft(shop)
    first, second = quote_draft(shop), quote_draft(shop)
    second_order = draft(shop)
    assert (first.number, second.number) == (f"QT-{year}-000001", f"QT-{year}-000002")
    assert (first_order.number, second_order.number) == (f"SO-{year}-000001", f"SO-{year}-000002")


def test_totals_are_computed_exactly_as_an_orders(shop):
    # Given a price of 66.67 on the default list: 3 × 66.67 less 50 % = 100.005 → 100.01 (half up), and a second
    # line at 6 % VAT, with an order-level discount of 5 %
    org = shop.org
    half = make_product("P-HALF", price="80.00")
    service = make_product("P-SVC", price="33.33")
    service.tax_rate = D("0.06")
    service.save()
    prices = PriceList.objects.create(name="默认价", valid_from=company_today())
    PriceListItem.objects.create(price_list=prices, product=half, unit_price=D("66.67"))
    lines = [
        {"product": half, "quantity": "3", "discount_percent": "50"},
        {"product": service, "quantity": "1.5", "discount_percent": "0"},
        {"product": shop.product, "quantity": "2", "discount_percent": "10"},
    ]
    common = {
        "actor": org.a.user("sales_rep"),
        "customer": org.a.customer,
        "warehouse": shop.warehouse,
        "discount_percent": "5",
    }

    quote = quote_actions.create_quote(lines=lines, **common)
    order = create_order(lines=lines, **common)

    totals = ("subtotal", "discount_amount", "tax_amount", "total")
    assert [getattr(quote, field) for field in totals] == [getattr(order, field) for field in totals]
    assert [(q.unit_price, q.amount, q.tax_amount) for q in quote.lines.all()] == [
        (o.unit_price, o.amount, o.tax_amount) for o in order.lines.all()
    ]
    # 100.01 + 50.00 (1.5 × 33.33 = 49.995) + 180.00 = 330.01; less 5 % = 16.50
    assert (quote.subtotal, quote.discount_amount) == (D("330.01"), D("16.50"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"valid_until": days(-1)}, "valid_until"),
        ({"valid_until": days(367)}, "valid_until"),
        ({"valid_until": "27/11/2026"}, "valid_until"),
        ({"discount_percent": "100.5"}, "discount_percent"),
        ({"lines": []}, "lines"),
        ({"lines": [{"product": None, "quantity": "1"}]}, "lines.0.product_id"),
        ({"lines": [{"quantity": "0"}]}, "lines.0.quantity"),
        ({"lines": [{"quantity": "1", "discount_percent": "-1"}]}, "lines.0.discount_percent"),
        ({"warehouse": None}, "warehouse_id"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(shop, change, field):
    arguments = {
        "actor": shop.org.a.user("sales_rep"),
        "customer": shop.org.a.customer,
        "warehouse": shop.warehouse,
        "lines": [{"product": shop.product, "quantity": "1"}],
        **change,
    }
    for line in arguments["lines"]:
        line.setdefault("product", shop.product)
    with pytest.raises(ValidationError) as caught:
        quote_actions.create_quote(**arguments)
    assert field in caught.value.message_dict
    assert not Quote.objects.exists() and not QuoteLine.objects.exists()
    assert not Event.objects.filter(type__startswith="quote.").exists()


def test_valid_until_today_is_accepted(shop):
    assert quote_draft(shop, valid_until=days(0)).valid_until == company_today()


def test_quotes_are_for_visible_active_customers_and_selling_roles(shop):
    org = shop.org
    with pytest.raises(ValidationError) as caught:
        quote_draft(shop, customer=org.b.customer)
    assert "customer_id" in caught.value.message_dict
    inactive = create_customer(
        actor=org.a.user("sales_rep"),
        name="停业客户",
        credit_code=credit_code(),
        office=org.a.office,
        status="inactive",
    )
    with pytest.raises(ValidationError):
        quote_draft(shop, customer=inactive)
    for role in ("finance", "warehouse", "dealer"):
        with pytest.raises(PermissionDenied):
            quote_draft(shop, actor=org.a.user(role))
    assert not Quote.objects.exists()


def test_update_changes_a_draft_and_reprices_its_lines(shop):
    quote = quote_draft(shop)
    updated = quote_actions.update_quote(
        quote,
        actor=shop.org.a.user("sales_rep"),
        changes={
            "lines": [{"product": shop.product, "quantity": "3", "discount_percent": "5"}],
            "discount_percent": "2",
            "valid_until": days(10),
        },
    )
    assert [(line.quantity, line.amount) for line in updated.lines.all()] == [(D("3.000"), D("285.00"))]
    assert (updated.subtotal, updated.discount_amount, updated.tax_amount, updated.total) == (
        D("285.00"),
        D("5.70"),
        D("36.31"),
        D("315.61"),
    )
    assert reload_quote(quote).valid_until == days(10)
    event = Event.objects.get(type="quote.updated")
    assert event.payload["after"]["valid_until"] == days(10).isoformat()
    assert event_types(quote) == ["quote.created", "quote.updated"]


def test_update_refuses_sent_quotes_unknown_fields_and_past_dates(shop):
    quote = quote_draft(shop)
    rep = shop.org.a.user("sales_rep")
    for changes, field in (({"customer": shop.org.b.customer}, "customer"), ({"valid_until": days(-1)}, "valid_until")):
        with pytest.raises(ValidationError) as caught:
            quote_actions.update_quote(quote, actor=rep, changes=changes)
        assert field in caught.value.message_dict
    send(quote)
    before = snapshot(reload_quote(quote))
    with pytest.raises(ValidationError) as caught:
        quote_actions.update_quote(quote, actor=rep, changes={"discount_percent": "1"})
    assert "status" in caught.value.message_dict
    assert snapshot(reload_quote(quote)) == before


# --- send, decline, cancel ---------------------------------------------------------------------------------


def test_send_marks_the_quote_sent(shop):
    quote = send(quote_draft(shop, discount="10"))
    assert quote.status == S.SENT and quote.sent_at is not None
    assert event_types(quote) == ["quote.created", "quote.sent"]


def test_a_discount_above_the_senders_limit_waits_for_the_manager_and_a_manager_sends_it_at_once(shop):
    # Given a rep (limit 10 %) with 15 % on the line and 12 % on the quote
    org = shop.org
    quote = quote_draft(shop, discount="15", quote_discount="12")

    # The default quote policy asks the rep's manager; the customer does not get it yet
    waiting = send(quote)
    assert (waiting.status, waiting.sent_at) == (S.PENDING_APPROVAL, None)
    assert waiting.approval_reasons == ["报价折扣超出提交人的折扣权限"]

    # The team's manager (limit 20 %) sending a draft of the same content needs nobody
    other = quote_draft(shop, discount="15", quote_discount="12")
    assert send(other, actor=org.a.user("sales_manager")).status == S.SENT


def test_a_quote_past_its_validity_is_not_sent(shop):
    quote = quote_draft(shop)
    Quote.objects.filter(pk=quote.pk).update(valid_until=days(-1))
    with pytest.raises(ValidationError) as caught:
        send(reload_quote(quote))
    assert "valid_until" in caught.value.message_dict
    assert reload_quote(quote).status == S.DRAFT


def test_decline_needs_a_sent_quote_and_keeps_the_reason(shop):
    rep = shop.org.a.user("sales_rep")
    quote = quote_draft(shop)
    with pytest.raises(ValidationError) as caught:
        quote_actions.decline_quote(quote, actor=rep, comment="价格太高")
    assert "status" in caught.value.message_dict
    send(quote)
    declined = quote_actions.decline_quote(quote, actor=rep, comment="价格太高")
    assert declined.status == S.DECLINED
    assert Event.objects.get(type="quote.declined").payload["data"] == {"reason": "价格太高"}


@pytest.mark.parametrize("sent", [False, True])
def test_cancel_withdraws_a_draft_or_sent_quote_and_nothing_after(shop, sent):
    rep = shop.org.a.user("sales_rep")
    quote = quote_draft(shop)
    if sent:
        send(quote)
    assert quote_actions.cancel_quote(quote, actor=rep).status == S.CANCELLED
    for action in (quote_actions.cancel_quote, quote_actions.send_quote, quote_actions.convert_quote_to_order):
        with pytest.raises(ValidationError):
            action(quote, actor=rep)
    assert reload_quote(quote).status == S.CANCELLED
    assert not SalesOrder.objects.exists()


# --- convert -------------------------------------------------------------------------------------------------


def test_convert_creates_a_draft_order_at_the_quoted_prices(shop):
    # Given a sent quote at 100.00 (less 10 %) and a cheaper price list for everyone published afterwards
    org = shop.org
    rep = org.a.user("sales_rep")
    quote = send(quote_draft(shop, quantity="4", discount="10", quote_discount="2"))
    cheaper = PriceList.objects.create(name="促销价", valid_from=company_today())
    PriceListItem.objects.create(price_list=cheaper, product=shop.product, unit_price=D("80.00"))

    order = quote_actions.convert_quote_to_order(quote, actor=rep)

    assert (order.status, order.owner, order.customer, order.warehouse) == (
        OrderStatus.DRAFT,
        quote.owner,
        quote.customer,
        quote.warehouse,
    )
    assert [(line.product, line.quantity, line.unit_price, line.discount_percent) for line in order.lines.all()] == [
        (shop.product, D("4.000"), D("100.00"), D("10.00"))
    ]
    accepted = reload_quote(quote)
    totals = ("discount_percent", "subtotal", "discount_amount", "tax_amount", "total")
    assert [getattr(order, field) for field in totals] == [getattr(accepted, field) for field in totals]
    assert (accepted.status, accepted.converted_order) == (S.ACCEPTED, order)
    assert event_types(quote) == ["quote.created", "quote.sent", "quote.accepted"]
    event = Event.objects.get(type="quote.accepted")
    assert event.payload["after"] == {"status": "accepted", "converted_order": order.pk}
    assert event.payload["data"] == {"reason": "", "order": order.number}
    assert Event.objects.filter(type="order.created", subject_id=str(order.pk)).count() == 1


def test_a_converted_order_goes_through_the_order_pipeline(shop):
    quote = quote_draft(shop, quantity="2")
    order = quote_actions.convert_quote_to_order(quote, actor=shop.org.a.user("sales_rep"))
    assert submit_order(order, actor=shop.org.a.user("sales_rep")).status == OrderStatus.CONFIRMED


def test_converting_twice_answers_with_the_same_order(shop):
    rep = shop.org.a.user("sales_rep")
    quote = send(quote_draft(shop))
    first = quote_actions.convert_quote_to_order(quote, actor=rep)
    second = quote_actions.convert_quote_to_order(reload_quote(quote), actor=rep)
    assert first == second
    assert SalesOrder.objects.count() == 1
    assert event_types(quote).count("quote.accepted") == 1


def test_a_manager_converts_a_reps_quote_and_the_rep_keeps_the_order(shop):
    org = shop.org
    quote = quote_draft(shop)
    order = quote_actions.convert_quote_to_order(quote, actor=org.a.user("sales_manager"))
    assert order.owner == org.a.user("sales_rep")
    assert Event.objects.get(type="quote.accepted").actor == org.a.user("sales_manager")


@pytest.mark.parametrize("status", [S.DECLINED, S.EXPIRED, S.CANCELLED])
def test_closed_quotes_do_not_convert(shop, status):
    quote = quote_draft(shop)
    Quote.objects.filter(pk=quote.pk).update(status=status)
    with pytest.raises(ValidationError) as caught:
        quote_actions.convert_quote_to_order(reload_quote(quote), actor=shop.org.a.user("sales_rep"))
    assert "status" in caught.value.message_dict
    assert not SalesOrder.objects.exists()


def test_a_quote_past_its_validity_does_not_convert_even_before_the_job_ran(shop):
    quote = send(quote_draft(shop))
    Quote.objects.filter(pk=quote.pk).update(valid_until=days(-1))
    with pytest.raises(ValidationError) as caught:
        quote_actions.convert_quote_to_order(reload_quote(quote), actor=shop.org.a.user("sales_rep"))
    assert "valid_until" in caught.value.message_dict
    assert reload_quote(quote).status == S.SENT
    assert not SalesOrder.objects.exists()


def test_an_order_refused_on_conversion_leaves_the_quote_open(shop):
    # Given a quote whose product was withdrawn from sale after quoting
    quote = send(quote_draft(shop))
    shop.product.is_active = False
    shop.product.save()
    with pytest.raises(ValidationError) as caught:
        quote_actions.convert_quote_to_order(quote, actor=shop.org.a.user("sales_rep"))
    assert "lines.0.product_id" in caught.value.message_dict
    assert reload_quote(quote).status == S.SENT
    assert not SalesOrder.objects.exists()


# --- expiry --------------------------------------------------------------------------------------------------


def run_expiry_job(day: datetime.date) -> int:
    job = registered_jobs()["orders.expire_quotes"]
    assert job.schedule == "5 0 * * *"
    scheduled_at = datetime.datetime.combine(day, datetime.time(0, 5), tzinfo=company_zone())
    return job.task.call(scheduled_at=scheduled_at.isoformat())


def test_the_daily_job_expires_open_quotes_past_their_validity(shop):
    rep = shop.org.a.user("sales_rep")
    sent_late = send(quote_draft(shop))
    draft_late = quote_draft(shop)
    still_valid = send(quote_draft(shop, valid_until=days(0)))
    accepted = quote_draft(shop)
    quote_actions.convert_quote_to_order(accepted, actor=rep)
    Quote.objects.filter(pk__in=[sent_late.pk, draft_late.pk, accepted.pk]).update(valid_until=days(-1))

    # A run for an earlier day (a late or repeated run) expires nothing that was still valid then
    assert run_expiry_job(days(-1)) == 0
    assert run_expiry_job(days(0)) == 2
    assert run_expiry_job(days(0)) == 0

    statuses = {quote.pk: quote.status for quote in Quote.objects.all()}
    assert statuses == {
        sent_late.pk: S.EXPIRED,
        draft_late.pk: S.EXPIRED,
        still_valid.pk: S.SENT,
        accepted.pk: S.ACCEPTED,
    }
    expired = Event.objects.filter(type="quote.expired").order_by("subject_id")
    assert [(event.subject_id, event.actor, event.actor_label) for event in expired] == [
        (str(sent_late.pk), None, "system"),
        (str(draft_late.pk), None, "system"),
    ]
    with pytest.raises(ValidationError):
        quote_actions.convert_quote_to_order(reload_quote(sent_late), actor=rep)
