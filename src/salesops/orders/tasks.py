"""Periodic jobs of orders and quotes (thin: they call actions)."""

import datetime

from django.tasks import task

from salesops.core.scheduling import periodic
from salesops.core.timezones import company_zone
from salesops.orders.quote_actions import expire_quotes


@periodic("5 0 * * *", name="orders.expire_quotes")
@task()
def expire_quotes_job(*, scheduled_at: str) -> int:
    """Daily at 00:05 company time: quotes valid until a day before the run's day are marked expired. The day comes
    from `scheduled_at`, so a late or repeated run expires the same quotes."""
    day = datetime.datetime.fromisoformat(scheduled_at).astimezone(company_zone()).date()
    return expire_quotes(today=day)
