"""Periodic jobs: fire times in the company zone, one claim per (job, time), catch-up, and two schedulers."""

from datetime import UTC, datetime, timedelta

import pytest
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from salesops.core import scheduling
from salesops.core.models import Event, ScheduledRun
from salesops.testing.subprocess import run_python, start_python


@task()
def noop(*, scheduled_at: str) -> str:
    return scheduled_at


@pytest.fixture
def daily_job():
    scheduling.periodic("0 9 * * *", name="test.daily")(noop)
    yield scheduling.registered_jobs()["test.daily"]
    scheduling._jobs.pop("test.daily")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def runs(name):
    return list(ScheduledRun.objects.filter(job=name).order_by("scheduled_at").values_list("scheduled_at", flat=True))


def test_nine_oclock_means_nine_in_shanghai(daily_job):
    times = daily_job.fire_times(utc(2026, 11, 26, 0, 0), utc(2026, 11, 28, 0, 0))
    assert times == [utc(2026, 11, 26, 1, 0), utc(2026, 11, 27, 1, 0)]


@pytest.mark.django_db
def test_a_run_is_claimed_once_however_often_the_scheduler_ticks(daily_job):
    now = utc(2026, 11, 27, 1, 0, 20)

    first = scheduling.run_due_jobs(now)
    again = scheduling.run_due_jobs(now + timedelta(seconds=30))

    assert any(item.startswith("test.daily@") for item in first)
    assert not any(item.startswith("test.daily@") for item in again)
    assert runs("test.daily") == [utc(2026, 11, 27, 1, 0)]
    run = ScheduledRun.objects.get(job="test.daily")
    result = DBTaskResult.objects.get(id=run.task_result_id)
    assert result.args_kwargs["kwargs"] == {"scheduled_at": "2026-11-27T09:00:00+08:00"}


@pytest.mark.django_db
def test_a_new_job_does_not_fire_for_a_time_before_it_existed(daily_job):
    scheduling.run_due_jobs(utc(2026, 11, 27, 7, 0))  # 15:00 in Shanghai
    assert runs("test.daily") == []


@pytest.mark.django_db
def test_missed_runs_are_caught_up_once_at_start(daily_job):
    ScheduledRun.objects.create(job="test.daily", scheduled_at=utc(2026, 11, 23, 1, 0), claimed_by="old")

    # The scheduler was down for three days and starts again at 15:00
    scheduling.run_due_jobs(utc(2026, 11, 27, 7, 0))

    assert runs("test.daily") == [utc(2026, 11, 23, 1, 0), utc(2026, 11, 27, 1, 0)]


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_in_the_same_minute_run_the_job_once():
    # Two scheduler processes tick for the same minute at the same moment ...
    code = """
        import time
        from datetime import datetime, UTC
        import salesops.testing.jobs
        from salesops.core.scheduling import run_due_jobs
        while time.time() < START:
            time.sleep(0.005)
        print(run_due_jobs(datetime(2026, 11, 27, 1, 0, 30, tzinfo=UTC)))
    """.replace("START", repr(__import__("time").time() + 1.5))
    schedulers = [start_python(code) for _ in range(2)]
    outputs = [process.communicate(timeout=60) for process in schedulers]
    assert [process.returncode for process in schedulers] == [0, 0], outputs

    # ... and a worker then runs what was queued
    worker = run_python("""
        import salesops.testing.jobs
        from django.core.management import call_command
        call_command("worker", "--batch", "--interval", "0")
    """)
    assert worker.returncode == 0, worker.stderr

    assert runs("testing.every_minute") == [utc(2026, 11, 27, 1, 0)]
    assert sum("testing.every_minute@" in out for out, _err in outputs) == 1
    assert Event.objects.filter(type="test.job_ran").count() == 1


def test_numbered_weekdays_are_refused():
    with pytest.raises(ValueError, match="weekday names"):
        scheduling.periodic("0 9 * * 1", name="test.monday")


@pytest.mark.django_db
def test_pruning_keeps_each_jobs_latest_claim():
    from salesops.core.tasks import prune_history

    ScheduledRun.objects.create(job="rare", scheduled_at=utc(2020, 1, 1), claimed_by="x")
    ScheduledRun.objects.create(job="daily", scheduled_at=utc(2020, 1, 1), claimed_by="x")
    ScheduledRun.objects.create(job="daily", scheduled_at=utc(2020, 1, 2), claimed_by="x")

    prune_history.call(scheduled_at="2026-11-27T03:43:00+08:00")

    assert sorted(ScheduledRun.objects.values_list("job", "scheduled_at")) == [
        ("daily", utc(2020, 1, 2)),
        ("rare", utc(2020, 1, 1)),
    ]
