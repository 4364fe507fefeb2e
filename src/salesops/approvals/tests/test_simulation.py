"""Simulation replays past documents through rules and changes nothing; it routes exactly as live routing does."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from salesops.approvals.actions import approve_task
from salesops.approvals.models import ApprovalRequest, ApprovalTask
from salesops.approvals.simulation import replay, simulate
from salesops.approvals.tests.helpers import (
    DIRECTOR,
    MANAGER,
    ORDERS,
    request_of,
    role,
    rule,
    step,
    submit,
    task_of,
    use_policy,
)
from salesops.core import clock
from salesops.core.models import Event
from salesops.orders.models import SalesOrder

POLICY = [
    rule(
        "Deep discount",
        "order.lines.exists(l, l.discount_percent > submitter.discount_limit)",
        step("Risk", role("risk_officer")),
    ),
    rule("Large", "order.total >= 1000", step("Manager", MANAGER), step("Director", DIRECTOR, parallel=True)),
    rule("Huge", "order.total >= 100000", outcome="reject", message="太大"),
]
CASES = [("1", "0"), ("9", "0"), ("1", "15"), ("20", "15"), ("1000", "0"), ("2", "5")]
PERIOD = {
    "start": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    "end": datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
}


def chain_of(request: ApprovalRequest) -> list[tuple[int, str]]:
    return [(s.stage, s.name) for s in request.steps.order_by("position")]


def test_simulation_routes_every_document_as_live_routing_did(shop):
    org = shop.org
    use_policy(org.admin, *POLICY)
    live = {}
    for quantity, discount in CASES:
        order = submit(shop, quantity=quantity, discount=discount)
        request = ApprovalRequest.objects.filter(subject_type=ORDERS, subject_id=order.pk).first()
        live[order.pk] = (
            SalesOrder.objects.get(pk=order.pk).status,
            chain_of(request) if request else [],
            [r["name"] for r in request.matched_rules] if request else [],
        )
    document = {"rules": POLICY}
    replayed = {}
    for past, route in replay(ORDERS, document, **PERIOD):
        replayed[past.document_id] = (
            route.outcome,
            [(s.stage, s.name) for s in route.steps],
            [m["name"] for m in route.matched],
        )
    assert set(replayed) == set(live)
    for pk, (status, chain, names) in live.items():
        outcome, simulated_chain, simulated_names = replayed[pk]
        expected = {"submitted": "route", "rejected": "reject", "confirmed": "approve"}[status]
        assert outcome == expected, pk
        if outcome == "route":
            assert (simulated_chain, simulated_names) == (chain, names), pk
    report = simulate(ORDERS, document, **PERIOD)
    assert report["documents"] == len(CASES)
    assert report["outcomes"] == {"approve": 2, "route": 3, "reject": 1}
    assert {r["name"]: r["caught"] for r in report["rules"]} == {"Deep discount": 2, "Large": 3, "Huge": 1}
    assert {c["chain"]: c["documents"] for c in report["chains"]} == {
        "Risk": 1,
        "Risk → Manager ‖ Director": 1,
        "Manager ‖ Director": 1,
    }
    load = {row["username"]: row["tasks"] for row in report["load"]}
    assert load == {"risk_officer_a": 2, "sales_manager_a": 2, "regional_director_a": 2}


def test_simulation_changes_nothing(shop):
    org = shop.org
    submit(shop, quantity="20")
    counts = (ApprovalRequest.objects.count(), ApprovalTask.objects.count(), Event.objects.count())
    simulate(ORDERS, {"rules": POLICY}, **PERIOD)
    assert (ApprovalRequest.objects.count(), ApprovalTask.objects.count(), Event.objects.count()) == counts
    assert org is not None


def test_expected_times_come_from_historical_decisions(shop, tuesday_morning):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER)))
    manager = org.a.user("sales_manager")
    for hours in (1, 3, 2):  # decided 1, 3 and 2 working hours after being asked
        with clock.simulated(tuesday_morning):
            request = request_of(submit(shop))
        with clock.simulated(tuesday_morning + datetime.timedelta(hours=hours)):
            approve_task(task_of(request, manager), actor=manager)
    report = simulate(ORDERS, {"rules": [rule("Big", "order.total > 0", step("Boss", MANAGER))]}, **PERIOD)
    assert report["steps"] == [
        {
            "key": "Big / Boss",
            "name": "Boss",
            "documents": 3,
            "expected_hours": Decimal("2.00"),
            "basis": "approvers",
            "vacant": 0,
        }
    ]
    assert report["cycle_hours"] == {"median": Decimal("2.00"), "p90": Decimal("2.00")}


def test_an_invalid_document_or_period_is_refused(shop):
    with pytest.raises(ValidationError) as caught:
        simulate(ORDERS, {"rules": [rule("x", "order.totl > 1", step("s", MANAGER))]}, **PERIOD)
    assert "document.rules.0.condition" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        simulate(ORDERS, {"rules": []}, start=PERIOD["end"], end=PERIOD["start"])
    assert "end" in caught.value.message_dict
