"""The registry of event handlers: functions the dispatcher delivers matching events to.

Apps register handlers in their own `handlers.py`, which core imports at start-up (see apps.py).
"""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Handler:
    """A function that receives events whose type matches one of `patterns` (fnmatch style: "customer.*")."""

    name: str
    patterns: tuple[str, ...]
    function: Callable
    # Transactional handlers run in the same transaction that marks the delivery done: their database effects
    # happen exactly once. Non-transactional ones (HTTP, email) run before the mark: at least once, and the
    # receiver deduplicates on the event's uuid.
    transactional: bool = True
    max_attempts: int = 10
    # A batch handler receives a list of events, oldest first, and runs in one transaction per batch under its own
    # lock (one consumer at a time): for consumers of the whole stream that keep derived tables (rollups), where
    # order matters and one statement per event would not keep up with a bulk load. See dispatch.deliver_batches.
    batch: bool = False

    def call(self, event) -> None:
        self.function([event] if self.batch else event)

    def matches(self, event_type: str) -> bool:
        return any(fnmatch.fnmatchcase(event_type, pattern) for pattern in self.patterns)


_handlers: dict[str, Handler] = {}


def event_handler(
    *patterns: str, name: str | None = None, transactional: bool = True, max_attempts: int = 10, batch: bool = False
):
    """Register the decorated function as a handler for the given event type patterns (`batch`: see Handler)."""

    def register(function: Callable) -> Callable:
        handler_name = name or f"{function.__module__}.{function.__qualname__}"
        _handlers[handler_name] = Handler(handler_name, patterns, function, transactional or batch, max_attempts, batch)
        return function

    return register


def unregister_handler(name: str) -> None:
    _handlers.pop(name, None)


def get_handler(name: str) -> Handler | None:
    return _handlers.get(name)


def batch_handlers() -> list[Handler]:
    return [handler for handler in _handlers.values() if handler.batch]


def handlers_for(event_type: str) -> list[Handler]:
    return [handler for handler in _handlers.values() if handler.matches(event_type)]
