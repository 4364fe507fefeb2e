"""Reporting data: stage rollups and alerts (`rollups.py`, `alerts.py`), briefings and sales targets
(`briefings.py`). One module per concern; all are imported here so Django finds them."""

from salesops.reporting.models.alerts import Alert, AlertRule
from salesops.reporting.models.briefings import Briefing, BriefingDelivery, BriefingSubscription
from salesops.reporting.models.rollups import StageDay, StageMonth, StageNow, StageTarget, StageVisit
from salesops.reporting.models.targets import SalesTarget

__all__ = [
    "Alert",
    "AlertRule",
    "Briefing",
    "BriefingDelivery",
    "BriefingSubscription",
    "SalesTarget",
    "StageDay",
    "StageMonth",
    "StageNow",
    "StageTarget",
    "StageVisit",
]
