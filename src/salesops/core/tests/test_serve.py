"""`salesops serve` runs web server, worker and scheduler together, and Ctrl-C stops every one of them."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from salesops.testing.subprocess import database_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_started_with(marker: str) -> list[str]:
    """Command lines of live processes whose environment contains `marker` (serve and everything it started)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if marker.encode() not in handle.read():
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                found.append(handle.read().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="inspects /proc")
def test_serve_answers_and_ctrl_c_stops_all_three(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "SALESOPS_DEBUG": "1", "SALESOPS_VAR_DIR": str(tmp_path)}
    serve = subprocess.Popen(
        [sys.executable, "-m", "salesops.cli", "serve", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "serve did not answer within a minute"
                assert serve.poll() is None, serve.stdout.read()
                time.sleep(0.3)
        # Idle keep-alive clients, more of them than request threads, do not lock a new client out.
        idle = [http.client.HTTPConnection("127.0.0.1", port, timeout=5) for _ in range(3)]
        for connection in idle:
            connection.request("GET", "/healthz")
            assert connection.getresponse().read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200
        for connection in idle:
            connection.close()
        time.sleep(1)
        running = processes_started_with(str(tmp_path))
        assert any("granian" in command for command in running)
        assert any(command.endswith("salesops.cli worker ") for command in running)
        assert any(command.endswith("salesops.cli scheduler ") for command in running)
    finally:
        serve.send_signal(signal.SIGINT)
        output, _ = serve.communicate(timeout=60)

    assert serve.returncode == 0, output
    assert "Stopped." in output
    assert processes_started_with(str(tmp_path)) == []
