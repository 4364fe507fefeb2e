"""The scheduler process itself: catch-up at start, and the Redis leader lock that keeps a second one idle."""

import os
import socket
import subprocess
import sys
import time

import pytest

from salesops.core.models import ScheduledRun
from salesops.testing.subprocess import database_url

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def redis_available() -> bool:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5).close()
    except OSError:
        return False
    return True


def start_scheduler(extra_env: dict) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "salesops.settings", **extra_env}
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "salesops.cli", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, text: str, timeout: float = 30) -> list[str]:
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} not seen; output: {''.join(lines)}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379 (CI has it)")
def test_a_second_scheduler_waits_for_the_redis_leader_lock_and_gives_up():
    env = {"REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/13", "SALESOPS_SCHEDULER_LOCK_WAIT": "1"}
    leader = start_scheduler(env)
    try:
        wait_for_line(leader, "Starting scheduler")
        follower = start_scheduler(env)
        output, _ = follower.communicate(timeout=60)
        assert "Another scheduler is already running" in output
    finally:
        leader.terminate()
        leader.wait(timeout=30)
    # The leader caught up at start (a minute boundary during the test may add one regular tick).
    assert ScheduledRun.objects.filter(job="core.dispatch_sweep").count() in {1, 2}
