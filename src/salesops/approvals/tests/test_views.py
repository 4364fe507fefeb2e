"""Approval pages: the inbox with one-tap decisions, a request page with every decision, delegations, and the
approval panel on the order page."""

from salesops.approvals.models import Delegation, RequestStatus
from salesops.approvals.tests.helpers import DIRECTOR, MANAGER, request_of, rule, step, submit, use_policy
from salesops.orders.models import OrderStatus
from salesops.orders.tests.fixtures import reload

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_inbox_shows_the_document_and_approves_in_one_tap(shop, client_for):
    org = shop.org
    use_policy(org.admin, rule("Big", "order.total > 0", step("Manager", MANAGER), message="需要主管审批"))
    order = submit(shop, quantity="3")
    client = client_for(org.a.user("sales_manager"))
    page = client.get("/approvals/", **EN).content.decode()
    assert page.count('data-testid="inbox-task"') == 1
    assert order.number in page and "¥339.00" in page and "需要主管审批" in page
    response = client.post(
        f"/approvals/requests/{request_of(order).pk}/decide/", {"decision": "approve", "next": "inbox"}
    )
    assert response.status_code == 302 and response["Location"] == "/approvals/"
    assert reload(order).status == OrderStatus.CONFIRMED
    assert 'data-testid="inbox-empty"' in client.get("/approvals/").content.decode()


def test_reject_from_the_inbox_needs_a_comment(shop, client_for):
    org = shop.org
    use_policy(org.admin, rule("Big", "order.total > 0", step("Manager", MANAGER)))
    order = submit(shop)
    client = client_for(org.a.user("sales_manager"))
    url = f"/approvals/requests/{request_of(order).pk}/decide/"
    client.post(url, {"decision": "reject"})
    assert reload(order).status == OrderStatus.SUBMITTED
    client.post(url, {"decision": "reject", "comment": "价格不对"})
    assert reload(order).status == OrderStatus.REJECTED


def test_request_page_shows_the_chain_and_the_forms_for_the_person_asked(shop, client_for):
    org = shop.org
    use_policy(org.admin, rule("Big", "order.total > 0", step("Manager", MANAGER), step("Director", DIRECTOR)))
    request = request_of(submit(shop))
    url = f"/approvals/requests/{request.pk}/"
    manager_page = client_for(org.a.user("sales_manager")).get(url).content.decode()
    assert manager_page.count('data-testid="approval-step"') == 2
    for control in ("decide-approve", "decide-reject", "decide-send-back", "decide-transfer", "decide-add"):
        assert control in manager_page
    rep_page = client_for(org.a.user("sales_rep")).get(url).content.decode()
    assert "decide-approve" not in rep_page and "decide-withdraw" in rep_page
    assert "decide-reassign" in client_for(org.admin).get(url).content.decode()
    assert client_for(org.b.user("sales_manager")).get(url).status_code == 404


def test_transfer_and_withdraw_from_the_request_page(shop, client_for):
    org = shop.org
    use_policy(org.admin, rule("Big", "order.total > 0", step("Manager", MANAGER)))
    request = request_of(submit(shop))
    url = f"/approvals/requests/{request.pk}/decide/"
    director = org.a.user("regional_director")
    client_for(org.a.user("sales_manager")).post(url, {"decision": "transfer", "user_id": director.pk})
    assert [t.approver for t in request.tasks.filter(status="pending")] == [director]
    client_for(org.a.user("sales_rep")).post(url, {"decision": "withdraw"})
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_the_order_page_shows_the_approval_panel(shop, client_for):
    org = shop.org
    use_policy(org.admin, rule("Big", "order.total > 0", step("Manager", MANAGER)))
    order = submit(shop)
    manager_page = client_for(org.a.user("sales_manager")).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="approval-panel"' in manager_page and 'data-testid="approval-approve"' in manager_page
    rep_page = client_for(org.a.user("sales_rep")).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="approval-panel"' in rep_page and 'data-testid="approval-approve"' not in rep_page


def test_delegation_page_sets_and_ends_a_delegation(org, client_for):
    manager = org.a.user("sales_manager")
    client = client_for(manager)
    client.post(
        "/approvals/delegations/",
        {"delegate": org.a.user("regional_director").pk, "starts_on": "2026-12-01", "ends_on": "2026-12-10"},
    )
    delegation = Delegation.objects.get()
    assert (delegation.user, delegation.is_active) == (manager, True)
    assert 'data-testid="delegation"' in client.get("/approvals/delegations/").content.decode()
    client.post("/approvals/delegations/", {"end": delegation.pk})
    delegation.refresh_from_db()
    assert delegation.is_active is False
    client.post("/approvals/delegations/", {"delegate": "", "starts_on": "x", "ends_on": ""})
    assert Delegation.objects.count() == 1
