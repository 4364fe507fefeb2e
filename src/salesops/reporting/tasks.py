"""Reporting tasks: each concern in its own module, imported here so start-up discovery finds them."""

from salesops.reporting import briefing_tasks  # noqa: F401
