"""Every decision of the runtime: any-of, all-of, in sequence, reject, send back, transfer, add, withdraw,
reassign, delegation; and who may decide."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.approvals import actions
from salesops.approvals.delegation_actions import create_delegation, end_delegation
from salesops.approvals.models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalTask,
    ApproverGroup,
    RequestStatus,
    StepStatus,
    TaskOrigin,
    TaskStatus,
)
from salesops.approvals.policy_actions import deactivate_policy
from salesops.approvals.queries import involving, subjects_involving
from salesops.approvals.tests.helpers import (
    DIRECTOR,
    MANAGER,
    group,
    pending,
    request_of,
    rule,
    step,
    submit,
    task_of,
    use_policy,
)
from salesops.core import clock
from salesops.core.events import snapshot
from salesops.orders import actions as order_actions
from salesops.orders.models import OrderStatus, SalesOrder
from salesops.orders.tests.fixtures import reload

EVERY_ORDER = "order.total > 0"


@pytest.fixture
def committee(org):
    members = [org.a.user("finance"), org.a.user("risk_officer"), org.a.user("legal")]
    committee = ApproverGroup.objects.create(code="credit-committee", name="信用委员会")
    committee.members.set(members)
    return members


def chain(shop, *steps):
    use_policy(shop.org.admin, rule("Every order", EVERY_ORDER, *steps))
    order = submit(shop)
    return order, request_of(order)


def test_any_one_of_a_group_approves_for_all(shop, committee):
    order, request = chain(shop, step("Committee", group("credit-committee"), mode="any"))
    assert [username for _step, username in pending(request)] == ["finance_a", "risk_officer_a", "legal_a"]
    actions.approve_task(task_of(request, committee[1]), actor=committee[1], comment="同意")
    statuses = dict(ApprovalTask.objects.filter(request=request).values_list("approver__username", "status"))
    assert statuses == {"finance_a": "cancelled", "risk_officer_a": "approved", "legal_a": "cancelled"}
    assert reload(order).status == OrderStatus.CONFIRMED


def test_all_of_a_group_must_approve(shop, committee):
    order, request = chain(shop, step("Committee", group("credit-committee"), mode="all"))
    for member in committee[:2]:
        actions.approve_task(task_of(request, member), actor=member)
        assert reload(order).status == OrderStatus.SUBMITTED
    actions.approve_task(task_of(request, committee[2]), actor=committee[2])
    assert reload(order).status == OrderStatus.CONFIRMED


def test_in_sequence_each_is_asked_after_the_one_before(shop, committee):
    _order, request = chain(shop, step("Committee", group("credit-committee"), mode="sequence"))
    assert pending(request) == [("Committee", "finance_a")]
    with pytest.raises(ApprovalTask.DoesNotExist):
        task_of(request, committee[1])
    actions.approve_task(task_of(request, committee[0]), actor=committee[0])
    assert pending(request) == [("Committee", "risk_officer_a")]


def test_reject_rejects_the_order_and_ends_the_chain(shop):
    org = shop.org
    order, request = chain(shop, step("Manager", MANAGER), step("Director", DIRECTOR))
    manager = org.a.user("sales_manager")
    with pytest.raises(ValidationError) as caught:
        actions.reject_task(task_of(request, manager), actor=manager, comment=" ")
    assert "comment" in caught.value.message_dict
    actions.reject_task(task_of(request, manager), actor=manager, comment="价格太低")
    request.refresh_from_db()
    order = reload(order)
    assert (request.status, order.status, order.decision_comment) == (
        RequestStatus.REJECTED,
        OrderStatus.REJECTED,
        "价格太低",
    )
    assert list(request.steps.values_list("status", flat=True).order_by("position")) == ["rejected", "cancelled"]
    assert not order.is_stock_reserved


def test_only_the_person_asked_decides_and_never_twice(shop):
    org = shop.org
    _order, request = chain(shop, step("Manager", MANAGER))
    task = task_of(request, org.a.user("sales_manager"))
    for outsider in (org.a.user("sales_rep"), org.b.user("sales_manager"), org.admin):
        before = snapshot(task)
        with pytest.raises(PermissionDenied):
            actions.approve_task(task, actor=outsider)
        task.refresh_from_db()
        assert snapshot(task) == before
    actions.approve_task(task, actor=org.a.user("sales_manager"))
    with pytest.raises(ValidationError):
        actions.approve_task(task, actor=org.a.user("sales_manager"))


def test_send_back_to_the_submitter_makes_a_draft_that_needs_a_new_approval(shop):
    org = shop.org
    rep, manager = org.a.user("sales_rep"), org.a.user("sales_manager")
    order, request = chain(shop, step("Manager", MANAGER))
    with pytest.raises(ValidationError):
        actions.send_back(task_of(request, manager), actor=manager, comment="")
    actions.send_back(task_of(request, manager), actor=manager, comment="请补充交货期")
    request.refresh_from_db()
    order = reload(order)
    assert (request.status, order.status, order.approval_reasons) == (RequestStatus.RETURNED, OrderStatus.DRAFT, [])
    order_actions.update_draft(order, actor=rep, changes={"discount_percent": "1"})
    order = order_actions.submit_order(order, actor=rep)
    second = request_of(order)
    assert second.pk != request.pk and second.status == RequestStatus.PENDING
    assert pending(second) == [("Manager", "sales_manager_a")]


def test_send_back_to_an_earlier_step_asks_it_again(shop):
    org = shop.org
    manager, director = org.a.user("sales_manager"), org.a.user("regional_director")
    order, request = chain(shop, step("Manager", MANAGER), step("Director", DIRECTOR))
    actions.approve_task(task_of(request, manager), actor=manager)
    first_step = request.steps.get(name="Manager")
    later_step = request.steps.get(name="Director")
    with pytest.raises(ValidationError) as caught:
        actions.send_back(task_of(request, director), actor=director, comment="重新核价", to_step=later_step)
    assert "to_step" in caught.value.message_dict
    actions.send_back(task_of(request, director), actor=director, comment="重新核价", to_step=first_step)
    assert pending(request) == [("Manager", "sales_manager_a")]
    assert later_step.__class__.objects.get(pk=later_step.pk).status == StepStatus.WAITING
    assert reload(order).status == OrderStatus.SUBMITTED
    actions.approve_task(task_of(request, manager), actor=manager)
    actions.approve_task(task_of(request, director), actor=director)
    assert reload(order).status == OrderStatus.CONFIRMED


def test_transfer_hands_the_decision_over(shop):
    org = shop.org
    manager, colleague = org.a.user("sales_manager"), org.a.user("regional_director")
    order, request = chain(shop, step("Manager", MANAGER))
    with pytest.raises(ValidationError) as caught:
        actions.transfer_task(task_of(request, manager), actor=manager, to=org.a.user("sales_rep"))
    assert "to" in caught.value.message_dict  # the submitter never approves their own order
    new = actions.transfer_task(task_of(request, manager), actor=manager, to=colleague, comment="我出差")
    assert (new.origin, new.added_by, new.status) == (TaskOrigin.TRANSFER, manager, TaskStatus.PENDING)
    assert pending(request) == [("Manager", "regional_director_a")]
    actions.approve_task(new, actor=colleague)
    assert reload(order).status == OrderStatus.CONFIRMED


@pytest.mark.parametrize(
    ("where", "first", "then"),
    [
        ("before", ["legal_a"], ["sales_manager_a"]),  # the added person decides first, then back to me
        ("alongside", ["sales_manager_a", "legal_a"], ["sales_manager_a"]),  # both, at the same time
    ],
)
def test_adding_an_approver_before_or_alongside(shop, where, first, then):
    org = shop.org
    manager, legal = org.a.user("sales_manager"), org.a.user("legal")
    order, request = chain(shop, step("Manager", MANAGER))
    actions.add_approver(task_of(request, manager), actor=manager, user=legal, where=where, comment="请法务看合同")
    assert sorted(username for _step, username in pending(request)) == sorted(first)
    actions.approve_task(task_of(request, legal), actor=legal)
    assert [username for _step, username in pending(request)] == then
    actions.approve_task(task_of(request, manager), actor=manager)
    assert reload(order).status == OrderStatus.CONFIRMED


def test_adding_an_approver_after_approves_now_and_asks_them_next(shop):
    org = shop.org
    manager, legal = org.a.user("sales_manager"), org.a.user("legal")
    _order, request = chain(shop, step("Manager", MANAGER), step("Director", DIRECTOR))
    actions.add_approver(task_of(request, manager), actor=manager, user=legal, where="after")
    assert pending(request) == [("Manager", "legal_a")]
    assert request.steps.get(name="Director").status == StepStatus.WAITING
    actions.approve_task(task_of(request, legal), actor=legal)
    assert pending(request) == [("Director", "regional_director_a")]
    with pytest.raises(ValidationError) as caught:
        actions.add_approver(
            task_of(request, org.a.user("regional_director")),
            actor=org.a.user("regional_director"),
            user=legal,
            where="above",
        )
    assert "where" in caught.value.message_dict


def test_withdraw_while_nobody_approved(shop):
    org = shop.org
    rep, manager = org.a.user("sales_rep"), org.a.user("sales_manager")
    order, request = chain(shop, step("Manager", MANAGER), step("Director", DIRECTOR))
    with pytest.raises(PermissionDenied):
        actions.withdraw_request(request, actor=manager)
    actions.withdraw_request(request, actor=rep, comment="客户改单")
    request.refresh_from_db()
    assert (request.status, reload(order).status) == (RequestStatus.WITHDRAWN, OrderStatus.DRAFT)
    assert pending(request) == []

    order = order_actions.submit_order(reload(order), actor=rep)
    second = request_of(order)
    actions.approve_task(task_of(second, manager), actor=manager)
    with pytest.raises(ValidationError):
        actions.withdraw_request(second, actor=rep)
    assert reload(order).status == OrderStatus.SUBMITTED


def test_an_administrator_reassigns(shop):
    org = shop.org
    manager, director = org.a.user("sales_manager"), org.a.user("regional_director")
    _order, request = chain(shop, step("Manager", MANAGER))
    with pytest.raises(PermissionDenied):
        actions.reassign_task(task_of(request, manager), actor=director, to=director, comment="x")
    with pytest.raises(ValidationError):
        actions.reassign_task(task_of(request, manager), actor=org.admin, to=director, comment="")
    new = actions.reassign_task(task_of(request, manager), actor=org.admin, to=director, comment="经理离职")
    assert (new.origin, pending(request)) == (TaskOrigin.REASSIGNED, [("Manager", "regional_director_a")])


def test_a_delegate_is_asked_while_the_approver_is_away_and_may_decide_older_tasks(shop):
    org = shop.org
    rep, manager, stand_in = org.a.user("sales_rep"), org.a.user("sales_manager"), org.a.user("regional_director")
    use_policy(org.admin, rule("Every order", EVERY_ORDER, step("Manager", MANAGER)))
    older = request_of(submit(shop))  # asked before the delegation
    today = clock.today()
    with pytest.raises(PermissionDenied):
        create_delegation(user=manager, delegate=stand_in, starts_on=today, ends_on=today, actor=rep)
    with pytest.raises(ValidationError) as caught:
        create_delegation(user=manager, delegate=manager, starts_on=today, ends_on=today, actor=manager)
    assert "delegate" in caught.value.message_dict
    delegation = create_delegation(
        user=manager, delegate=stand_in, starts_on=today, ends_on=today + datetime.timedelta(days=3), actor=manager
    )
    newer = request_of(submit(shop))
    task = ApprovalTask.objects.get(request=newer, status=TaskStatus.PENDING)
    assert (task.approver, task.on_behalf_of) == (stand_in, manager)
    actions.approve_task(task_of(older, manager), actor=stand_in, comment="代批")
    decided = ApprovalTask.objects.get(request=older, approver=manager)
    assert (decided.status, decided.decided_by) == (TaskStatus.APPROVED, stand_in)
    end_delegation(delegation, actor=manager)
    third = request_of(submit(shop))
    assert pending(third) == [("Manager", "sales_manager_a")]
    with pytest.raises(PermissionDenied):
        actions.approve_task(task_of(third, manager), actor=stand_in)


def test_the_hand_written_subjects_involving_matches_the_tasks_involving_a_user(shop):
    """`subjects_involving` is `involving` written as SQL: the same documents for approvers, delegates (active
    today only) and people others decide for."""
    org = shop.org
    manager, stand_in, other = org.a.user("sales_manager"), org.a.user("regional_director"), org.b.user("sales_manager")
    use_policy(org.admin, rule("Every order", EVERY_ORDER, step("Manager", MANAGER)))
    today = clock.today()
    submit(shop)
    create_delegation(user=manager, delegate=stand_in, starts_on=today, ends_on=today, actor=manager)
    submit(shop)  # asked of the stand-in on the manager's behalf
    later = today + datetime.timedelta(days=2)
    create_delegation(user=manager, delegate=other, starts_on=later, ends_on=later, actor=manager)  # not yet
    submit(shop, customer=org.b.customer, actor=org.b.user("sales_rep"))

    def by_orm(user):
        tasks = ApprovalTask.objects.filter(involving(user), request__subject_type="orders.salesorder")
        return set(tasks.values_list("request__subject_id", flat=True))

    for user in (manager, stand_in, other, org.a.user("sales_rep"), org.admin):
        hand_written = set(
            SalesOrder.objects.filter(pk__in=subjects_involving(user, "orders.salesorder")).values_list("pk", flat=True)
        )
        assert hand_written == by_orm(user), user.username
    assert len(by_orm(manager)) == 2 and len(by_orm(stand_in)) == 2 and len(by_orm(other)) == 1


def test_a_vacant_post_asks_the_administrators(shop):
    org = shop.org
    org.a.team.manager = None
    org.a.team.save()
    org.a.region.manager = None
    org.a.region.save()
    order, request = chain(shop, step("Manager", MANAGER))
    assert pending(request) == [("Manager", "root"), ("Manager", "admin_a"), ("Manager", "admin_b")]
    actions.approve_task(task_of(request, org.admin), actor=org.admin)  # any one of them
    assert reload(order).status == OrderStatus.CONFIRMED


def test_without_an_active_policy_orders_are_approved_automatically(shop):
    deactivate_policy(ApprovalPolicy.objects.get(subject_type="orders.salesorder"), actor=shop.org.admin)
    assert reload(submit(shop, quantity="5000", discount="50")).status == OrderStatus.CONFIRMED


def test_a_reject_rule_rejects_at_submission(shop):
    use_policy(
        shop.org.admin,
        rule(
            "No deep discounts",
            "order.lines.exists(l, l.discount_percent >= 50)",
            outcome="reject",
            message="折扣不得超过 50%",
        ),
    )
    order = reload(submit(shop, discount="50"))
    assert (order.status, order.hold_reason) == (OrderStatus.REJECTED, "")
    assert not ApprovalRequest.objects.filter(subject_id=order.pk).exists()  # a rejecting rule writes no request
