"""`salesops rebuild-rollups`: recompute the process dashboard's visits and rollups from the event log."""

import time

from django.core.management.base import BaseCommand

from salesops.reporting.rollups import rebuild


class Command(BaseCommand):
    help = (
        "Recompute stage visits and per-day rollups from the event log (after installing reporting on a database "
        "with history, or after a stage definition changed). Runs in one transaction."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild(say=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None)
        self.stdout.write(f"Replayed {count} events in {time.monotonic() - started:.1f} s.")
