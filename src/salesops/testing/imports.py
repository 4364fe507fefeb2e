"""Test helpers for imports: build CSV and XLSX files in memory, run a job, run queued tasks."""

import csv
import io

import openpyxl
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from salesops.core.imports import create_job, run_job
from salesops.core.models import ImportJob


def csv_file(rows: list[list], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(kind: str, content: bytes, actor, *, filename: str = "upload.csv") -> ImportJob:
    """Create and run a job in English, as the command does (no worker)."""
    with translation.override("en"):
        job = create_job(kind=kind, filename=filename, content=content, actor=actor)
    return run_job(job)


def problems(job: ImportJob) -> list[tuple]:
    return [(item["row"], item["column"], item["message"]) for item in job.errors]


def run_queued_tasks() -> list:
    """Run every queued task in this process, inside the test's transaction, and record its result as the worker
    does (the worker itself closes the database connection between tasks, which a test transaction cannot
    survive). Returns the return values."""
    values = []
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        result.claim("test")
        value = result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.set_successful(value)
        values.append(value)
    return values
