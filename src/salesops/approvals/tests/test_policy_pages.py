"""The administrator's pages: the rule editor (validation with positions, drafts, activation), the live
condition check, simulation with charts, and analytics."""

import datetime
from decimal import Decimal

from salesops.approvals.actions import approve_task
from salesops.approvals.analytics import approval_analytics
from salesops.approvals.models import ApprovalPolicy, ApprovalRequest, PolicyVersion
from salesops.approvals.tests.helpers import MANAGER, request_of, rule, step, submit, task_of, use_policy
from salesops.core import clock

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def editor_post(**fields):
    data = {"rule_count": "1", "rule-0-step_count": "1", "rule-0-outcome": "route", "rule-0-step-0-mode": "any"}
    data.update(fields)
    return data


def orders_policy():
    return ApprovalPolicy.objects.get(subject_type="orders.salesorder")


def test_the_editor_saves_a_draft_and_activates_it(org, client_for):
    policy = orders_policy()
    client = client_for(org.admin)
    page = client.get(f"/approvals/policies/{policy.pk}/", **EN).content.decode()
    assert page.count('data-testid="rule"') == 3  # the two rules of the default policy and a blank one
    response = client.post(
        f"/approvals/policies/{policy.pk}/",
        editor_post(
            **{
                "rule-0-name": "Large",
                "rule-0-condition": "order.total > 5000",
                "rule-0-step-0-name": "Boss",
                "rule-0-step-0-approvers": "manager, role:finance",
                "rule-0-step-0-due_hours": "2",
                "note": "tighter",
            }
        ),
    )
    assert response.status_code == 302
    draft = PolicyVersion.objects.get(policy=policy, status="draft")
    assert draft.document["rules"][0]["steps"][0]["approvers"] == [
        {"kind": "manager"},
        {"kind": "role", "value": "finance"},
    ]
    client.post(f"/approvals/policies/{policy.pk}/", {"activate": draft.pk})
    draft.refresh_from_db()
    assert draft.status == "active"


def test_the_editor_shows_problems_and_saves_nothing(org, client_for):
    policy = orders_policy()
    before = PolicyVersion.objects.count()
    client = client_for(org.admin)
    page = client.post(
        f"/approvals/policies/{policy.pk}/",
        editor_post(
            **{
                "rule-0-name": "x",
                "rule-0-condition": "order.totl > 1",
                "rule-0-step-0-name": "s",
                "rule-0-step-0-approvers": "boss",
            }
        ),
        **EN,
    ).content.decode()
    assert "Unknown approver" in page
    page = client.post(
        f"/approvals/policies/{policy.pk}/",
        editor_post(
            **{
                "rule-0-name": "x",
                "rule-0-condition": "order.totl > 1",
                "rule-0-step-0-name": "s",
                "rule-0-step-0-approvers": "manager",
            }
        ),
        **EN,
    ).content.decode()
    assert 'data-testid="rule-error"' in page and "totl" in page and "line 1, column 7" in page
    assert PolicyVersion.objects.count() == before


def test_only_administrators_edit(org, client_for):
    policy = orders_policy()
    client = client_for(org.a.user("regional_director"))
    page = client.get(f"/approvals/policies/{policy.pk}/").content.decode()
    assert 'data-testid="save-draft"' not in page
    response = client.post(
        f"/approvals/policies/{policy.pk}/", editor_post(**{"rule-0-name": "x", "rule-0-condition": "true"})
    )
    assert response.status_code == 403
    assert client_for(org.a.user("dealer")).get(f"/approvals/policies/{policy.pk}/").status_code == 403


def test_the_condition_check_points_at_the_fault(org, client_for):
    policy = orders_policy()
    client = client_for(org.admin)
    page = client.post(
        f"/approvals/policies/{policy.pk}/check/", {"rule-0-condition": "order.total > 'x'"}, **EN
    ).content.decode()
    assert 'data-testid="condition-problem"' in page and "^" in page
    ok = client.post(
        f"/approvals/policies/{policy.pk}/check/", {"rule-0-condition": "order.total > 5"}, **EN
    ).content.decode()
    assert 'data-testid="condition-ok"' in ok


def test_the_simulation_page_reports_with_charts(shop, client_for):
    org = shop.org
    submit(shop, quantity="1800")  # caught by the default policy's large-order rule
    submit(shop, quantity="1")
    policy = orders_policy()
    today = clock.today()
    url = f"/approvals/policies/{policy.pk}/simulate/?run=1&start={today - datetime.timedelta(days=1)}&end={today}"
    page = client_for(org.admin).get(url, **EN).content.decode()
    assert 'data-testid="simulation-report"' in page
    assert '<li data-testid="rule-count">大额订单: 1</li>' in page
    assert 'data-chart="rules-chart"' in page and 'id="rules-chart"' in page


def test_analytics_measure_steps_breaches_and_queues(shop, tuesday_morning, client_for):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER, due_hours=2)))
    manager = org.a.user("sales_manager")
    with clock.simulated(tuesday_morning):
        first, second, third = (request_of(submit(shop)) for _ in range(3))
    with clock.simulated(tuesday_morning + datetime.timedelta(hours=1)):
        approve_task(task_of(first, manager), actor=manager)  # 1 working hour: in time
    with clock.simulated(tuesday_morning + datetime.timedelta(hours=4)):  # 14:00: 3 working hours (lunch)
        approve_task(task_of(second, manager), actor=manager)
    now = tuesday_morning + datetime.timedelta(hours=5)
    data = approval_analytics(
        ApprovalRequest.objects.all(), start=tuesday_morning - datetime.timedelta(days=1), end=now, now=now
    )
    assert data["steps"] == [
        {
            "step": "Manager",
            "count": 3,
            "median_hours": Decimal("3.00"),
            "p90_hours": Decimal("4.00"),
            "mean_hours": Decimal("2.67"),
        }
    ]
    assert data["sla_breach"]["step"] == [{"key": "Manager", "steps": 3, "breached": 2, "rate": 0.6667}]
    assert [(row["username"], row["pending"]) for row in data["queue"]] == [("sales_manager_a", 1)]
    page = client_for(org.admin).get("/approvals/analytics/", **EN).content.decode()
    assert 'data-chart="steps-chart"' in page and 'data-testid="queue"' in page
    assert third.status == "pending"
