"""A document that changes after approval must be approved again: no way around it by editing, duplicating or
moving it through another path."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.approvals import actions
from salesops.approvals.models import ApprovalRequest, RequestStatus
from salesops.approvals.queries import approval_stands
from salesops.approvals.tests.helpers import MANAGER, pending, request_of, rule, step, submit, task_of, use_policy
from salesops.customers.actions import set_credit_terms
from salesops.orders import actions as order_actions
from salesops.orders import quote_actions
from salesops.orders.models import OrderLine, OrderStatus
from salesops.orders.tests.fixtures import reload

BIG = rule("Large", "order.total > 1000", step("Manager", MANAGER))


@pytest.fixture
def policy(shop):
    use_policy(shop.org.admin, BIG)


def approve_all(request, user):
    actions.approve_task(task_of(request, user), actor=user)


def test_an_approved_order_cannot_be_edited(shop, policy):
    org = shop.org
    order = submit(shop, quantity="20")
    approve_all(request_of(order), org.a.user("sales_manager"))
    assert reload(order).status == OrderStatus.CONFIRMED
    with pytest.raises(ValidationError):
        order_actions.update_draft(reload(order), actor=org.a.user("sales_rep"), changes={"discount_percent": "5"})


def test_a_draft_sent_back_and_edited_is_approved_again(shop, policy):
    org = shop.org
    rep, manager = org.a.user("sales_rep"), org.a.user("sales_manager")
    order = submit(shop, quantity="20")
    actions.send_back(task_of(request_of(order), manager), actor=manager, comment="改一下")
    edited = order_actions.update_draft(
        reload(order), actor=rep, changes={"lines": [{"product": shop.product, "quantity": "30"}]}
    )
    resubmitted = order_actions.submit_order(edited, actor=rep)
    assert (resubmitted.status, resubmitted.is_waiting_for_approval) == (OrderStatus.SUBMITTED, True)
    assert pending(request_of(order)) == [("Manager", "sales_manager_a")]


def test_holding_and_releasing_a_waiting_order_does_not_skip_its_approval(shop, policy):
    org = shop.org
    order = submit(shop, quantity="20")
    first = request_of(order)
    order_actions.hold_order(reload(order), actor=org.a.user("finance"), comment="核对价格")
    released = order_actions.release_order(reload(order), actor=org.a.user("finance"))
    assert (released.status, released.is_waiting_for_approval) == (OrderStatus.SUBMITTED, True)
    first.refresh_from_db()
    assert first.status == RequestStatus.CANCELLED
    assert pending(request_of(order)) == [("Manager", "sales_manager_a")]


def test_a_credit_hold_before_approval_routes_on_release(shop, policy):
    org = shop.org
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit=Decimal("100.00"))
    order = submit(shop, quantity="20")
    assert reload(order).status == OrderStatus.ON_HOLD
    assert not ApprovalRequest.objects.filter(subject_id=order.pk).exists()
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit=Decimal("1000000.00"))
    released = order_actions.release_order(reload(order), actor=org.a.user("finance"))
    assert (released.status, released.is_waiting_for_approval) == (OrderStatus.SUBMITTED, True)


def test_an_approval_given_before_a_credit_hold_stands_on_release(shop, policy):
    org = shop.org
    order = submit(shop, quantity="20")
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit=Decimal("100.00"))
    approve_all(request_of(order), org.a.user("sales_manager"))
    assert reload(order).status == OrderStatus.ON_HOLD  # credit is checked again when approved
    assert approval_stands(reload(order))
    set_credit_terms(org.a.customer, actor=org.admin, credit_limit=Decimal("1000000.00"))
    assert order_actions.release_order(reload(order), actor=org.a.user("finance")).status == OrderStatus.CONFIRMED
    assert ApprovalRequest.objects.filter(subject_id=order.pk).count() == 1


def test_content_changed_behind_the_engines_back_voids_the_approval(shop, policy):
    org = shop.org
    order = submit(shop, quantity="20")
    request = request_of(order)
    OrderLine.objects.filter(order=order).update(discount_percent=Decimal("30"))  # a write around the actions
    with pytest.raises(ValidationError):
        approve_all(request, org.a.user("sales_manager"))
    request.refresh_from_db()
    assert (request.status, reload(order).status) == (RequestStatus.PENDING, OrderStatus.SUBMITTED)
    assert not approval_stands(reload(order))


def test_the_order_endpoints_decide_only_through_the_approvers_task(shop, policy):
    org = shop.org
    order = submit(shop, quantity="20")
    for outsider in (org.admin, org.a.user("regional_director"), org.a.user("sales_rep")):
        with pytest.raises(PermissionDenied):
            order_actions.approve_order(reload(order), actor=outsider)
    assert reload(order).status == OrderStatus.SUBMITTED
    assert order_actions.approve_order(reload(order), actor=org.a.user("sales_manager")).status == OrderStatus.CONFIRMED


def test_an_order_converted_from_a_quote_is_routed_like_any_other(shop, policy):
    org = shop.org
    rep = org.a.user("sales_rep")
    quote = quote_actions.create_quote(
        actor=rep,
        customer=org.a.customer,
        warehouse=shop.warehouse,
        lines=[{"product": shop.product, "quantity": "20"}],
    )
    order = quote_actions.convert_quote_to_order(quote, actor=rep)
    assert order.status == OrderStatus.DRAFT
    submitted = order_actions.submit_order(order, actor=rep)
    assert submitted.is_waiting_for_approval
    assert pending(request_of(submitted)) == [("Manager", "sales_manager_a")]
