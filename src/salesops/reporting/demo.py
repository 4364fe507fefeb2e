"""The demo company's alert rules, and its dashboard brought up to date with the replayed history."""

from decimal import Decimal

from salesops.accounts.models import User
from salesops.reporting.actions import save_alert_rule
from salesops.reporting.models import AlertRule
from salesops.reporting.rollups import rebuild

DEMO_RULES = [
    {
        "name": "发货延迟率超过 15%",
        "stage": "shipment",
        "metric": "delay_rate",
        "condition": "above",
        "threshold": Decimal("0.15"),
        "min_volume": 5,
    },
    {
        "name": "审批延迟率异常",
        "stage": "approval",
        "metric": "delay_rate",
        "condition": "anomaly",
        "deviations": Decimal(3),
        "history_weeks": 8,
        "min_volume": 5,
    },
    {
        "name": "逾期应收超过 50 万",
        "metric": "receivables_overdue",
        "condition": "above",
        "threshold": Decimal("500000"),
        "min_volume": 1,
    },
    {
        "name": "库存低于安全库存",
        "metric": "stock_below_safety",
        "condition": "above",
        "threshold": Decimal(0),
        "min_volume": 1,
    },
]


def load_demo_reporting() -> tuple[int, int]:
    """Create the demo alert rules (if none exist) and rebuild the rollups from the event log. Returns (rules
    created, events replayed)."""
    return load_demo_alert_rules(), rebuild()


def load_demo_alert_rules() -> int:
    """Create the demo alert rules if none exist; returns how many were created."""
    created = 0
    if not AlertRule.objects.exists():
        admin = User.objects.get(username="admin")
        for data in DEMO_RULES:
            save_alert_rule(None, actor=admin, data={"per": "region", **data})
            created += 1
    return created
