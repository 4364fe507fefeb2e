"""Reporting back office: each concern in its own module, imported here so the admin finds them."""

from salesops.reporting import alert_admin, briefing_admin  # noqa: F401
