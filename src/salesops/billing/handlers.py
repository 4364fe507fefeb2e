"""Side effects of other apps' events on billing, delivered by the outbox dispatcher."""

from salesops.billing.actions import complete_invoiced_order
from salesops.core.handlers import event_handler
from salesops.core.models import Event


@event_handler("order.shipped", name="billing.complete_invoiced_order")
def complete_invoiced(event: Event) -> None:
    """An order shipped by cancelling its remainder may have nothing left to invoice: it is invoiced (or paid)."""
    complete_invoiced_order(int(event.subject_id))
