"""Costs reacts to the catalog: every product event that sets a standard cost extends the cost history, so cost of
goods is priced at the cost valid when goods were invoiced (not at today's)."""

from salesops.core.handlers import event_handler
from salesops.core.models import Event
from salesops.costs.actions import record_standard_cost


@event_handler("product.created", "product.updated", name="costs.record_standard_cost")
def remember_standard_cost(event: Event) -> None:
    """Transactional: the history row is written exactly once, at the time the change happened."""
    after = event.payload.get("after") or {}
    if "standard_cost" in after:
        record_standard_cost(
            product_id=int(event.subject_id), cost=after["standard_cost"], valid_from=event.occurred_at
        )
