"""Core background jobs: the dispatcher sweep, housekeeping and running uploaded imports."""

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Max
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from salesops.core import imports
from salesops.core.dispatch import deliver_pending
from salesops.core.models import IdempotencyRecord, ImportJob, ScheduledRun
from salesops.core.scheduling import periodic

IDEMPOTENCY_RETENTION = timedelta(hours=24)
TASK_RESULT_RETENTION = timedelta(days=7)
SCHEDULED_RUN_RETENTION = timedelta(days=30)


@periodic("* * * * *", name="core.dispatch_sweep")
@task()
def dispatch_sweep(*, scheduled_at: str) -> dict:
    """Every minute: deliver due retries and anything a lost enqueue left behind."""
    report = deliver_pending()
    return {"delivered": report.delivered, "retried": report.retried, "failed": report.failed}


@periodic("17 3 * * *", name="core.purge_idempotency_records")
@task()
def purge_idempotency_records(*, scheduled_at: str) -> int:
    """Daily: forget Idempotency-Key responses older than a day (clients retry within minutes, not days)."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - IDEMPOTENCY_RETENTION).delete()
    return deleted


@periodic("43 3 * * *", name="core.prune_history")
@task()
def prune_history(*, scheduled_at: str) -> dict:
    """Daily: drop finished task results after a week, job claims after a month (the latest claim of every job
    stays: it is what catch-up counts from) and expired sessions."""
    now = timezone.now()
    results, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - TASK_RESULT_RETENTION,
    ).delete()
    runs = 0
    cutoff = now - SCHEDULED_RUN_RETENTION
    for job, latest in (
        ScheduledRun.objects.values("job").annotate(latest=Max("scheduled_at")).values_list("job", "latest")
    ):
        deleted, _ = ScheduledRun.objects.filter(job=job, scheduled_at__lt=min(latest, cutoff)).delete()
        runs += deleted
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    return {"task_results": results, "scheduled_runs": runs, "sessions": sessions}


@periodic("*/10 * * * *", name="core.fail_stale_imports")
@task()
def fail_stale_imports(*, scheduled_at: str) -> int:
    """Every 10 minutes: imports left validating or applying by a worker that died (no sign of life for
    `IMPORT_STALE_AFTER` before the scheduled time) are marked failed, with the reason in their report."""
    return imports.fail_stale_jobs(now=datetime.fromisoformat(scheduled_at))


@periodic("29 3 * * *", name="core.purge_import_files")
@task()
def purge_import_files(*, scheduled_at: str) -> int:
    """Daily: the uploaded files and error reports of imports finished more than `IMPORT_RETENTION` before the
    scheduled time are deleted; the jobs stay, marked with when."""
    return imports.purge_old_files(now=datetime.fromisoformat(scheduled_at))


@task()
def run_import(job_id: int) -> str:
    """Validate and apply one uploaded import file (core/imports.py); returns the job's final status."""
    return imports.run_job(ImportJob.objects.get(pk=job_id)).status


def queue_import(*, kind: str, filename: str, content: bytes, actor) -> ImportJob:
    """Record an upload and queue its run, atomically: the job exists if and only if a worker will run it."""
    with transaction.atomic():
        job = imports.create_job(kind=kind, filename=filename, content=content, actor=actor)
        run_import.enqueue(job.pk)
    return job
