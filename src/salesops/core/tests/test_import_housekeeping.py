"""Imports housekeeping: jobs left running by a worker that died are failed, old files and error reports are
deleted; both periodic, both safe to run again. Time moves on through the business clock (`clock.simulated`) or
the run's scheduled time, never by sleeping."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

from salesops.core import clock, imports
from salesops.core.models import Event, ImportJob
from salesops.core.scheduling import registered_jobs
from salesops.customers.models import Customer
from salesops.testing.api import api_key_for, bearer
from salesops.testing.imports import csv_file, run_import
from salesops.testing.org import credit_code

STALE_MESSAGE = (
    "The import stopped: nothing was heard from it for 60 minutes, so the process running it probably ended. "
    "Nothing was imported; upload the file again."
)


def customers_file(*codes: str) -> bytes:
    return csv_file([["name", "credit_code", "office"], *[[f"导入客户 {code}", code, "office-a"] for code in codes]])


def uploaded(org, *codes: str) -> ImportJob:
    with translation.override("en"):
        return imports.create_job(
            kind="customers", filename="customers.csv", content=customers_file(*codes), actor=org.admin
        )


def claimed(job: ImportJob) -> ImportJob:
    """What a worker does first (`run_job`): the job is validating from now on."""
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, started_at=now, updated_at=now)
    job.refresh_from_db()
    return job


def later(job: ImportJob, minutes: int):
    """The business clock `minutes` after the job's last sign of life."""
    return clock.simulated(job.updated_at + timedelta(minutes=minutes))


def test_a_job_left_validating_by_a_dead_worker_is_failed_once_with_the_reason(org):
    code = credit_code()
    job = claimed(uploaded(org, code))

    with later(job, 59):
        assert imports.fail_stale_jobs() == 0
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.VALIDATING

    with later(job, 61):
        assert imports.fail_stale_jobs() == 1
        failed_at = clock.now()
        assert imports.fail_stale_jobs() == 0  # a second run finds nothing more to do

    job = ImportJob.objects.get(pk=job.pk)
    assert (job.status, job.created_count, job.finished_at) == (ImportJob.Status.FAILED, 0, failed_at)
    assert job.errors == [{"row": None, "column": "", "message": STALE_MESSAGE}]
    event = Event.objects.get(type="import_job.failed")
    assert (event.subject_id, event.actor_label) == (str(job.pk), "system")
    assert event.payload["before"] == {"status": "validating"}
    assert event.payload["data"]["reason"] == "stale"
    assert not Customer.objects.filter(credit_code=code).exists()


def test_the_age_is_configurable_and_an_applying_job_is_failed_too(org, settings):
    settings.IMPORT_STALE_AFTER = timedelta(minutes=5)
    job = claimed(uploaded(org, credit_code()))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)

    with later(job, 6):
        assert imports.fail_stale_jobs() == 1

    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert "for 5 minutes" in job.errors[0]["message"]


def test_queued_and_finished_jobs_are_never_failed_as_stale(org):
    queued = uploaded(org, credit_code())  # waiting for a worker: its task is still in the queue
    done = run_import("customers", customers_file(credit_code()), org.admin)
    rejected = run_import("customers", customers_file("not a code"), org.admin)
    before = {job.pk: (job.status, job.errors) for job in ImportJob.objects.all()}

    with clock.simulated(timezone.now() + timedelta(days=3)):
        assert imports.fail_stale_jobs() == 0

    assert {job.pk: (job.status, job.errors) for job in ImportJob.objects.all()} == before
    assert (queued.status, done.status, rejected.status) == ("queued", "done", "rejected")


def test_a_worker_that_was_only_slow_does_not_apply_a_job_failed_as_stale(org):
    code = credit_code()
    job = claimed(uploaded(org, code))
    plan = imports.validate_job(job)
    assert plan is not None

    with later(job, 61):
        assert imports.fail_stale_jobs() == 1
    imports.apply_job(job, plan)  # the worker wakes up

    assert not Customer.objects.filter(credit_code=code).exists()
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [{"row": None, "column": "", "message": STALE_MESSAGE}]
    assert not Event.objects.filter(type="import_job.applied").exists()


def test_a_worker_that_was_only_slow_stops_validating_a_job_failed_as_stale(org, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY_SECONDS", -1)  # report progress after every row
    job = claimed(uploaded(org, credit_code(), credit_code()))
    with later(job, 61):
        imports.fail_stale_jobs()

    assert imports.validate_job(job) is None

    job = ImportJob.objects.get(pk=job.pk)
    assert (job.status, job.errors) == (
        ImportJob.Status.FAILED,
        [{"row": None, "column": "", "message": STALE_MESSAGE}],
    )


def test_the_periodic_job_fails_stale_imports_as_of_its_scheduled_time(org):
    job = claimed(uploaded(org, credit_code()))
    periodic = registered_jobs()["core.fail_stale_imports"]
    assert periodic.schedule == "*/10 * * * *"

    assert periodic.task.call(scheduled_at=(job.updated_at + timedelta(minutes=50)).isoformat()) == 0
    scheduled_at = job.updated_at + timedelta(minutes=70)
    assert periodic.task.call(scheduled_at=scheduled_at.isoformat()) == 1
    assert periodic.task.call(scheduled_at=scheduled_at.isoformat()) == 0  # run again by hand

    assert ImportJob.objects.get(pk=job.pk).finished_at == scheduled_at


# --- purging old files --------------------------------------------------------------------------------------------


def finished_days_ago(job: ImportJob, days: int, now) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(finished_at=now - timedelta(days=days))
    return ImportJob.objects.get(pk=job.pk)


def test_files_and_error_reports_of_old_imports_are_purged_and_the_jobs_kept(org):
    now = timezone.now() + timedelta(days=100)
    old_done = finished_days_ago(run_import("customers", customers_file(credit_code()), org.admin), 31, now)
    old_rejected = finished_days_ago(run_import("customers", customers_file("bad"), org.admin), 31, now)
    recent = finished_days_ago(run_import("customers", customers_file("bad"), org.admin), 29, now)
    running = claimed(uploaded(org, credit_code()))
    assert old_rejected.errors and recent.errors

    with clock.simulated(now):
        assert imports.purge_old_files() == 2
        assert imports.purge_old_files() == 0  # nothing more on a second run

    purged = {job.pk: job for job in ImportJob.objects.filter(purged_at=now)}
    assert set(purged) == {old_done.pk, old_rejected.pk}
    for job in purged.values():
        assert (bytes(job.content), job.errors) == (b"", [])
    assert (purged[old_done.pk].status, purged[old_done.pk].created_count) == ("done", 1)  # the outcome stays
    assert purged[old_rejected.pk].status == "rejected"
    recent.refresh_from_db()
    running.refresh_from_db()
    assert (recent.purged_at, running.purged_at) == (None, None)
    assert recent.errors and bytes(recent.content) == customers_file("bad")
    assert bytes(running.content)


def test_the_retention_is_configurable_and_the_periodic_job_counts_from_its_scheduled_time(org, settings):
    settings.IMPORT_RETENTION = timedelta(days=7)
    job = run_import("customers", customers_file("bad"), org.admin)
    periodic = registered_jobs()["core.purge_import_files"]
    assert periodic.schedule == "29 3 * * *"

    assert periodic.task.call(scheduled_at=(job.finished_at + timedelta(days=6)).isoformat()) == 0
    scheduled_at = job.finished_at + timedelta(days=8)
    assert periodic.task.call(scheduled_at=scheduled_at.isoformat()) == 1

    assert ImportJob.objects.get(pk=job.pk).purged_at == scheduled_at


def test_a_purged_job_says_so_on_its_page_and_in_the_api(org, client_for, client):
    job = run_import("customers", customers_file("bad"), org.admin)
    with clock.simulated(job.finished_at + timedelta(days=31)):
        imports.purge_old_files()

    page = client_for(org.admin).get(reverse("imports:detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-testid="import-purged"' in html
    assert "The uploaded file and its error report were deleted on" in html
    assert reverse("imports:errors", args=[job.pk]) not in html
    answer = client.get(f"/api/v1/imports/{job.pk}", **bearer(api_key_for(org.admin, ["customers:read"])))
    assert answer.status_code == 200
    assert answer.json()["errors"] == []
    assert answer.json()["purged_at"] is not None
