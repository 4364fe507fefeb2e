"""`salesops setup-demo`: migrate, collect static files and load the demo organisation (idempotent, fast on reruns)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

from salesops.accounts.demo import DEMO_PASSWORD
from salesops.web.demo_company import load_demo_company


def newest_static_source() -> float:
    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, Path(storage.path(path)).stat().st_mtime)
    return newest


def static_is_current() -> bool:
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    return manifest.exists() and manifest.stat().st_mtime >= newest_static_source()


class Command(BaseCommand):
    help = "Prepare the embedded demo: database, static files and the demo company (see demo-data)."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not static_is_current():
            self.stdout.write("Collecting static files...")
            call_command("collectstatic", interactive=False, verbosity=0)
        logins = load_demo_company(say=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role:<18} {login.where}")
