"""Core background jobs: the dispatcher sweep and housekeeping."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from salesops.core.dispatch import deliver_pending
from salesops.core.models import IdempotencyRecord
from salesops.core.scheduling import periodic

IDEMPOTENCY_RETENTION = timedelta(hours=24)


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
