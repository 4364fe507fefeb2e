"""Alert rules on the state now: stock below safety (checked as soon as stock crosses below) and overdue
receivables (the periodic job); each alert's page lists what caused it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from salesops.core import clock
from salesops.core.dispatch import deliver_pending
from salesops.inventory.models import SafetyStock
from salesops.reporting.actions import save_alert_rule
from salesops.reporting.alerts import evaluate_state_rules
from salesops.reporting.models import Alert
from salesops.reporting.tests.fixtures import at, order_through


def rule(owner, metric, threshold):
    return save_alert_rule(
        None,
        actor=owner,
        data={
            "name": metric,
            "metric": metric,
            "per": "region",
            "condition": "above",
            "threshold": threshold,
            "min_volume": 1,
        },
    )


def test_stock_falling_below_safety_raises_an_alert_at_once(shop, client_for):
    org = shop.org
    SafetyStock.objects.create(product=shop.product, warehouse=shop.warehouse, minimum=Decimal(99998))
    watch = rule(org.admin, "stock_below_safety", Decimal(0))
    order_through(shop, {"created": clock.now(), "submitted": clock.now()}, quantity="5")  # 100,000 → 99,995 available
    deliver_pending()
    alert = Alert.objects.get(rule=watch)
    assert (alert.region_id, alert.value) == (org.a.region.pk, Decimal(1))
    page = client_for(org.admin).get(f"/reporting/alerts/{alert.pk}/").content.decode()
    assert page.count('data-testid="source"') == 1 and "99995" in page and "99998" in page


def test_overdue_receivables_alert_from_the_periodic_job(shop):
    org = shop.org
    watch = rule(org.admin, "receivables_overdue", Decimal("100.00"))
    long_ago = datetime.date(2026, 1, 5)
    order = order_through(
        shop,
        {
            "created": at(long_ago, 9),
            "submitted": at(long_ago, 10),
            "shipped": at(long_ago, 11),
            "invoiced": at(long_ago, 12),
        },
        quantity="2",
    )
    assert not Alert.objects.exists()
    raised = evaluate_state_rules()
    assert [alert.rule for alert in raised] == [watch]
    assert raised[0].value == order.total and raised[0].volume == 1
    assert evaluate_state_rules()[0].pk == raised[0].pk  # refreshed, not duplicated
    assert Alert.objects.count() == 1


def test_state_metrics_take_thresholds_only(shop):
    with pytest.raises(ValidationError) as caught:
        save_alert_rule(
            None, actor=shop.org.admin, data={"name": "x", "metric": "receivables_overdue", "condition": "anomaly"}
        )
    assert "condition" in caught.value.message_dict
