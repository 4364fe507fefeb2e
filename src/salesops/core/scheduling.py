"""Periodic jobs: cron schedules in the company's time zone, each run claimed once per scheduled time.

`@periodic("0 9 * * *")` over a `@task` that takes a `scheduled_at` keyword registers a job. The scheduler
process (`salesops scheduler`, crontask's APScheduler under a Redis leader lock when REDIS_URL is set) calls
`run_due_jobs` every minute and once at start. For every job it works out the fire times since the job's last
claimed run, claims the latest one by inserting a `ScheduledRun` row (unique per job and time) and enqueues the
task only if the insert won. Two schedulers, or a restart in the same minute, therefore never run a job twice,
and a run missed while nothing was running is caught up once at the next start (missed runs coalesce).
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.tasks import Task
from django.utils import timezone

from salesops.core.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    schedule: str
    task: Task

    @property
    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.schedule, timezone=ZoneInfo(settings.TIME_ZONE))

    def fire_times(self, after: datetime, until: datetime) -> list[datetime]:
        """Scheduled times in (after, until], oldest first."""
        trigger = self.trigger
        times = []
        previous = None
        current = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
        while current is not None and current <= until:
            times.append(current)
            previous = current
            current = trigger.get_next_fire_time(previous, current + timedelta(microseconds=1))
        return times


_jobs: dict[str, PeriodicJob] = {}


def periodic(schedule: str, *, name: str | None = None):
    """Register a task to run on a crontab schedule (minute hour day month weekday, company time zone)."""

    weekdays = schedule.split()[-1]
    if any(character.isdigit() for character in weekdays):
        # APScheduler counts Monday as 0 where crontab counts Sunday as 0: names are unambiguous.
        raise ValueError(f"use weekday names (mon-fri, sun) rather than numbers in {schedule!r}")
    CronTrigger.from_crontab(schedule)  # fail at import time on a malformed schedule

    def register(task: Task) -> Task:
        job_name = name or task.module_path
        _jobs[job_name] = PeriodicJob(job_name, schedule, task)
        return task

    return register


def registered_jobs() -> dict[str, PeriodicJob]:
    return dict(_jobs)


def scheduler_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_run(job: PeriodicJob, scheduled_at: datetime) -> bool:
    """Insert the (job, scheduled time) row and enqueue the task, atomically; False if it was already claimed."""
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(job=job.name, scheduled_at=scheduled_at, claimed_by=scheduler_identity())
            result = job.task.enqueue(scheduled_at=scheduled_at.isoformat())
            run.task_result_id = str(result.id)
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        return False
    return True


def run_due_jobs(now: datetime | None = None, *, first_run_window: timedelta = timedelta(minutes=1)) -> list[str]:
    """Claim and enqueue every job whose latest scheduled time has come and is not yet claimed.

    A job never run before starts with fire times inside `first_run_window`, so installing the product at 15:00
    does not fire the 09:00 job for a time that predates it.
    """
    now = now or timezone.now()
    last_runs = dict(ScheduledRun.objects.values("job").annotate(last=Max("scheduled_at")).values_list("job", "last"))
    claimed = []
    for job in _jobs.values():
        since = last_runs.get(job.name) or now - first_run_window
        times = job.fire_times(since, now)
        if not times:
            continue
        if len(times) > 1:
            logger.info("job %s missed %d runs; catching up the latest", job.name, len(times) - 1)
        if claim_run(job, times[-1]):
            claimed.append(f"{job.name}@{times[-1].isoformat()}")
    return claimed
