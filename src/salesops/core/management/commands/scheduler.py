"""`salesops scheduler`: fire periodic jobs. Catches up missed runs at start, then ticks every minute.

With REDIS_URL set, crontask holds a Redis leader lock, so only one scheduler ticks and a second one exits
("Another scheduler is already running"); without Redis a second scheduler is still harmless, because every run
is claimed once per (job, scheduled time).
"""

import logging

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from crontask import scheduler
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from salesops.core.scheduling import registered_jobs, run_due_jobs

logger = logging.getLogger("salesops.scheduler")


def tick() -> None:
    close_old_connections()
    try:
        claimed = run_due_jobs()
        if claimed:
            logger.info("enqueued %s", ", ".join(claimed))
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Run the periodic job scheduler."

    def handle(self, *args, **options):
        jobs = registered_jobs()
        self.stdout.write(f"Periodic jobs: {', '.join(f'{j.name} ({j.schedule})' for j in jobs.values())}")
        # Both run only once this process holds the leader lock: first a catch-up, then every minute.
        scheduler.add_job(tick, DateTrigger(), name="salesops.catch_up")
        scheduler.add_job(tick, CronTrigger.from_crontab("* * * * *"), name="salesops.tick")
        call_command("crontask", "--no-heartbeat", "--no-task-loading")
