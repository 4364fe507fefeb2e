"""`salesops worker`: run background tasks (django-tasks-db's db_worker). Run as many as you like in production."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--queue-name", default="default")

    def handle(self, *args, interval, batch, queue_name, **options):
        arguments = ["--interval", str(interval), "--queue-name", queue_name, "--no-startup-delay"]
        if batch:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
