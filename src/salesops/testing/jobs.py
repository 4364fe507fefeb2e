"""A periodic job used by the scheduler tests; importing this module registers it (child processes only)."""

from django.db import transaction
from django.tasks import task

from salesops.core.events import record_event
from salesops.core.models import ScheduledRun
from salesops.core.scheduling import periodic

JOB = "testing.every_minute"


@periodic("* * * * *", name=JOB)
@task()
def every_minute(*, scheduled_at: str) -> str:
    run = ScheduledRun.objects.get(job=JOB, scheduled_at=scheduled_at)
    with transaction.atomic():
        record_event("test.job_ran", run, data={"scheduled_at": scheduled_at})
    return scheduled_at
