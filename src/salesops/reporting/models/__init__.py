"""Reporting data: stage rollups and alerts (`rollups.py`, `alerts.py`), briefings and sales targets
(`briefings.py`). One module per concern; all are imported here so Django finds them."""

from salesops.reporting.models.briefings import Briefing, BriefingDelivery, BriefingSubscription  # noqa: F401
from salesops.reporting.models.targets import SalesTarget  # noqa: F401
