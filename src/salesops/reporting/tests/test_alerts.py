"""Alert rules on stage metrics: the shipped example (contract archiving delay rate jumps in a region) fires within
one dispatcher cycle, once while open; thresholds respect the minimum volume."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from salesops.core import clock
from salesops.core.dispatch import deliver_pending
from salesops.core.models import Notification
from salesops.reporting import rollups
from salesops.reporting.actions import acknowledge_alert, resolve_alert, save_alert_rule
from salesops.reporting.models import Alert
from salesops.reporting.tests.fixtures import TODAY, at, contracts, record_today


def history(region, weeks: int = 8):
    """Eight Wednesdays at 3-5 % late."""
    for week in range(1, weeks + 1):
        day = TODAY - datetime.timedelta(weeks=week)
        for event_pair in pairs(contracts(region, day, 50, [2, 2, 1, 2, 2, 2, 3, 2][week - 1], start=week * 1000)):
            rollups.apply_events(event_pair)


def pairs(events):
    return [events[index : index + 2] for index in range(0, len(events), 2)]


def rule(owner, **extra):
    data = {
        "name": "合同归档延迟",
        "stage": "contract_archiving",
        "metric": "delay_rate",
        "per": "region",
        "condition": "anomaly",
        "deviations": Decimal(3),
        "history_weeks": 8,
        "min_volume": 20,
    } | extra
    return save_alert_rule(None, actor=owner, data=data)


def test_a_jump_in_a_regions_delay_rate_fires_within_one_dispatcher_cycle(archiving, org, mailoutbox):
    region = org.a.region
    org.admin.email = "owner@example.com"
    org.admin.save(update_fields=["email"])
    history(region)
    watch = rule(org.admin)
    record_today(region, 50, 9)  # 18 % late
    with clock.simulated(at(TODAY, 18, 1)):
        deliver_pending()
    alert = Alert.objects.get(rule=watch)
    assert alert.region_id == region.pk and alert.status == "open"
    assert alert.value == Decimal("0.1800")
    assert Decimal("0.03") <= alert.expected <= Decimal("0.05")
    assert "18.0%" in alert.message
    deliver_pending()  # the notices go out on the next run (at the wall clock: this test's clock is in the past)
    assert Notification.objects.filter(recipient=org.admin, url=f"/reporting/alerts/{alert.pk}/").count() == 1
    assert [message.to for message in mailoutbox if "18.0%" in message.subject][:1] == [["owner@example.com"]]
    # still high later the same day: the open alert is refreshed, not duplicated
    record_today(region, 10, 5)
    with clock.simulated(at(TODAY, 18, 2)):
        deliver_pending()
    assert Alert.objects.filter(rule=watch).count() == 1
    assert Alert.objects.get(rule=watch).fired_count == 2


def test_a_normal_day_does_not_fire(archiving, org):
    history(org.a.region)
    rule(org.admin)
    record_today(org.a.region, 50, 2)  # 4 %
    with clock.simulated(at(TODAY, 18, 1)):
        deliver_pending()
    assert not Alert.objects.exists()


def test_a_threshold_needs_the_minimum_volume(archiving, org):
    watch = rule(org.admin, condition="above", threshold=Decimal("0.15"), min_volume=20)
    record_today(org.a.region, 10, 5)  # 50 % late but only 10 contracts
    with clock.simulated(at(TODAY, 18, 1)):
        deliver_pending()
    assert not Alert.objects.exists()
    record_today(org.a.region, 10, 0)  # 20 contracts today, 25 % late
    with clock.simulated(at(TODAY, 18, 2)):
        deliver_pending()
    assert Alert.objects.get(rule=watch).value == Decimal("0.2500")


def test_alert_lifecycle_and_a_new_alert_after_resolution(archiving, org):
    watch = rule(org.admin, condition="above", threshold=Decimal("0.15"), min_volume=5)
    record_today(org.a.region, 10, 5)
    with clock.simulated(at(TODAY, 18, 1)):
        deliver_pending()
    alert = Alert.objects.get(rule=watch)
    acknowledge_alert(alert, actor=org.admin, comment="在跟进")
    resolve_alert(alert, actor=org.admin, comment="已处理")
    with pytest.raises(ValidationError):
        acknowledge_alert(alert, actor=org.admin)
    record_today(org.a.region, 10, 5)
    with clock.simulated(at(TODAY, 18, 2)):
        deliver_pending()
    assert list(Alert.objects.filter(rule=watch).values_list("status", flat=True).order_by("pk")) == [
        "resolved",
        "open",
    ]


def test_a_rule_is_validated_whole(org):
    with pytest.raises(ValidationError) as caught:
        save_alert_rule(
            None, actor=org.admin, data={"name": "x", "stage": "nowhere", "metric": "delay_rate", "condition": "above"}
        )
    assert {"stage", "threshold"} <= set(caught.value.message_dict)
    with pytest.raises(PermissionDenied):
        save_alert_rule(None, actor=org.a.user("sales_rep"), data={"name": "x"})


def test_a_rule_given_as_text_is_converted_or_refused_by_field(org):
    rule = save_alert_rule(
        None,
        actor=org.admin,
        data={"name": "x", "stage": "shipment", "metric": "delay_rate", "condition": "above", "threshold": "0.15"},
    )
    rule.refresh_from_db()
    assert rule.threshold == Decimal("0.15")
    with pytest.raises(ValidationError) as caught:
        save_alert_rule(
            None,
            actor=org.admin,
            data={"name": "y", "stage": "shipment", "metric": "delay_rate", "condition": "above", "threshold": "lots"},
        )
    assert set(caught.value.message_dict) == {"threshold"}
