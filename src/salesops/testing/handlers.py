"""Event handlers used by the outbox tests, registered on demand (in the test process and in child processes)."""

import os

from salesops.core.events import record_event
from salesops.core.handlers import event_handler, unregister_handler
from salesops.core.models import Event
from salesops.customers.models import Customer

APPLY = "testing.apply_once"
FAIL = "testing.always_fails"
TEST_HANDLERS = (APPLY, FAIL)


def apply_once(event: Event) -> None:
    """A transactional effect: writes a `test.applied` event for the customer; exits the process if asked to."""
    customer = Customer.objects.get(pk=event.subject_id)
    record_event("test.applied", customer, data={"source": str(event.uuid)})
    if os.environ.get("SALESOPS_TEST_DIE_IN_HANDLER") == "1":
        os._exit(17)  # simulate a crash mid-delivery: no commit, no cleanup


def always_fails(event: Event) -> None:
    raise RuntimeError("downstream is down")


def register(*, failing: bool = False) -> None:
    event_handler("customer.created", name=APPLY)(apply_once)
    if failing:
        event_handler("customer.created", name=FAIL, max_attempts=3)(always_fails)


def unregister() -> None:
    for name in TEST_HANDLERS:
        unregister_handler(name)
