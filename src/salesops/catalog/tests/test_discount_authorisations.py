"""Special discount authorisations through the approval engine: the manager approves (then the regional director
above 30 %); while active, order and quote lines of the customer (and product line) within the percent are not
beyond the submitter's limit, and again are after expiry, revocation, for another customer or product line;
rejected, sent back or withdrawn, nothing counts. Bypass attempts, scope, bad input, idempotent create, pages,
and simulation equals live routing (the authorisations' own policy and the order policy reading them)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salesops.approvals import actions as approvals
from salesops.approvals import policy_actions
from salesops.approvals.default_policies import OLD_DISCOUNT_CONDITIONS, ORDER_POLICY
from salesops.approvals.models import ApprovalPolicy, ApprovalRequest
from salesops.approvals.simulation import replay
from salesops.approvals.tests.helpers import MANAGER, pending, rule, step, task_of
from salesops.billing.actions import issue_invoice
from salesops.billing.approval_subjects import authorisation_context
from salesops.billing.tests.fixtures import shipped_order
from salesops.catalog.authorisation_actions import (
    SUBJECT,
    request_discount_authorisation,
    revoke_discount_authorisation,
)
from salesops.catalog.models import DiscountAuthorisation, Product, ProductLine
from salesops.core import clock
from salesops.core.events import snapshot
from salesops.core.models import Event
from salesops.customers.models import CustomerGroup
from salesops.inventory.actions import receive_stock
from salesops.orders import quote_actions
from salesops.orders.actions import create_order, submit_order
from salesops.orders.models import OrderStatus, QuoteStatus
from salesops.orders.queries import ORDER_SUBJECT, QUOTE_SUBJECT
from salesops.orders.tests.fixtures import build_shop, draft
from salesops.orders.tests.quote_fixtures import quote_draft
from salesops.testing.api import api_key_for, bearer, post_json

Status = DiscountAuthorisation.Status
URL = "/api/v1/discount-authorisations"


@pytest.fixture
def shop(org):
    return build_shop(org)


def today() -> datetime.date:
    return clock.today()


def ask(shop, percent="25", *, actor=None, days=30, **extra) -> DiscountAuthorisation:
    org = shop.org
    values = {"customer_id": org.a.customer.pk} if "customer_group_id" not in extra else {}
    values |= {
        "max_discount_percent": percent,
        "valid_from": today(),
        "valid_to": today() + datetime.timedelta(days=days - 1),
        "reason": "年度框架协议",
    } | extra
    return request_discount_authorisation(actor=actor or org.a.user("sales_rep"), **values)


def request_of(authorisation) -> ApprovalRequest:
    return ApprovalRequest.objects.get(subject_type=SUBJECT, subject_id=authorisation.pk)


def approve(authorisation, user, comment=""):
    approvals.approve_task(task_of(request_of(authorisation), user), actor=user, comment=comment)
    authorisation.refresh_from_db()
    return authorisation


def approved(shop, percent="25", **extra) -> DiscountAuthorisation:
    """Asked by region a's rep, approved by the team's manager (and the director above 30 %)."""
    org = shop.org
    authorisation = approve(ask(shop, percent, **extra), org.a.user("sales_manager"))
    if authorisation.status == Status.PENDING:
        authorisation = approve(authorisation, org.a.user("regional_director"))
    assert authorisation.status == Status.APPROVED
    return authorisation


def order_routed(shop, discount="25", *, region="a", product=None, warehouse=None) -> bool:
    """Whether a rep's order with one line at `discount` % goes to approval (True) or is confirmed (False)."""
    org = shop.org
    rep = getattr(org, region).user("sales_rep")
    order = draft(
        shop,
        actor=rep,
        customer=getattr(org, region).customer,
        warehouse=warehouse or (shop.warehouse if region == "a" else shop.warehouse_b),
        discount=discount,
        product=product,
    )
    order = submit_order(order, actor=rep)
    assert order.status in (OrderStatus.SUBMITTED, OrderStatus.CONFIRMED), order.status
    return order.status == OrderStatus.SUBMITTED


def valve(shop) -> Product:
    """A product of another product line, in stock in region a."""
    line = ProductLine.objects.create(code="valves", name="阀门")
    product = Product.objects.create(
        sku="V-001", name="阀门 V-001", line=line, list_price=Decimal("100.00"), standard_cost=Decimal("50.00")
    )
    receive_stock(product=product, warehouse=shop.warehouse, quantity="10", actor=shop.org.admin)
    return product


def use_policy(subject, admin, *rules):
    approvals.active_version(approvals.subject_type(subject))  # installs version 1
    policy = ApprovalPolicy.objects.get(subject_type=subject)
    version = policy_actions.save_draft(policy, document={"rules": list(rules)}, actor=admin)
    return policy_actions.activate_version(version, actor=admin)


def use_authorisation_policy(admin, *rules):
    return use_policy(SUBJECT, admin, *rules)


# --- the chain ------------------------------------------------------------------------------------------------


def test_the_requesters_manager_approves_and_the_authorisation_counts_from_then(shop):
    org = shop.org
    authorisation = ask(shop, "25")
    assert (authorisation.number, authorisation.status) == (f"DA-{today().year}-000001", Status.PENDING)
    request = request_of(authorisation)
    assert pending(request) == [("主管审批", "sales_manager_a")]
    assert request.title == f"{authorisation.number} · {org.a.customer.name} ≤ 25.00%"
    assert order_routed(shop, "25")  # pending: not yet

    approve(authorisation, org.a.user("sales_manager"), "老客户")

    assert (authorisation.status, authorisation.decision_comment) == (Status.APPROVED, "老客户")
    assert authorisation.approved_at == authorisation.decided_at
    assert authorisation.state(today()) == "active"
    assert not order_routed(shop, "25")
    types = Event.objects.filter(subject_type="catalog.discountauthorisation").order_by("id")
    assert [event.type for event in types] == ["discount_authorisation.requested", "discount_authorisation.approved"]


def test_above_30_percent_the_manager_then_the_regional_director_approve(shop):
    org = shop.org
    authorisation = ask(shop, "35")
    request = request_of(authorisation)
    assert [s.name for s in request.steps.order_by("position")] == ["主管审批", "区域总监审批"]
    assert approve(authorisation, org.a.user("sales_manager")).status == Status.PENDING
    assert order_routed(shop, "35")
    assert approve(authorisation, org.a.user("regional_director")).status == Status.APPROVED
    assert not order_routed(shop, "35")


def test_a_policy_that_approves_at_once_activates_the_authorisation_immediately(shop):
    org = shop.org
    use_authorisation_policy(org.admin, rule("Small", "authorisation.max_discount_percent <= 20", outcome="approve"))
    authorisation = ask(shop, "15")
    assert authorisation.status == Status.APPROVED and authorisation.approved_fingerprint
    assert not ApprovalRequest.objects.filter(subject_type=SUBJECT).exists()
    assert not order_routed(shop, "15")


def test_a_policy_rule_that_rejects_leaves_it_rejected(shop):
    org = shop.org
    use_authorisation_policy(
        org.admin, rule("Too deep", "authorisation.max_discount_percent > 50", outcome="reject", message="过高")
    )
    authorisation = ask(shop, "60")
    assert (authorisation.status, authorisation.decision_comment) == (Status.REJECTED, "过高")
    assert order_routed(shop, "55")


@pytest.mark.parametrize("decision", ["reject", "send_back", "withdraw"])
def test_rejected_sent_back_or_withdrawn_nothing_is_active(shop, decision):
    org = shop.org
    authorisation = ask(shop, "25")
    manager = org.a.user("sales_manager")
    if decision == "reject":
        approvals.reject_task(task_of(request_of(authorisation), manager), actor=manager, comment="不同意")
    elif decision == "send_back":
        approvals.send_back(task_of(request_of(authorisation), manager), actor=manager, comment="不同意")
    else:
        approvals.withdraw_request(request_of(authorisation), actor=authorisation.requester, comment="不同意")
    authorisation.refresh_from_db()
    expected = Status.REJECTED if decision == "reject" else Status.RETURNED
    assert (authorisation.status, authorisation.decision_comment) == (expected, "不同意")
    assert authorisation.approved_at is None
    assert order_routed(shop, "25")


# --- what it changes in order and quote routing ---------------------------------------------------------------


def test_an_order_line_within_the_authorised_percent_is_not_routed_and_is_again_outside_it(shop):
    other_line = valve(shop)
    approved(shop, "25")
    assert not order_routed(shop, "25")
    assert not order_routed(shop, "10")  # within the rep's own limit anyway
    assert order_routed(shop, "25.01")  # above the authorised percent
    assert order_routed(shop, "25", region="b")  # another customer
    assert not order_routed(shop, "25", product=other_line)  # it covers every product line


def test_a_product_line_authorisation_covers_only_that_line(shop):
    other_line = valve(shop)
    approved(shop, "25", product_line_id=shop.product.line_id)
    assert not order_routed(shop, "25")
    assert order_routed(shop, "25", product=other_line)
    # the order-level discount is covered only by authorisations for every product line
    org = shop.org
    rep = org.a.user("sales_rep")
    assert submit_order(draft(shop, order_discount="15"), actor=rep).status == OrderStatus.SUBMITTED


def test_it_counts_for_the_customers_group_too(shop):
    org = shop.org
    group = CustomerGroup.objects.create(code="vip", name="大客户")
    org.a.customer.group = group
    org.a.customer.save(update_fields=["group"])
    authorisation = ask(shop, "25", actor=org.a.user("sales_manager"), customer_group_id=group.pk)
    assert pending(request_of(authorisation)) == [("主管审批", "regional_director_a")]
    approve(authorisation, org.a.user("regional_director"))
    assert not order_routed(shop, "25")
    assert order_routed(shop, "25", region="b")  # not in the group


def test_after_it_expires_or_is_revoked_lines_are_routed_again(shop):
    org = shop.org
    authorisation = approved(shop, "25", days=1)
    tomorrow = clock.now() + datetime.timedelta(days=1)
    with clock.simulated(tomorrow):
        assert order_routed(shop, "25")
        assert authorisation.state(clock.today()) == "expired"
    assert not order_routed(shop, "25")
    revoke_discount_authorisation(authorisation, actor=org.a.user("sales_manager"), reason="客户违约")
    authorisation.refresh_from_db()
    assert (authorisation.status, authorisation.revoked_by) == (Status.REVOKED, org.a.user("sales_manager"))
    assert order_routed(shop, "25")
    event = Event.objects.filter(type="discount_authorisation.revoked").get()
    assert event.payload["data"] == {"reason": "客户违约"}


def test_an_authorisation_not_started_yet_does_not_count(shop):
    authorisation = ask(
        shop, "25", valid_from=today() + datetime.timedelta(days=2), valid_to=today() + datetime.timedelta(days=9)
    )
    approve(authorisation, shop.org.a.user("sales_manager"))
    assert authorisation.state(today()) == "scheduled"
    assert order_routed(shop, "25")


def test_a_quote_line_within_the_authorised_percent_is_sent_without_approval(shop):
    approved(shop, "25")
    rep = shop.org.a.user("sales_rep")
    quote = quote_actions.send_quote(quote_draft(shop, discount="25"), actor=rep)
    assert quote.status == QuoteStatus.SENT
    quote = quote_actions.send_quote(quote_draft(shop, discount="26"), actor=rep)
    assert quote.status == QuoteStatus.PENDING_APPROVAL


# --- no bypass ------------------------------------------------------------------------------------------------


def test_an_approved_authorisation_cannot_be_edited_and_a_change_around_the_actions_voids_it(shop, client):
    org = shop.org
    authorisation = approved(shop, "25")
    headers = bearer(api_key_for(org.admin))
    url = f"{URL}/{authorisation.pk}"
    before = snapshot(DiscountAuthorisation.objects.get(pk=authorisation.pk))
    for method in (client.put, client.patch):
        response = method(url, {"max_discount_percent": "40"}, content_type="application/json", **headers)
        assert response.status_code == 405
    assert snapshot(DiscountAuthorisation.objects.get(pk=authorisation.pk)) == before

    DiscountAuthorisation.objects.filter(pk=authorisation.pk).update(max_discount_percent=Decimal("40"))
    assert order_routed(shop, "35")
    assert order_routed(shop, "25")  # the approval was for other content: it no longer counts at all


def test_a_pending_authorisation_changed_around_the_actions_cannot_be_approved(shop):
    org = shop.org
    authorisation = ask(shop, "25")
    DiscountAuthorisation.objects.filter(pk=authorisation.pk).update(max_discount_percent=Decimal("45"))
    manager = org.a.user("sales_manager")
    with pytest.raises(ValidationError):
        approvals.approve_task(task_of(request_of(authorisation), manager), actor=manager)
    assert DiscountAuthorisation.objects.get(pk=authorisation.pk).status == Status.PENDING


def test_a_different_percent_is_a_new_request_and_one_pending_per_customer_and_line(shop):
    org = shop.org
    first = approved(shop, "25")
    second = ask(shop, "30")
    assert second.status == Status.PENDING and second.pk != first.pk
    with pytest.raises(ValidationError) as caught:
        ask(shop, "28")
    assert list(caught.value.message_dict) == ["customer_id"]
    assert order_routed(shop, "30")  # the 25 % one still governs until the new one is approved
    approve(second, org.a.user("sales_manager"))
    assert not order_routed(shop, "30")
    assert DiscountAuthorisation.objects.count() == 2


def test_only_its_approvers_and_administrators_revoke_and_only_while_it_has_not_expired(shop):
    org = shop.org
    authorisation = approved(shop, "25")
    before = snapshot(DiscountAuthorisation.objects.get(pk=authorisation.pk))
    for user in (org.a.user("sales_rep"), org.a.user("regional_director")):
        with pytest.raises(PermissionDenied):
            revoke_discount_authorisation(authorisation, actor=user, reason="x")
    with pytest.raises(ValidationError) as caught:
        revoke_discount_authorisation(authorisation, actor=org.admin, reason=" ")
    assert list(caught.value.message_dict) == ["reason"]
    assert snapshot(DiscountAuthorisation.objects.get(pk=authorisation.pk)) == before
    revoke_discount_authorisation(authorisation, actor=org.admin, reason="政策调整")
    with pytest.raises(ValidationError) as caught:
        revoke_discount_authorisation(authorisation, actor=org.admin, reason="again")
    assert list(caught.value.message_dict) == ["status"]


# --- API ------------------------------------------------------------------------------------------------------


def body(shop, **changes) -> dict:
    return {
        "customer_id": shop.org.a.customer.pk,
        "max_discount_percent": "25",
        "valid_from": today().isoformat(),
        "valid_to": (today() + datetime.timedelta(days=89)).isoformat(),
        "reason": "年度框架协议",
    } | changes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer_id": None}, "customer_id"),
        ({"customer_group_id": 1}, "customer_id"),  # both
        ({"customer_id": 999999}, "customer_id"),
        ({"product_line_id": 999999}, "product_line_id"),
        ({"max_discount_percent": "0"}, "max_discount_percent"),
        ({"max_discount_percent": "100.01"}, "max_discount_percent"),
        ({"max_discount_percent": "12.345"}, "max_discount_percent"),
        ({"max_discount_percent": "abc"}, "max_discount_percent"),
        ({"valid_from": "2001-01-01"}, "valid_from"),
        ({"valid_from": "not a date"}, "valid_from"),
        ({"valid_to": "2001-01-01"}, "valid_to"),
        ({"valid_to": "2999-01-01"}, "valid_to"),
        ({"reason": "   "}, "reason"),
    ],
)
def test_bad_input_is_refused_over_the_api_naming_the_field_and_nothing_changes(shop, client, changes, field):
    headers = bearer(api_key_for(shop.org.a.user("sales_rep")))
    response = post_json(client, URL, body(shop, **changes), **headers)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not DiscountAuthorisation.objects.exists() and not ApprovalRequest.objects.exists()
    assert not Event.objects.filter(type__startswith="discount_authorisation.").exists()


def test_a_rep_may_not_ask_for_a_customer_group(shop, client):
    group = CustomerGroup.objects.create(code="vip", name="大客户")
    headers = bearer(api_key_for(shop.org.a.user("sales_rep")))
    response = post_json(client, URL, body(shop, customer_id=None, customer_group_id=group.pk), **headers)
    assert response.status_code == 422 and list(response.json()["error"]["fields"]) == ["customer_group_id"]
    assert not DiscountAuthorisation.objects.exists()


def test_create_is_idempotent_and_reads_list_and_revoke_are_scoped(shop, client):
    org = shop.org
    headers = bearer(api_key_for(org.a.user("sales_rep")))
    first = post_json(client, URL, body(shop), HTTP_IDEMPOTENCY_KEY="da-1", **headers)
    again = post_json(client, URL, body(shop), HTTP_IDEMPOTENCY_KEY="da-1", **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert (first.json()["status"], first.json()["state"]) == ("pending", "pending")
    assert DiscountAuthorisation.objects.count() == 1
    authorisation_id = first.json()["id"]
    assert client.get(f"{URL}/{authorisation_id}", **headers).json()["number"] == first.json()["number"]
    assert client.get(URL, **headers).json()["count"] == 1

    before = snapshot(DiscountAuthorisation.objects.get())
    for user in (org.b.user("sales_rep"), org.b.user("regional_director"), org.a.user("dealer")):
        other = bearer(api_key_for(user))
        assert client.get(f"{URL}/{authorisation_id}", **other).status_code == 404
        assert client.get(f"{URL}/{authorisation_id}/events", **other).status_code == 404
        assert client.get(URL, **other).json()["count"] == 0
        revoked = post_json(client, f"{URL}/{authorisation_id}/revoke", {"reason": "x"}, **other)
        assert revoked.status_code == 404
    assert snapshot(DiscountAuthorisation.objects.get()) == before

    approve(DiscountAuthorisation.objects.get(), org.a.user("sales_manager"))
    manager = bearer(api_key_for(org.a.user("sales_manager")))
    assert client.get(f"{URL}?active=true", **manager).json()["count"] == 1
    assert post_json(client, f"{URL}/{authorisation_id}/revoke", {"reason": "x"}, **headers).status_code == 403
    revoked = post_json(client, f"{URL}/{authorisation_id}/revoke", {"reason": "客户违约"}, **manager)
    assert (revoked.status_code, revoked.json()["status"], revoked.json()["revoked_by"]) == (
        200,
        "revoked",
        "sales_manager_a",
    )
    events = client.get(f"{URL}/{authorisation_id}/events", **headers).json()
    assert [event["type"] for event in events] == [
        "discount_authorisation.revoked",
        "discount_authorisation.approved",
        "discount_authorisation.requested",
    ]
    assert client.get(f"{URL}?active=true", **manager).json()["count"] == 0


def test_the_api_is_in_the_openapi_schema(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths[URL])
    assert "post" in paths[URL + "/{authorisation_id}/revoke"]


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_pages_list_ask_show_the_approval_and_revoke(shop, client_for):
    org = shop.org
    rep = client_for(org.a.user("sales_rep"))
    page = rep.get("/catalog/discount-authorisations/").content.decode()
    assert 'data-testid="authorisation-form"' in page and org.a.customer.name in page
    response = rep.post(
        "/catalog/discount-authorisations/new/",
        {
            "customer_id": str(org.a.customer.pk),
            "max_discount_percent": "25",
            "valid_from": today().isoformat(),
            "valid_to": (today() + datetime.timedelta(days=30)).isoformat(),
            "reason": "年度框架协议",
        },
    )
    authorisation = DiscountAuthorisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/catalog/discount-authorisations/{authorisation.pk}/"
    detail = rep.get(response["Location"]).content.decode()
    assert "主管审批" in detail and "sales_manager_a" in detail

    bad = rep.post("/catalog/discount-authorisations/new/", {"customer_id": str(org.a.customer.pk), "reason": "x"})
    assert bad.status_code == 422 and DiscountAuthorisation.objects.count() == 1

    manager = client_for(org.a.user("sales_manager"))
    inbox = manager.get("/approvals/").content.decode()
    assert f"{authorisation.number} · {org.a.customer.name}" in inbox
    approve(authorisation, org.a.user("sales_manager"))
    assert 'data-testid="authorisation-revoke"' in manager.get(response["Location"]).content.decode()
    manager.post(f"/catalog/discount-authorisations/{authorisation.pk}/revoke/", {"reason": "客户违约"})
    assert DiscountAuthorisation.objects.get().status == Status.REVOKED

    assert client_for(org.b.user("sales_rep")).get(response["Location"]).status_code == 404


# --- context and simulation -----------------------------------------------------------------------------------


def test_the_context_reads_the_customers_invoiced_revenue_of_the_last_12_months(shop):
    org = shop.org
    order = shipped_order(shop, quantity="4")
    invoice = issue_invoice(order, actor=org.a.user("finance"))
    authorisation = ask(shop, "25", days=90)
    context = authorisation_context(authorisation, authorisation.requester)
    assert context["authorisation"] == {
        "number": authorisation.number,
        "applies_to": "customer",
        "customer_group": None,
        "product_line": None,
        "max_discount_percent": Decimal("25.00"),
        "valid_from": today(),
        "valid_to": today() + datetime.timedelta(days=89),
        "valid_days": 90,
        "reason": "年度框架协议",
        "revenue_12_months": Decimal("0.00"),  # issued today: the window ends before the day of the request
    }
    assert context["customer"]["name"] == org.a.customer.name
    assert context["submitter"]["role"] == "sales_rep"
    with clock.simulated(clock.now() + datetime.timedelta(days=1)):
        later = ask(shop, "20", product_line_id=shop.product.line_id)
    assert authorisation_context(later, later.requester)["authorisation"]["revenue_12_months"] == invoice.total


def test_simulation_of_the_authorisation_policy_routes_as_live_routing_did(shop):
    org = shop.org
    group = CustomerGroup.objects.create(code="vip", name="大客户")
    live = {}
    for percent, extra, actor in (
        ("25", {}, org.a.user("sales_rep")),
        ("35", {"customer_id": org.b.customer.pk}, org.b.user("sales_rep")),
        ("40", {"customer_group_id": group.pk}, org.a.user("sales_manager")),
    ):
        authorisation = ask(shop, percent, actor=actor, **extra)
        live[authorisation.pk] = ("route", [s.name for s in request_of(authorisation).steps.order_by("position")])
    now = clock.now()
    period = {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=1)}
    document = ApprovalPolicy.objects.get(subject_type=SUBJECT).active_version.document
    replayed = {
        past.document_id: (r.outcome, [s.name for s in r.steps]) for past, r in replay(SUBJECT, document, **period)
    }
    assert replayed == live
    assert sorted(chain for _outcome, chain in live.values()) == [
        ["主管审批"],
        ["主管审批", "区域总监审批"],
        ["主管审批", "区域总监审批"],
    ]


def test_order_simulation_reads_the_authorisations_valid_when_each_order_was_submitted(shop):
    org = shop.org
    authorisation = approved(shop, "25")
    rep = org.a.user("sales_rep")
    live = {}
    covered = submit_order(draft(shop, discount="25"), actor=rep)
    live[covered.pk] = covered.status
    revoke_discount_authorisation(authorisation, actor=org.admin, reason="政策调整")
    with clock.simulated(clock.now() + datetime.timedelta(seconds=1)):
        after = submit_order(draft(shop, discount="25"), actor=rep)
    live[after.pk] = after.status
    assert live == {covered.pk: OrderStatus.CONFIRMED, after.pk: OrderStatus.SUBMITTED}

    now = clock.now()
    period = {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=1)}
    document = ApprovalPolicy.objects.get(subject_type=ORDER_SUBJECT).active_version.document
    replayed = {past.document_id: r.outcome for past, r in replay(ORDER_SUBJECT, document, **period)}
    assert replayed == {covered.pk: "approve", after.pk: "route"}
    contexts = {
        past.document_id: past.context["order"]["lines"][0] for past, _r in replay(ORDER_SUBJECT, document, **period)
    }
    assert (contexts[covered.pk]["beyond_limit"], contexts[covered.pk]["authorisation"]) == (
        False,
        authorisation.number,
    )
    assert (contexts[after.pk]["beyond_limit"], contexts[after.pk]["authorisation"]) == (True, None)


def test_installed_policies_with_the_old_discount_rule_move_to_beyond_limit(shop):
    # An installation whose order policy still compares with the submitter's limit alone (version 1 before this
    # change), and a quote policy an administrator wrote otherwise.
    from django.apps import apps

    upgrade = importlib.import_module("salesops.orders.migrations.0010_discount_rules_read_authorisations").upgrade
    org = shop.org
    old, new = next(iter(OLD_DISCOUNT_CONDITIONS.items()))
    policy = ApprovalPolicy.objects.get(subject_type=ORDER_SUBJECT)
    policy.active_version.document["rules"][0]["condition"] = old
    policy.active_version.save(update_fields=["document"])
    quote_policy = use_policy(QUOTE_SUBJECT, org.admin, rule("Own", "quote.total > 1000", step("Manager", MANAGER)))

    upgrade(apps, None)

    policy.refresh_from_db()
    assert (policy.active_version.number, policy.active_version.document["rules"][0]["condition"]) == (2, new)
    assert policy.versions.get(number=1).status == "retired"
    assert policy.active_version.document["rules"][1] == ORDER_POLICY["rules"][1]
    assert ApprovalPolicy.objects.get(subject_type=QUOTE_SUBJECT).active_version_id == quote_policy.pk
    approved(shop, "25")
    assert not order_routed(shop, "25")


def authorisation_reads(queries) -> int:
    table = DiscountAuthorisation._meta.db_table
    return sum(1 for query in queries if f'"{table}"' in query["sql"] and query["sql"].lstrip().startswith("SELECT"))


def test_authorisations_are_read_once_per_document_and_once_per_simulated_chunk_never_per_line(shop):
    org = shop.org
    approved(shop, "25")
    rep = org.a.user("sales_rep")
    lines = [{"product": shop.product, "quantity": "1", "discount_percent": "25"}] * 5
    order = create_order(
        actor=rep, customer=org.a.customer, warehouse=shop.warehouse, lines=lines, discount_percent="0"
    )
    with CaptureQueriesContext(connection) as captured:
        submitted = submit_order(order, actor=rep)
    assert submitted.status == OrderStatus.CONFIRMED
    assert authorisation_reads(captured.captured_queries) == 1
    with CaptureQueriesContext(connection) as captured:
        assert submit_order(draft(shop, discount="5"), actor=rep).status == OrderStatus.CONFIRMED
    assert authorisation_reads(captured.captured_queries) == 0  # within the rep's own limit: nothing to read

    for _ in range(3):
        submit_order(draft(shop, discount="20"), actor=rep)
    now = clock.now()
    period = {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=1)}
    document = ApprovalPolicy.objects.get(subject_type=ORDER_SUBJECT).active_version.document
    with CaptureQueriesContext(connection) as captured:
        outcomes = [route.outcome for _past, route in replay(ORDER_SUBJECT, document, **period)]
    assert outcomes == ["approve"] * 5
    assert authorisation_reads(captured.captured_queries) == 1


@pytest.mark.parametrize(
    "role",
    ["sales_rep", "sales_manager", "regional_director", "finance", "risk_officer", "legal", "dealer", "supplier"],
)
def test_region_b_cannot_see_or_revoke_region_as_authorisation_and_it_is_unchanged(shop, client, role):
    org = shop.org
    authorisation = approved(shop, "25")
    before = snapshot(DiscountAuthorisation.objects.get(pk=authorisation.pk))
    headers = bearer(api_key_for(org.b.user(role)))
    assert client.get(f"{URL}/{authorisation.pk}", **headers).status_code == 404
    assert client.get(URL, **headers).json()["count"] == 0
    assert post_json(client, f"{URL}/{authorisation.pk}/revoke", {"reason": "x"}, **headers).status_code == 404
    assert snapshot(DiscountAuthorisation.objects.get(pk=authorisation.pk)) == before
    assert not order_routed(shop, "25")
