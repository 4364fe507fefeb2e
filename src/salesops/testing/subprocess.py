"""Run Python code in a separate process against the test database (for crash and multi-process tests)."""

import os
import subprocess
import sys
import textwrap

from django.db import connection


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def run_python(code: str, *, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a child process connected to the current test database."""
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "salesops.settings",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-c", script], env=child_env, capture_output=True, text=True, timeout=timeout, check=False
    )


def start_python(code: str, *, env: dict | None = None) -> subprocess.Popen:
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "salesops.settings",
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-c", script], env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
