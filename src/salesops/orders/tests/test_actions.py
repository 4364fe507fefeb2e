"""Order actions: create, edit drafts, submit through credit, approval and stock, decide, cancel, hold, release."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.approvals.queries import pending_task_for
from salesops.approvals.tests.helpers import rule, step, use_policy
from salesops.core.events import snapshot
from salesops.core.models import Event
from salesops.customers.actions import create_customer, set_credit_status, set_credit_terms
from salesops.inventory.actions import receive_stock
from salesops.orders import actions
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.queries import open_receivables, waiting_for_approval
from salesops.orders.tests.fixtures import draft, freeze, reload
from salesops.testing.org import credit_code
from salesops.testing.stock import ledger_totals, level

D = Decimal
S = OrderStatus


def event_types(order) -> list[str]:
    return list(
        Event.objects.filter(subject_type="orders.salesorder", subject_id=str(order.pk))
        .order_by("id")
        .values_list("type", flat=True)
    )


# --- create and edit ---------------------------------------------------------------------------------------


def test_create_makes_a_priced_draft_owned_by_the_actor(shop):
    rep = shop.org.a.user("sales_rep")
    order = draft(shop, quantity="2")
    assert (order.status, order.owner, order.total) == (S.DRAFT, rep, D("226.00"))
    assert event_types(order) == ["order.created"]


def test_order_numbers_count_up_per_year(shop):
    first, second = draft(shop), draft(shop)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([{"product": None, "quantity": "1"}], "lines.0.product_id"),
        ([{"quantity": "0"}], "lines.0.quantity"),
        ([{"quantity": "-1"}], "lines.0.quantity"),
        ([{"quantity": "1.0001"}], "lines.0.quantity"),
        ([{"quantity": "abc"}], "lines.0.quantity"),
        ([{"quantity": "1", "discount_percent": "101"}], "lines.0.discount_percent"),
        ([{"quantity": "1", "discount_percent": "-1"}], "lines.0.discount_percent"),
        ([{"quantity": "1", "discount_percent": "1.234"}], "lines.0.discount_percent"),
        ([{"quantity": "9999999999"}], "lines"),  # the total would not fit
    ],
)
def test_bad_lines_are_refused_naming_the_field(shop, lines, field):
    for line in lines:
        line.setdefault("product", shop.product)
    with pytest.raises(ValidationError) as caught:
        actions.create_order(
            actor=shop.org.a.user("sales_rep"), customer=shop.org.a.customer, warehouse=shop.warehouse, lines=lines
        )
    assert field in caught.value.message_dict
    assert not SalesOrder.objects.exists()


def test_customer_must_be_visible_and_active(shop):
    org = shop.org
    rep = org.a.user("sales_rep")
    with pytest.raises(ValidationError) as caught:
        draft(shop, customer=org.b.customer)
    assert "customer_id" in caught.value.message_dict
    inactive = create_customer(
        actor=rep, name="停业客户", credit_code=credit_code(), office=org.a.office, status="inactive"
    )
    with pytest.raises(ValidationError) as caught:
        draft(shop, customer=inactive)
    assert "customer_id" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.create_order(actor=rep, customer=org.a.customer, warehouse=None, lines=[{"product": shop.product}])
    assert {"warehouse_id", "lines.0.quantity"} <= set(caught.value.message_dict)
    assert not SalesOrder.objects.exists()


def test_a_rep_cannot_assign_the_order_to_someone_else(shop):
    org = shop.org
    with pytest.raises(ValidationError) as caught:
        actions.create_order(
            actor=org.a.user("sales_rep"),
            customer=org.a.customer,
            warehouse=shop.warehouse,
            lines=[{"product": shop.product, "quantity": "1"}],
            owner=org.a.user("sales_manager"),
        )
    assert "owner_id" in caught.value.message_dict


@pytest.mark.parametrize("role", ["finance", "warehouse", "dealer", "supplier", "legal"])
def test_roles_that_do_not_sell_cannot_create(shop, role):
    with pytest.raises(PermissionDenied):
        draft(shop, actor=shop.org.a.user(role))
    assert not SalesOrder.objects.exists()


def test_update_draft_replaces_and_reprices_lines(shop):
    order = draft(shop)
    updated = actions.update_draft(
        order,
        actor=shop.org.a.user("sales_rep"),
        changes={
            "lines": [{"product": shop.product, "quantity": "3", "discount_percent": "5"}],
            "discount_percent": "2",
        },
    )
    assert [(line.quantity, line.amount) for line in updated.lines.all()] == [(D("3.000"), D("285.00"))]
    # 285.00 less 2 % = 279.30 (discount 5.70); tax 13 % of 279.30 = 36.309 → 36.31
    assert (updated.subtotal, updated.discount_amount, updated.tax_amount, updated.total) == (
        D("285.00"),
        D("5.70"),
        D("36.31"),
        D("315.61"),
    )
    assert event_types(order) == ["order.created", "order.updated"]


def test_update_draft_refuses_anything_but_a_draft(shop):
    order = actions.submit_order(draft(shop), actor=shop.org.a.user("sales_rep"))
    before = snapshot(reload(order))
    with pytest.raises(ValidationError) as caught:
        actions.update_draft(order, actor=shop.org.a.user("sales_rep"), changes={"discount_percent": "50"})
    assert "status" in caught.value.message_dict
    assert snapshot(reload(order)) == before


# --- submit: credit ----------------------------------------------------------------------------------------


def test_submit_within_credit_and_stock_confirms_and_reserves(shop):
    order = actions.submit_order(draft(shop, quantity="4"), actor=shop.org.a.user("sales_rep"))
    assert order.status == S.CONFIRMED
    assert order.is_stock_reserved
    assert level(shop.product, shop.warehouse).reserved == 4
    assert event_types(order) == ["order.created", "order.submitted", "stock.reserved", "order.confirmed"]


def test_over_the_credit_limit_goes_on_hold_with_the_reason(shop):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit="500.00")
    actions.submit_order(draft(shop, quantity="3"), actor=org.a.user("sales_rep"))  # 339.00 confirmed
    order = actions.submit_order(draft(shop, quantity="2"), actor=org.a.user("sales_rep"))  # 339 + 226 > 500
    assert order.status == S.ON_HOLD
    assert "565.00" in order.hold_reason and "500.00" in order.hold_reason
    assert not order.is_stock_reserved
    assert level(shop.product, shop.warehouse).reserved == 3
    assert event_types(order)[-1] == "order.on_hold"


def test_open_receivables_are_zero_until_billing_exists(shop):
    assert open_receivables(shop.org.a.customer) == D(0)


def test_prepay_bypasses_the_credit_check(shop):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit="0", payment_term="prepay")
    freeze(org.a.customer, org)
    order = actions.submit_order(draft(shop, quantity="2"), actor=org.a.user("sales_rep"))
    assert order.status == S.CONFIRMED


@pytest.mark.parametrize("status", ["frozen", "on_hold"])
def test_frozen_or_held_credit_puts_the_order_on_hold(shop, status):
    org = shop.org
    freeze(org.a.customer, org, status=status, reason="逾期90天")
    order = actions.submit_order(draft(shop), actor=org.a.user("sales_rep"))
    assert order.status == S.ON_HOLD
    assert "逾期90天" in order.hold_reason
    assert level(shop.product, shop.warehouse).reserved == 0


def test_a_prepayment_counts_toward_payment_and_release_then_confirms(shop):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit="100.00")
    order = actions.submit_order(draft(shop, quantity="2"), actor=org.a.user("sales_rep"))  # 226.00 > 100
    assert order.status == S.ON_HOLD
    with pytest.raises(ValidationError):
        actions.release_order(order, actor=org.a.user("finance"))
    assert reload(order).status == S.ON_HOLD

    actions.record_prepayment(order, actor=org.a.user("finance"), amount="126.00")
    released = actions.release_order(order, actor=org.a.user("finance"), comment="预付款已到")

    assert released.status == S.CONFIRMED
    assert released.prepayment_amount == D("126.00")
    assert level(shop.product, shop.warehouse).reserved == 2


def test_prepayments_never_exceed_the_total_and_only_finance_records_them(shop):
    org = shop.org
    order = draft(shop)  # 113.00
    with pytest.raises(ValidationError) as caught:
        actions.record_prepayment(order, actor=org.a.user("finance"), amount="113.01")
    assert "amount" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.record_prepayment(order, actor=org.a.user("sales_rep"), amount="1")
    assert reload(order).prepayment_amount == 0


# --- submit: approval --------------------------------------------------------------------------------------


def test_a_discount_above_the_role_limit_waits_for_the_team_manager(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, discount="15"), actor=org.a.user("sales_rep"))
    assert order.status == S.SUBMITTED
    assert pending_task_for(order, org.a.user("sales_manager")) is not None
    assert order.approval_reasons == ["折扣超出提交人的折扣权限"]  # the installation's default policy
    assert level(shop.product, shop.warehouse).reserved == 0
    assert list(waiting_for_approval(org.a.user("sales_manager"))) == [order]
    assert list(waiting_for_approval(org.a.user("sales_rep"))) == []


def test_within_the_limit_needs_no_approval(shop):
    order = actions.submit_order(draft(shop, discount="10"), actor=shop.org.a.user("sales_rep"))
    assert (order.status, order.approval_reasons) == (S.CONFIRMED, [])


def test_a_total_above_the_threshold_needs_approval(shop):
    order = actions.submit_order(draft(shop, quantity="1800"), actor=shop.org.a.user("sales_rep"))  # 203,400.00
    assert (order.status, order.approval_reasons) == (S.SUBMITTED, ["订单金额超过 200,000 元"])


def test_the_approver_falls_back_to_the_regional_director_then_the_administrators(shop):
    org = shop.org
    by_manager = actions.submit_order(
        draft(shop, actor=org.a.user("sales_manager"), discount="25"), actor=org.a.user("sales_manager")
    )
    assert pending_task_for(by_manager, org.a.user("regional_director")) is not None
    by_director = actions.submit_order(
        draft(shop, actor=org.a.user("regional_director"), discount="35"), actor=org.a.user("regional_director")
    )
    assert pending_task_for(by_director, org.admin) is not None  # nobody above: administrators decide


def test_the_manager_approves_and_the_order_is_confirmed_with_stock(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, quantity="3", discount="15"), actor=org.a.user("sales_rep"))
    approved = actions.approve_order(order, actor=org.a.user("sales_manager"), comment="大客户, 同意")
    assert approved.status == S.CONFIRMED
    assert (approved.approved_by, approved.decision_comment) == (org.a.user("sales_manager"), "大客户, 同意")
    assert level(shop.product, shop.warehouse).reserved == 3
    assert event_types(order)[-4:] == [
        "order.approval_requested",
        "order.approved",
        "stock.reserved",
        "order.confirmed",
    ]


def test_approval_with_short_stock_puts_the_order_on_hold(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, quantity="11", discount="15"), actor=org.a.user("sales_rep"))
    approved = actions.approve_order(order, actor=org.a.user("sales_manager"))
    assert approved.status == S.ON_HOLD
    assert "P-001" in approved.hold_reason and "11" in approved.hold_reason
    assert level(shop.product, shop.warehouse).reserved == 0


def test_the_manager_rejects_with_a_comment(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, discount="15"), actor=org.a.user("sales_rep"))
    with pytest.raises(ValidationError) as caught:
        actions.reject_order(order, actor=org.a.user("sales_manager"), comment=" ")
    assert "comment" in caught.value.message_dict
    rejected = actions.reject_order(order, actor=org.a.user("sales_manager"), comment="折扣过高")
    assert (rejected.status, rejected.hold_reason, rejected.decision_comment) == (S.REJECTED, "", "折扣过高")
    assert event_types(order)[-1] == "order.rejected"


@pytest.mark.parametrize("who", ["sales_rep", "regional_director", "finance", "b.sales_manager"])
def test_only_the_designated_approver_decides(shop, who):
    org = shop.org
    order = actions.submit_order(draft(shop, discount="15"), actor=org.a.user("sales_rep"))
    before = snapshot(reload(order))
    user = org.b.user(who[2:]) if who.startswith("b.") else org.a.user(who)
    with pytest.raises(PermissionDenied):
        actions.approve_order(order, actor=user)
    with pytest.raises(PermissionDenied):
        actions.reject_order(order, actor=user, comment="no")
    assert snapshot(reload(order)) == before


def test_a_decided_order_cannot_be_decided_again(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, discount="15"), actor=org.a.user("sales_rep"))
    actions.approve_order(order, actor=org.a.user("sales_manager"))
    with pytest.raises(ValidationError):
        actions.reject_order(order, actor=org.a.user("sales_manager"), comment="too late")
    assert reload(order).status == S.CONFIRMED


# --- cancel, hold, release ---------------------------------------------------------------------------------


def test_cancel_releases_the_reserved_stock(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, quantity="4"), actor=org.a.user("sales_rep"))
    cancelled = actions.cancel_order(order, actor=org.a.user("sales_rep"), comment="客户取消")
    assert cancelled.status == S.CANCELLED
    assert not cancelled.is_stock_reserved
    current = level(shop.product, shop.warehouse)
    assert (current.reserved, current.available) == (0, 10)
    assert ledger_totals(shop.product, shop.warehouse) == (current.on_hand, current.reserved)
    assert event_types(order)[-2:] == ["stock.released", "order.cancelled"]
    with pytest.raises(ValidationError):
        actions.cancel_order(order, actor=org.a.user("sales_rep"))


def test_hold_keeps_the_reservation_and_release_confirms_again(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, quantity="4"), actor=org.a.user("sales_rep"))
    with pytest.raises(ValidationError) as caught:
        actions.hold_order(order, actor=org.a.user("finance"), comment="")
    assert "comment" in caught.value.message_dict
    held = actions.hold_order(order, actor=org.a.user("finance"), comment="核对发票抬头")
    assert (held.status, held.hold_reason) == (S.ON_HOLD, "核对发票抬头")
    assert level(shop.product, shop.warehouse).reserved == 4
    # A hold put by finance is not lifted by the sales side
    with pytest.raises(PermissionDenied):
        actions.release_order(order, actor=org.a.user("sales_manager"))
    assert reload(order).status == S.ON_HOLD
    released = actions.release_order(order, actor=org.a.user("finance"))
    assert released.status == S.CONFIRMED
    assert level(shop.product, shop.warehouse).reserved == 4


def test_release_after_a_shortage_reserves_once_stock_arrives(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, quantity="12"), actor=org.a.user("sales_rep"))
    assert order.status == S.ON_HOLD and "12" in order.hold_reason
    with pytest.raises(ValidationError):
        actions.release_order(order, actor=org.a.user("sales_manager"))
    assert reload(order).status == S.ON_HOLD
    receive_stock(product=shop.product, warehouse=shop.warehouse, quantity="2", actor=org.admin)
    assert actions.release_order(order, actor=org.a.user("sales_manager")).status == S.CONFIRMED
    assert level(shop.product, shop.warehouse).available == 0


def test_release_of_an_unapproved_order_goes_back_to_approval(shop):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit="1.00")
    order = actions.submit_order(draft(shop, discount="15"), actor=org.a.user("sales_rep"))
    assert order.status == S.ON_HOLD
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit="100000.00")
    released = actions.release_order(order, actor=org.a.user("finance"))
    assert released.status == S.SUBMITTED
    assert pending_task_for(released, org.a.user("sales_manager")) is not None


@pytest.mark.parametrize("role", ["dealer", "warehouse", "legal"])
def test_roles_without_the_right_cannot_hold_or_cancel(shop, role):
    org = shop.org
    order = actions.submit_order(draft(shop), actor=org.a.user("sales_rep"))
    before = snapshot(reload(order))
    with pytest.raises(PermissionDenied):
        actions.hold_order(order, actor=org.a.user(role), comment="x")
    with pytest.raises(PermissionDenied):
        actions.cancel_order(order, actor=org.a.user(role))
    assert snapshot(reload(order)) == before


def test_approval_checks_credit_again(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, quantity="2", discount="15"), actor=org.a.user("sales_rep"))
    assert order.status == S.SUBMITTED  # waits for approval: 15 % is above the rep's 10 %
    set_credit_status(org.a.customer, actor=org.admin, status="frozen", reason="逾期")

    approved = actions.approve_order(order, actor=org.a.user("sales_manager"), comment="同意")

    assert approved.status == S.ON_HOLD
    assert "冻结" in approved.hold_reason or "frozen" in approved.hold_reason
    assert level(shop.product, shop.warehouse).reserved == 0


def test_a_held_order_holding_stock_still_counts_toward_credit(shop):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit="300.00")
    first = actions.submit_order(draft(shop, quantity="2"), actor=org.a.user("sales_rep"))  # 226.00 incl. VAT
    actions.hold_order(first, actor=org.a.user("finance"), comment="核对")
    second = actions.submit_order(draft(shop, quantity="2"), actor=org.a.user("sales_rep"))
    assert second.status == S.ON_HOLD
    assert "300" in second.hold_reason


def test_release_of_a_once_confirmed_order_does_not_ask_for_approval_again(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, quantity="2"), actor=org.a.user("sales_rep"))
    actions.hold_order(order, actor=org.a.user("sales_manager"), comment="客户改地址")
    # While it is held, a policy asking approval for every order is switched on.
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", {"kind": "manager"})))
    released = actions.release_order(order, actor=org.a.user("sales_manager"))
    assert released.status == S.CONFIRMED
    assert level(shop.product, shop.warehouse).reserved == 2


def test_submit_uses_the_customers_current_terms(shop):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, payment_term="prepay", credit_limit="0")
    order = draft(shop, quantity="2")  # started while the customer prepaid
    set_credit_terms(org.a.customer, actor=org.admin, payment_term="net30")
    submitted = actions.submit_order(order, actor=org.a.user("sales_rep"))
    assert submitted.payment_term == "net30"
    assert submitted.status == S.ON_HOLD  # the 0 limit applies now


def test_nobody_approves_their_own_order(shop):
    org = shop.org
    order = actions.submit_order(draft(shop, actor=org.admin, quantity="2", discount="40"), actor=org.admin)
    with pytest.raises(PermissionDenied):
        actions.approve_order(order, actor=org.admin)


def test_a_draft_cannot_drop_below_its_prepayment(shop):
    org = shop.org
    order = draft(shop, quantity="4")
    actions.record_prepayment(order, actor=org.a.user("finance"), amount="400.00")
    with pytest.raises(ValidationError) as caught:
        actions.update_draft(
            order,
            actor=org.a.user("sales_rep"),
            changes={"lines": [{"product": shop.product, "quantity": "1", "discount_percent": "0"}]},
        )
    assert "lines" in caught.value.message_dict


def test_orders_follow_their_office_into_another_region(shop):
    from salesops.accounts.actions import save_org_unit
    from salesops.core.dispatch import deliver_pending

    org = shop.org
    order = draft(shop)
    office = org.a.office
    office.parent = org.b.region
    save_org_unit(office, actor=org.admin)
    deliver_pending()
    assert reload(order).region == org.b.region


@pytest.mark.parametrize("role", ["finance", "warehouse"])
def test_an_order_belongs_to_a_seller(shop, role):
    org = shop.org
    # The director manages the whole region, these users included: only their role disqualifies them.
    with pytest.raises(ValidationError) as caught:
        actions.create_order(
            actor=org.a.user("regional_director"),
            customer=org.a.customer,
            warehouse=shop.warehouse,
            owner=org.a.user(role),
            lines=[{"product": shop.product, "quantity": "1"}],
        )
    assert "owner_id" in caught.value.message_dict
