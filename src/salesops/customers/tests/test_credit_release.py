"""Credit releases through the approval engine: finance approves (then the regional director for 1,000,000 CNY or
more), the change is applied through the credit actions and the named held orders are released; rejected, sent
back or withdrawn, nothing changes. Scope, bad input, idempotent create, and simulation equals live routing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from salesops.approvals import actions as approvals
from salesops.approvals import policy_actions
from salesops.approvals.models import ApprovalPolicy, ApprovalRequest
from salesops.approvals.simulation import replay
from salesops.approvals.tests.helpers import pending, rule, task_of
from salesops.core import clock
from salesops.core.events import snapshot
from salesops.core.models import Event
from salesops.customers.credit_release_actions import SUBJECT, create_credit_release
from salesops.customers.models import CreditReleaseRequest, Customer
from salesops.orders.actions import submit_order
from salesops.orders.models import OrderStatus
from salesops.orders.tests.fixtures import build_shop, draft, freeze, reload
from salesops.testing.api import api_key_for, bearer, post_json

Status = CreditReleaseRequest.Status


@pytest.fixture
def shop(org):
    return build_shop(org)


def request_of(release) -> ApprovalRequest:
    return ApprovalRequest.objects.get(subject_type=SUBJECT, subject_id=release.pk)


def held_order(shop):
    """Region a's customer frozen, and a rep's order held for it."""
    org = shop.org
    freeze(org.a.customer, org)
    order = submit_order(draft(shop), actor=org.a.user("sales_rep"))
    assert order.status == OrderStatus.ON_HOLD
    return order


def ask(shop, **changes):
    org = shop.org
    values = {"kinds": ["lift_status"], "reason": "客户已付清逾期款"} | changes
    return create_credit_release(org.a.customer, actor=org.a.user("sales_rep"), **values)


def approve(release, user, comment=""):
    approvals.approve_task(task_of(request_of(release), user), actor=user, comment=comment)


def test_finance_approves_lifting_a_freeze_and_the_named_held_order_is_released(shop):
    org = shop.org
    order = held_order(shop)
    release = ask(shop, order_ids=[order.pk])
    assert release.status == Status.PENDING
    assert pending(request_of(release)) == [("财务审批", "finance_a")]

    approve(release, org.a.user("finance"), "已核实回款")

    customer = Customer.objects.get(pk=org.a.customer.pk)
    assert customer.credit_status == Customer.CreditStatus.ACTIVE
    assert customer.credit_status_set_by == org.a.user("finance")
    assert customer.credit_status_reason == f"{release.number}: 客户已付清逾期款"
    release.refresh_from_db()
    assert (release.status, release.decision_comment) == (Status.APPROVED, "已核实回款")
    assert reload(order).status == OrderStatus.CONFIRMED
    assert release.release_results == [{"order": order.number, "status": "confirmed", "message": ""}]


def test_an_increase_of_a_million_needs_finance_then_the_regional_director(shop):
    org = shop.org
    limit = org.a.customer.credit_limit
    release = ask(shop, kinds=["raise_limit"], requested_limit=limit + Decimal("1000000"))
    request = request_of(release)
    assert [s.name for s in request.steps.order_by("position")] == ["财务审批", "区域总监审批"]
    approve(release, org.a.user("finance"))
    assert Customer.objects.get(pk=org.a.customer.pk).credit_limit == limit
    approve(release, org.a.user("regional_director"))
    assert Customer.objects.get(pk=org.a.customer.pk).credit_limit == limit + Decimal("1000000")
    event = Event.objects.filter(type="customer.credit_terms_changed").latest("id")
    assert event.actor_id == org.a.user("regional_director").pk
    assert event.payload["data"] == {"reason": f"{release.number}: 客户已付清逾期款"}


@pytest.mark.parametrize("decision", ["reject", "send_back", "withdraw"])
def test_rejected_sent_back_or_withdrawn_nothing_changes(shop, decision):
    org = shop.org
    order = held_order(shop)
    release = ask(shop, order_ids=[order.pk])
    before = (snapshot(Customer.objects.get(pk=org.a.customer.pk)), snapshot(reload(order)))
    finance = org.a.user("finance")
    if decision == "reject":
        approvals.reject_task(task_of(request_of(release), finance), actor=finance, comment="仍有逾期")
    elif decision == "send_back":
        approvals.send_back(task_of(request_of(release), finance), actor=finance, comment="仍有逾期")
    else:
        approvals.withdraw_request(request_of(release), actor=release.requester, comment="仍有逾期")
    release.refresh_from_db()
    expected = Status.REJECTED if decision == "reject" else Status.RETURNED
    assert (release.status, release.decision_comment) == (expected, "仍有逾期")
    assert (snapshot(Customer.objects.get(pk=org.a.customer.pk)), snapshot(reload(order))) == before


def test_a_policy_that_approves_at_once_applies_the_release_immediately(shop):
    org = shop.org
    freeze(org.a.customer, org)
    ask(shop)  # installs version 1, then withdraw it to make room
    first = CreditReleaseRequest.objects.get()
    approvals.withdraw_request(request_of(first), actor=first.requester)
    policy = ApprovalPolicy.objects.get(subject_type=SUBJECT)
    version = policy_actions.save_draft(
        policy,
        document={"rules": [rule("Small", "credit_release.increase < 1000", outcome="approve")]},
        actor=org.admin,
    )
    policy_actions.activate_version(version, actor=org.admin)
    release = ask(shop)
    assert release.status == Status.APPROVED
    assert Customer.objects.get(pk=org.a.customer.pk).credit_status == Customer.CreditStatus.ACTIVE
    assert not ApprovalRequest.objects.filter(subject_type=SUBJECT, subject_id=release.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kinds": []}, "kinds"),
        ({"kinds": ["lift_status", "other"]}, "kinds"),
        ({"kinds": ["raise_limit"]}, "requested_limit"),
        ({"kinds": ["raise_limit"], "requested_limit": "-5"}, "requested_limit"),
        ({"kinds": ["raise_limit"], "requested_limit": "1.001"}, "requested_limit"),
        ({"kinds": ["raise_limit"], "requested_limit": "10"}, "requested_limit"),
        ({"requested_limit": "5000000"}, "requested_limit"),
        ({"reason": "  "}, "reason"),
        ({"order_ids": [999999]}, "order_ids"),
    ],
)
def test_bad_input_is_refused_over_the_api_naming_the_field_and_nothing_changes(shop, client, changes, field):
    org = shop.org
    freeze(org.a.customer, org)
    before = snapshot(Customer.objects.get(pk=org.a.customer.pk))
    body = {"customer_id": org.a.customer.pk, "kinds": ["lift_status"], "reason": "客户已付款"} | changes
    response = post_json(client, "/api/v1/credit-releases", body, **bearer(api_key_for(org.a.user("sales_rep"))))
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not CreditReleaseRequest.objects.exists() and not ApprovalRequest.objects.exists()
    assert snapshot(Customer.objects.get(pk=org.a.customer.pk)) == before


def test_lifting_an_active_customers_credit_or_asking_twice_is_refused(shop):
    with pytest.raises(ValidationError) as caught:
        ask(shop)
    assert list(caught.value.message_dict) == ["kinds"]
    freeze(shop.org.a.customer, shop.org)
    ask(shop)
    with pytest.raises(ValidationError) as caught:
        ask(shop)
    assert list(caught.value.message_dict) == ["customer_id"]
    assert CreditReleaseRequest.objects.count() == 1


def test_create_is_idempotent_and_reads_are_scoped(shop, client):
    org = shop.org
    freeze(org.a.customer, org)
    headers = bearer(api_key_for(org.a.user("sales_rep")))
    body = {"customer_id": org.a.customer.pk, "kinds": ["lift_status"], "reason": "客户已付款"}
    first = post_json(client, "/api/v1/credit-releases", body, HTTP_IDEMPOTENCY_KEY="cr-1", **headers)
    again = post_json(client, "/api/v1/credit-releases", body, HTTP_IDEMPOTENCY_KEY="cr-1", **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert CreditReleaseRequest.objects.count() == 1
    release_id = first.json()["id"]
    assert client.get(f"/api/v1/credit-releases/{release_id}", **headers).status_code == 200

    for user in (org.b.user("sales_rep"), org.b.user("regional_director")):
        other = bearer(api_key_for(user))
        assert client.get(f"/api/v1/credit-releases/{release_id}", **other).status_code == 404
        assert client.get("/api/v1/credit-releases", **other).json()["count"] == 0
        page = post_json(client, "/api/v1/credit-releases", {**body, "customer_id": org.a.customer.pk}, **other)
        assert page.status_code == 422
    assert CreditReleaseRequest.objects.count() == 1


def test_the_pages_show_the_form_and_the_request(shop, client_for):
    org = shop.org
    order = held_order(shop)
    rep = client_for(org.a.user("sales_rep"))
    page = rep.get(f"/customers/{org.a.customer.pk}/")
    assert 'data-testid="credit-release-form"' in page.content.decode() and order.number in page.content.decode()
    response = rep.post(
        f"/customers/{org.a.customer.pk}/credit-releases/new/",
        {"kinds": ["lift_status"], "reason": "已付款", "order_ids": [str(order.pk)]},
    )
    release = CreditReleaseRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/credit-releases/{release.pk}/"
    assert rep.get(response["Location"]).status_code == 200
    assert client_for(org.b.user("sales_rep")).get(response["Location"]).status_code == 404
    inbox = client_for(org.a.user("finance")).get("/approvals/").content.decode()
    assert f"{release.number} · {org.a.customer.name}" in inbox


def test_simulation_of_the_credit_release_policy_routes_as_live_routing_did(shop):
    org = shop.org
    freeze(org.b.customer, org)
    live = {}
    limit = org.a.customer.credit_limit
    for increase, customer in ((Decimal("1000"), org.a.customer), (Decimal("2000000"), org.b.customer)):
        kinds = ["raise_limit"] + (["lift_status"] if customer == org.b.customer else [])
        release = create_credit_release(
            customer,
            actor=org.admin,
            kinds=kinds,
            requested_limit=limit + increase,
            reason="扩大合作",
        )
        live[release.pk] = ("route", [s.name for s in request_of(release).steps.order_by("position")])
    now = clock.now()
    period = {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=1)}
    document = ApprovalPolicy.objects.get(subject_type=SUBJECT).active_version.document
    replayed = {
        past.document_id: (r.outcome, [s.name for s in r.steps]) for past, r in replay(SUBJECT, document, **period)
    }
    assert replayed == live
    assert sorted(chain for _outcome, chain in live.values()) == [["财务审批"], ["财务审批", "区域总监审批"]]
