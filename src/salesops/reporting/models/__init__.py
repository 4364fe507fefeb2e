"""Reporting data: stage rollups and alerts (`rollups.py`, `alerts.py`), briefings and sales targets
(`briefings.py`). One module per concern; all are imported here so Django finds them."""

from salesops.reporting.models.alerts import Alert, AlertRule
from salesops.reporting.models.rollups import StageDay, StageTarget, StageVisit

__all__ = ["Alert", "AlertRule", "StageDay", "StageTarget", "StageVisit"]
