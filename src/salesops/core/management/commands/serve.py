"""`salesops serve`: the web server, the task worker and the scheduler in one command (embedded mode).

Ctrl-C (or SIGTERM) stops all three; if one of them dies, the others are stopped too.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the product with its worker and scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="Web server worker processes.")
        parser.add_argument("--threads", type=int, default=8, help="Request threads per web worker.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")
        parser.add_argument("--no-scheduler", action="store_true", help="Do not start the scheduler.")

    def handle(self, *args, host, port, workers, threads, no_worker, no_scheduler, **options):
        salesops = [sys.executable, "-m", "salesops.cli"]
        web = [sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws", "--host", host, "--port", str(port)]
        # `--threads` caps the requests running at once; granian's backpressure caps the *connections* it accepts
        # (its default, the backlog per worker, is kept). Setting it to the thread count let 8 keep-alive clients
        # hold the server while a 9th waited for one of them to disconnect.
        web += ["--workers", str(workers), "--blocking-threads", str(threads)]
        commands = {"web": [*web, "salesops.wsgi:application"]}
        if not no_worker:
            commands["worker"] = [*salesops, "worker"]
        if not no_scheduler:
            commands["scheduler"] = [*salesops, "scheduler"]
        # Each child leads its own process group, so stopping it also stops what it spawned (granian's workers).
        processes = {name: subprocess.Popen(command, start_new_session=True) for name, command in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"salesops is running at http://{host}:{port}/ ({', '.join(processes)}; "
                f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). Ctrl-C stops everything."
            )
        )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)
        try:
            while not stopping:
                exited = [name for name, process in processes.items() if process.poll() is not None]
                if "scheduler" in exited:
                    # With REDIS_URL, another scheduler may hold the leader lock: this one stands down, the web
                    # server and worker carry on.
                    self.stderr.write("The scheduler stopped (another one may hold the leader lock); serving on.")
                    processes.pop("scheduler")
                    exited.remove("scheduler")
                if exited:
                    self.stderr.write(f"{', '.join(exited)} stopped; stopping the rest.")
                    break
                time.sleep(0.5)
        finally:
            stop_all(processes.values())
        self.stdout.write("Stopped.")


def stop_all(processes, timeout: float = 10) -> None:
    """SIGTERM every child's process group, wait up to `timeout` seconds, then SIGKILL what is left."""
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
            process.wait()
    for process in processes:  # grandchildren that outlived their parent
        signal_group(process, signal.SIGKILL)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
