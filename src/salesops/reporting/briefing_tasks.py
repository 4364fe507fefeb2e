"""Briefing jobs: the 09:00 daily briefing and the retry of deliveries SMTP refused (thin: they call actions)."""

import datetime

from django.tasks import task

from salesops.core.scheduling import periodic
from salesops.reporting.briefing_actions import retry_failed_deliveries, run_daily_briefings

RETRY_WINDOW = datetime.timedelta(days=1)


@periodic("0 9 * * *", name="reporting.daily_briefings")
@task()
def daily_briefings(*, scheduled_at: str) -> dict:
    """Every day at 09:00 (Asia/Shanghai): each region's briefing about the day before `scheduled_at`, sent to its
    recipients once. The scheduler claims each (job, time) once and catches up a missed 09:00 at start."""
    return run_daily_briefings(datetime.datetime.fromisoformat(scheduled_at))


@periodic("*/15 * * * *", name="reporting.retry_briefing_deliveries")
@task()
def retry_briefing_deliveries(*, scheduled_at: str) -> dict:
    """Every 15 minutes: briefing e-mails of the last day that the mail server refused are tried again."""
    return retry_failed_deliveries(since=datetime.datetime.fromisoformat(scheduled_at) - RETRY_WINDOW)
