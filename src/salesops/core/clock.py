"""The business clock: what "now" and "today" mean to actions.

Normally the wall clock. `simulated(at)` sets it for the current thread or task, so a backfill (the demo
company's year of history) or a simulation (approval escalation, alert replays) runs the real actions at the
time it replays: event times, document dates, due dates and numbering years all follow.
"""

import contextlib
import datetime
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

from salesops.core.timezones import company_zone

_simulated: ContextVar[datetime.datetime | None] = ContextVar("salesops_simulated_now", default=None)


def now() -> datetime.datetime:
    return _simulated.get() or timezone.now()


def today() -> datetime.date:
    """Today in the company's time zone."""
    return timezone.localtime(now(), company_zone()).date()


def is_simulated() -> bool:
    return _simulated.get() is not None


@contextlib.contextmanager
def simulated(at: datetime.datetime) -> Iterator[None]:
    if timezone.is_naive(at):
        raise ValueError("simulated time must be timezone-aware")
    token = _simulated.set(at)
    try:
        yield
    finally:
        _simulated.reset(token)
