"""Competing writers for concurrency tests: threads released together, each with its own database connection."""

import threading
from collections.abc import Callable, Iterable

from django.db import connection


def race(targets: Iterable, write: Callable) -> list[str]:
    """Run `write(target)` for every target in its own thread, all released at once; the errors they raised."""
    targets = list(targets)
    errors: list[str] = []
    barrier = threading.Barrier(len(targets))

    def writer(target):
        try:
            barrier.wait()
            write(target)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
