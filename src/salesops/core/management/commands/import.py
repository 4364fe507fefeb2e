"""`salesops import KIND FILE [--as USERNAME]`: import customers, products or opening stock from CSV or XLSX.

Runs the job in this process (no worker needed) with the same rules as the upload page: the whole file is
checked first and all rows are created in one transaction, or none. Prints a summary and, when the file is
refused, the problems row by row (tab-separated: row, column, message); the exit status is then 1.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from salesops.core.imports import create_job, registered_importers, run_job
from salesops.core.models import ImportJob


class Command(BaseCommand):
    help = "Import customers, products or opening stock from a CSV or XLSX file: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[importer.kind for importer in registered_importers()])
        parser.add_argument("file", help="A .csv (UTF-8 or GB18030) or .xlsx file; the first row names the columns.")
        parser.add_argument(
            "--as",
            dest="username",
            help="The user the records are created as (default: the first active administrator).",
        )

    def handle(self, *args, kind, file, username, **options):
        actor = self.actor(username)
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        try:
            job = create_job(kind=kind, filename=path.name, content=content, actor=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(f"{actor.username}: {exc}") from None
        run_job(job)
        self.stdout.write(
            f"{job.filename}: {job.status}, {job.rows_total} rows, {job.created_count} created (import {job.pk})."
        )
        if job.status != ImportJob.Status.DONE:
            for problem in job.errors:
                row = "" if problem["row"] is None else problem["row"]
                self.stdout.write(f"{row}\t{problem['column']}\t{problem['message']}")
            raise CommandError(f"Nothing was imported: {len(job.errors)} problems.")

    def actor(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No active user named {username!r}.")
            return actor
        # Administrators are superusers or have the accounts app's "admin" role (read by value: core imports no app).
        actor = users.filter(Q(is_superuser=True) | Q(role="admin")).order_by("pk").first()
        if actor is None:
            raise CommandError("No active administrator: name the importing user with --as USERNAME.")
        return actor
