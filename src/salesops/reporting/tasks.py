"""Reporting background jobs: alert rules on the state now (stock below safety, overdue receivables)."""

from django.tasks import task

from salesops.core.scheduling import periodic
from salesops.reporting.alerts import evaluate_state_rules


@periodic("*/15 * * * *", name="reporting.evaluate_state_alerts")
@task()
def evaluate_state_alerts(*, scheduled_at: str) -> int:
    """Every 15 minutes: the stock and receivables alert rules (stage rules run with the rollups)."""
    return len(evaluate_state_rules())


# Briefings keep their own module; importing it here lets start-up discovery find it.
from salesops.reporting import briefing_tasks  # noqa: E402, F401
