"""Billing background jobs."""

import datetime

from django.tasks import task
from django.utils import timezone

from salesops.billing.actions import record_month_end
from salesops.core.scheduling import periodic
from salesops.core.timezones import company_zone


@periodic("30 1 1 * *", name="billing.record_month_end")
@task()
def record_last_month_end(*, scheduled_at: str) -> int:
    """On the 1st at 01:30 (company time): month-end receivables of the month before the scheduled run (a run
    caught up late still records the month it was scheduled for)."""
    scheduled = timezone.localdate(datetime.datetime.fromisoformat(scheduled_at), company_zone())
    return record_month_end(scheduled.replace(day=1) - datetime.timedelta(days=1))
