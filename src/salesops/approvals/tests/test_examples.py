"""The issue's four example policies, end to end through the order path."""

from decimal import Decimal

from salesops.approvals.actions import approve_task
from salesops.approvals.models import RequestStatus, StepStatus
from salesops.approvals.tests.helpers import (
    DIRECTOR,
    GENERAL_MANAGER,
    MANAGER,
    pending,
    request_of,
    role,
    rule,
    step,
    submit,
    task_of,
    use_policy,
)
from salesops.core import clock
from salesops.core.dispatch import deliver_pending
from salesops.core.models import CustomFieldDefinition, Event, Notification
from salesops.customers.actions import set_credit_status, set_credit_terms, update_customer
from salesops.orders.models import OrderStatus
from salesops.orders.tests.fixtures import reload
from salesops.testing.stock import level

THREE_LEVELS = rule(
    "Orders under 500,000",
    "order.total < 500000",
    step("Manager", MANAGER, due_hours=2),
    step("Regional director", DIRECTOR, due_hours=2),
    step("Finance", role("finance"), due_hours=2),
)
SPECIAL_DISCOUNT = rule(
    "Special discount",
    "order.lines.exists(l, l.discount_percent > submitter.discount_limit)",
    step("Risk control", role("risk_officer")),
    notify=[MANAGER],
    message="A line's discount is beyond the rep's limit.",
)
RISKY_CUSTOMER = rule(
    "Risky customer",
    "customer.custom.risk_tier in ['C', 'D', 'E'] || customer.credit_status == 'frozen'",
    step("Finance", role("finance")),
)
LARGE_ORDER = rule(
    "Orders of 500,000 or more",
    "order.total >= 500000",
    step("Regional director", DIRECTOR),
    step("General manager", GENERAL_MANAGER, parallel=True),
)


def test_three_level_chain_with_working_hour_due_times(shop, tuesday_morning):
    org = shop.org
    use_policy(org.admin, THREE_LEVELS, total_due_hours=2)
    with clock.simulated(tuesday_morning):
        order = submit(shop, quantity="10")
    request = request_of(order)
    assert (reload(order).status, request.status) == (OrderStatus.SUBMITTED, RequestStatus.PENDING)
    assert pending(request) == [("Manager", "sales_manager_a")]
    steps = list(request.steps.order_by("position"))
    assert [(s.name, s.stage, s.status) for s in steps] == [
        ("Manager", 0, StepStatus.ACTIVE),
        ("Regional director", 1, StepStatus.WAITING),
        ("Finance", 2, StepStatus.WAITING),
    ]
    # Due two working hours after 10:00 on a working Tuesday: 12:00 Shanghai, 04:00 UTC; the whole chain too.
    assert steps[0].due_at == tuesday_morning.replace(hour=4)
    assert request.due_at == tuesday_morning.replace(hour=4)

    for role_name, hour in (("sales_manager", 3), ("regional_director", 5), ("finance", 6)):
        approver = org.a.user(role_name)
        with clock.simulated(tuesday_morning.replace(hour=hour)):
            approve_task(task_of(request, approver), actor=approver)
    # The director's step started at 11:00 Shanghai (03:00 UTC): due at 13:00 plus the lunch hour → 14:00.
    director = request.steps.get(name="Regional director")
    assert director.started_at == tuesday_morning.replace(hour=3)
    assert director.due_at == tuesday_morning.replace(hour=6)
    request.refresh_from_db()
    order = reload(order)
    assert (request.status, order.status, order.is_stock_reserved) == (
        RequestStatus.APPROVED,
        OrderStatus.CONFIRMED,
        True,
    )
    assert order.approved_by == org.a.user("finance")
    assert level(shop.product, shop.warehouse).reserved == Decimal("10")


def test_special_discount_goes_to_risk_control_and_tells_the_manager(shop):
    org = shop.org
    use_policy(org.admin, SPECIAL_DISCOUNT)
    order = submit(shop, discount="15")  # the rep may give 10 %
    request = request_of(order)
    assert pending(request) == [("Risk control", "risk_officer_a")]
    assert request.matched_rules == [
        {"name": "Special discount", "outcome": "route", "message": "A line's discount is beyond the rep's limit."}
    ]
    assert reload(order).approval_reasons == ["A line's discount is beyond the rep's limit."]
    created = Event.objects.get(type="approval_request.created", subject_id=str(request.pk))
    assert created.payload["data"]["notify"] == [org.a.user("sales_manager").pk]
    deliver_pending()
    manager_notes = Notification.objects.filter(recipient=org.a.user("sales_manager"))
    assert [n.url for n in manager_notes] == [f"/approvals/requests/{request.pk}/"]
    assert (
        Notification.objects.filter(recipient=org.a.user("risk_officer"), url__endswith=f"/{request.pk}/").count() == 1
    )
    # Within the limit: the rule does not catch it, nothing to approve.
    assert reload(submit(shop, discount="10")).status == OrderStatus.CONFIRMED


def define_risk_tier():
    CustomFieldDefinition.objects.create(
        model="customers.customer",
        name="risk_tier",
        label="风险等级",
        field_type="choice",
        choices=["A", "B", "C", "D", "E"],
    )


def test_risky_customers_need_finance_whatever_the_amount(shop):
    org = shop.org
    define_risk_tier()
    use_policy(org.admin, RISKY_CUSTOMER)
    customer = org.a.customer
    assert reload(submit(shop, quantity="1")).status == OrderStatus.CONFIRMED  # no tier yet: nothing to approve
    update_customer(customer, actor=org.admin, changes={"custom_fields": {"risk_tier": "C"}})
    order = submit(shop, quantity="1")
    assert pending(request_of(order)) == [("Finance", "finance_a")]
    # Frozen credit: a prepay order passes the credit check, and still goes to finance.
    update_customer(customer, actor=org.admin, changes={"custom_fields": {"risk_tier": "A"}})
    set_credit_terms(customer, actor=org.admin, payment_term="prepay")
    set_credit_status(customer, actor=org.admin, status="frozen", reason="涉诉")
    order = submit(shop, quantity="1")
    assert (reload(order).status, pending(request_of(order))) == (OrderStatus.SUBMITTED, [("Finance", "finance_a")])


def test_large_orders_need_director_and_general_manager_in_parallel(shop):
    org = shop.org
    general_manager = org.b.user("regional_director")  # the company's manager in this test
    org.company.manager = general_manager
    org.company.save()
    use_policy(org.admin, LARGE_ORDER)
    order = submit(shop, quantity="4425")  # 442,500.00 + 13 % VAT = 500,025.00
    assert reload(order).total == Decimal("500025.00")
    request = request_of(order)
    assert pending(request) == [
        ("Regional director", "regional_director_a"),
        ("General manager", "regional_director_b"),
    ]
    approve_task(task_of(request, general_manager), actor=general_manager)
    assert reload(order).status == OrderStatus.SUBMITTED  # both are required
    director = org.a.user("regional_director")
    approve_task(task_of(request, director), actor=director)
    assert reload(order).status == OrderStatus.CONFIRMED
    assert reload(submit(shop, quantity="4424")).status == OrderStatus.CONFIRMED  # 499,912.00: no rule


def test_the_four_rules_together_merge_into_one_chain(shop):
    org = shop.org
    org.company.manager = org.b.user("regional_director")
    org.company.save()
    define_risk_tier()
    use_policy(org.admin, SPECIAL_DISCOUNT, RISKY_CUSTOMER, LARGE_ORDER, THREE_LEVELS)
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit=Decimal("100000000"))
    order = submit(shop, quantity="6000", discount="15")  # 576,300.00
    request = request_of(order)
    assert [rule["name"] for rule in request.matched_rules] == ["Special discount", "Orders of 500,000 or more"]
    chain = [(s.stage, s.name) for s in request.steps.order_by("position")]
    assert chain == [(0, "Risk control"), (1, "Regional director"), (1, "General manager")]
