"""Quotes under the approval engine: sending routes a draft through the quote policy (auto-approve, chain, reject,
send back, withdraw), and no path gets a quote to the customer, or into an order, without the policy's consent for
its present content."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from salesops.approvals import actions as approvals
from salesops.approvals import policy_actions
from salesops.approvals.default_policies import QUOTE_POLICY
from salesops.approvals.models import ApprovalPolicy, ApprovalRequest, RequestStatus
from salesops.approvals.simulation import replay
from salesops.approvals.tests.helpers import MANAGER, pending, role, rule, step, task_of
from salesops.core import clock
from salesops.core.events import snapshot
from salesops.orders import quote_actions
from salesops.orders.models import Quote, QuoteLine, QuoteStatus, SalesOrder
from salesops.orders.queries import QUOTE_SUBJECT
from salesops.orders.tests.quote_fixtures import quote_draft, reload_quote

S = QuoteStatus


def period():
    now = clock.now()
    return {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=1)}


def send(quote, actor=None):
    return quote_actions.send_quote(quote, actor=actor or quote.owner)


def request_of(quote) -> ApprovalRequest:
    return ApprovalRequest.objects.filter(subject_type=QUOTE_SUBJECT, subject_id=quote.pk).latest("created_at", "pk")


def requests_of(quote) -> int:
    return ApprovalRequest.objects.filter(subject_type=QUOTE_SUBJECT, subject_id=quote.pk).count()


def use_quote_policy(admin, *rules):
    quote_actions.approvals.active_version(quote_actions.approvals.subject_type(QUOTE_SUBJECT))  # version 1
    policy = ApprovalPolicy.objects.get(subject_type=QUOTE_SUBJECT)
    version = policy_actions.save_draft(policy, document={"rules": list(rules)}, actor=admin)
    return policy_actions.activate_version(version, actor=admin)


def waiting(shop):
    """A rep's quote with 15 % on its line (their limit is 10 %), sent: it waits for the team's manager."""
    quote = send(quote_draft(shop, discount="15"))
    assert quote.status == S.PENDING_APPROVAL
    return quote


# --- end to end -----------------------------------------------------------------------------------------------


def test_within_the_limit_the_quote_is_sent_at_once_with_its_content_approved(shop):
    quote = send(quote_draft(shop, discount="10"))
    assert quote.status == S.SENT and quote.sent_at is not None
    assert quote.approved_fingerprint == quote_actions.quote_fingerprint(quote)
    assert requests_of(quote) == 0
    policy = ApprovalPolicy.objects.get(subject_type=QUOTE_SUBJECT)
    assert (policy.active_version.number, policy.active_version.document) == (1, QUOTE_POLICY)


def test_above_the_limit_the_manager_approves_and_the_quote_is_sent(shop):
    org = shop.org
    quote = waiting(shop)
    request = request_of(quote)
    assert pending(request) == [("主管审批", "sales_manager_a")]
    assert (request.title, request.summary["url"]) == (
        f"{quote.number} · {org.a.customer.name}",
        f"/orders/quotes/{quote.pk}/",
    )

    approvals.approve_task(
        task_of(request, org.a.user("sales_manager")), actor=org.a.user("sales_manager"), comment="可以"
    )

    quote = reload_quote(quote)
    assert (quote.status, quote.decision_comment) == (S.SENT, "可以")
    assert quote.approved_fingerprint == request.fingerprint == quote_actions.quote_fingerprint(quote)
    assert quote.sent_at is not None


@pytest.mark.parametrize("decision", ["reject", "send_back", "withdraw"])
def test_rejected_sent_back_or_withdrawn_the_quote_is_an_editable_draft_again_with_the_comment(shop, decision):
    org = shop.org
    quote = waiting(shop)
    request = request_of(quote)
    manager = org.a.user("sales_manager")
    if decision == "reject":
        approvals.reject_task(task_of(request, manager), actor=manager, comment="折扣太深")
    elif decision == "send_back":
        approvals.send_back(task_of(request, manager), actor=manager, comment="折扣太深")
    else:
        approvals.withdraw_request(request, actor=quote.owner, comment="折扣太深")

    quote = reload_quote(quote)
    assert (quote.status, quote.decision_comment, quote.approval_reasons) == (S.DRAFT, "折扣太深", [])
    assert quote.sent_at is None
    # Editable again, and sending it again is a new approval
    quote_actions.update_quote(quote, actor=quote.owner, changes={"discount_percent": "1"})
    assert send(reload_quote(quote)).status == S.PENDING_APPROVAL
    assert requests_of(quote) == 2


def test_a_rule_that_rejects_keeps_the_draft_with_its_message(shop):
    org = shop.org
    use_quote_policy(
        org.admin,
        rule("No deep discounts", "quote.max_line_discount_percent > 12", outcome="reject", message="折扣不得超过 12%"),
    )
    quote = send(quote_draft(shop, discount="15"))
    assert (quote.status, quote.decision_comment, quote.sent_at) == (S.DRAFT, "折扣不得超过 12%", None)
    assert requests_of(quote) == 0


# --- no bypass ------------------------------------------------------------------------------------------------


def test_a_waiting_quote_cannot_be_edited_sent_or_declined(shop):
    quote = waiting(shop)
    before = snapshot(reload_quote(quote))
    with pytest.raises(ValidationError):
        quote_actions.update_quote(quote, actor=quote.owner, changes={"discount_percent": "0"})
    with pytest.raises(ValidationError):
        send(quote)
    with pytest.raises(ValidationError):
        quote_actions.decline_quote(quote, actor=quote.owner)
    assert snapshot(reload_quote(quote)) == before


def test_content_changed_around_the_actions_voids_the_approval(shop):
    org = shop.org
    quote = waiting(shop)
    QuoteLine.objects.filter(quote=quote).update(discount_percent="30")
    manager = org.a.user("sales_manager")
    with pytest.raises(ValidationError):
        approvals.approve_task(task_of(request_of(quote), manager), actor=manager)
    assert reload_quote(quote).status == S.PENDING_APPROVAL


def test_a_duplicate_of_an_approved_quote_needs_its_own_approval(shop):
    org = shop.org
    first = waiting(shop)
    manager = org.a.user("sales_manager")
    approvals.approve_task(task_of(request_of(first), manager), actor=manager)
    assert reload_quote(first).status == S.SENT

    copy = send(quote_draft(shop, discount="15"))
    assert copy.status == S.PENDING_APPROVAL
    assert requests_of(copy) == 1


def test_a_draft_accepted_on_the_spot_converts_only_when_the_policy_approves_it_at_once(shop):
    rep = shop.org.a.user("sales_rep")
    quote = quote_draft(shop, discount="15")
    before = snapshot(reload_quote(quote))
    with pytest.raises(ValidationError) as caught:
        quote_actions.convert_quote_to_order(quote, actor=rep)
    assert "需审批" in caught.value.message_dict["status"][0]
    assert snapshot(reload_quote(quote)) == before
    assert (requests_of(quote), SalesOrder.objects.count()) == (0, 0)

    within = quote_draft(shop, discount="10")
    order = quote_actions.convert_quote_to_order(within, actor=rep)
    assert reload_quote(within).status == S.ACCEPTED and order.status == "draft"


def test_a_waiting_quote_does_not_convert(shop):
    quote = waiting(shop)
    with pytest.raises(ValidationError):
        quote_actions.convert_quote_to_order(quote, actor=quote.owner)
    assert (reload_quote(quote).status, SalesOrder.objects.count()) == (S.PENDING_APPROVAL, 0)


def test_a_sent_quote_converts_while_its_approved_content_stands(shop):
    org = shop.org
    quote = waiting(shop)
    manager = org.a.user("sales_manager")
    approvals.approve_task(task_of(request_of(quote), manager), actor=manager)
    order = quote_actions.convert_quote_to_order(quote, actor=quote.owner)
    assert order.lines.get().discount_percent == 15


def test_a_sent_quote_whose_content_changed_or_that_was_never_approved_does_not_convert(shop):
    rep = shop.org.a.user("sales_rep")
    changed = send(quote_draft(shop, discount="5"))
    QuoteLine.objects.filter(quote=changed).update(discount_percent="25")
    legacy = quote_draft(shop, discount="15")
    Quote.objects.filter(pk=legacy.pk).update(status=S.SENT)  # sent before quotes had a policy
    for quote in (changed, legacy):
        before = snapshot(reload_quote(quote))
        with pytest.raises(ValidationError):
            quote_actions.convert_quote_to_order(reload_quote(quote), actor=rep)
        assert snapshot(reload_quote(quote)) == before
    assert (SalesOrder.objects.count(), ApprovalRequest.objects.count()) == (0, 0)


def test_cancelling_or_expiring_a_waiting_quote_cancels_its_request(shop):
    cancelled, expiring = waiting(shop), waiting(shop)
    quote_actions.cancel_quote(cancelled, actor=cancelled.owner)
    Quote.objects.filter(pk=expiring.pk).update(valid_until=datetime.date(2026, 1, 1))
    assert quote_actions.expire_quotes(today=datetime.date(2026, 1, 2)) == 1
    assert reload_quote(cancelled).status == S.CANCELLED and reload_quote(expiring).status == S.EXPIRED
    assert {request_of(q).status for q in (cancelled, expiring)} == {RequestStatus.CANCELLED}


# --- simulation -------------------------------------------------------------------------------------------------

POLICY = [
    rule("Deep", "quote.lines.exists(l, l.discount_percent > submitter.discount_limit)", step("Manager", MANAGER)),
    rule("Large", "quote.total >= 1000", step("Finance", role("finance"))),
    rule("Huge", "quote.total >= 100000", outcome="reject", message="太大"),
]


def test_simulation_of_the_quote_policy_routes_every_quote_as_live_routing_did(shop):
    org = shop.org
    use_quote_policy(org.admin, *POLICY)
    live = {}
    for quantity, discount in [("1", "0"), ("1", "15"), ("20", "15"), ("20", "0"), ("2000", "0")]:
        quote = send(quote_draft(shop, quantity=quantity, discount=discount))
        request = ApprovalRequest.objects.filter(subject_type=QUOTE_SUBJECT, subject_id=quote.pk).first()
        outcome = {S.SENT: "approve", S.PENDING_APPROVAL: "route", S.DRAFT: "reject"}[quote.status]
        chain = [s.name for s in request.steps.order_by("position")] if request else []
        live[quote.pk] = (outcome, chain)
    replayed = {
        past.document_id: (route.outcome, [s.name for s in route.steps])
        for past, route in replay(QUOTE_SUBJECT, {"rules": POLICY}, **period())
    }
    assert replayed == live
    assert sorted(outcome for outcome, _chain in live.values()) == ["approve", "reject", "route", "route", "route"]
