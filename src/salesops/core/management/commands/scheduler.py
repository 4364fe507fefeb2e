"""`salesops scheduler`: fire periodic jobs. Catches up missed runs at start, then ticks every minute.

With REDIS_URL set, crontask holds a Redis leader lock so only one scheduler ticks; without it a second
scheduler is still harmless, because every run is claimed once per (job, scheduled time).
"""

from apscheduler.triggers.cron import CronTrigger
from crontask import scheduler
from django.core.management import call_command
from django.core.management.base import BaseCommand

from salesops.core.scheduling import registered_jobs, run_due_jobs


class Command(BaseCommand):
    help = "Run the periodic job scheduler."

    def handle(self, *args, **options):
        jobs = registered_jobs()
        self.stdout.write(f"Periodic jobs: {', '.join(f'{j.name} ({j.schedule})' for j in jobs.values())}")
        claimed = run_due_jobs()
        if claimed:
            self.stdout.write(f"Caught up: {', '.join(claimed)}")
        scheduler.add_job(run_due_jobs, CronTrigger.from_crontab("* * * * *"), name="salesops.run_due_jobs")
        call_command("crontask", "--no-heartbeat")
