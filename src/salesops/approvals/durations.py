"""How long decisions take, from history: the basis of simulation's expected cycle times and of analytics.

Durations are in working hours (the company calendar), from the moment a person or a step was asked to the
decision, so a request sent on Friday evening is not counted as waiting all weekend.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from salesops.approvals import sla
from salesops.approvals.models import ApprovalStep, ApprovalTask, StepStatus, TaskStatus

DECIDED = (TaskStatus.APPROVED, TaskStatus.REJECTED, TaskStatus.RETURNED)
CENT = Decimal("0.01")


def median(values: list[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(values)).quantize(CENT) if values else None


def percentile(values: list[Decimal], share: float) -> Decimal | None:
    """The nearest-rank percentile (`share` in 0..1) of `values`."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return Decimal(ordered[int(rank) - 1]).quantize(CENT)


@dataclass
class DecisionTimes:
    """Historical decision times (working hours) by approver, by step name and overall."""

    by_approver: dict[int, list[Decimal]] = field(default_factory=lambda: defaultdict(list))
    by_step: dict[str, list[Decimal]] = field(default_factory=lambda: defaultdict(list))
    overall: list[Decimal] = field(default_factory=list)

    def expected(self, step_name: str, approver_ids: list[int], mode: str) -> tuple[Decimal | None, str]:
        """The expected time of one step and what it is based on ("approvers", "step", "all", "none"): for
        any-one steps the quickest of the approvers' medians, for all and sequence steps the slowest (all
        asked at once) or the sum (one after another)."""
        medians = [median(self.by_approver[pk]) for pk in approver_ids if self.by_approver.get(pk)]
        if medians:
            if mode == "any":
                return min(medians), "approvers"
            if mode == "sequence":
                return sum(medians, Decimal(0)), "approvers"
            return max(medians), "approvers"
        if self.by_step.get(step_name):
            return median(self.by_step[step_name]), "step"
        if self.overall:
            return median(self.overall), "all"
        return None, "none"


def decision_times(subject_key: str, since=None) -> DecisionTimes:
    times = DecisionTimes()
    tasks = ApprovalTask.objects.filter(
        request__subject_type=subject_key, status__in=DECIDED, activated_at__isnull=False, decided_at__isnull=False
    )
    if since is not None:
        tasks = tasks.filter(decided_at__gte=since)
    for approver_id, step_name, asked, decided in tasks.values_list(
        "approver_id", "step__name", "activated_at", "decided_at"
    ):
        hours = sla.working_hours_between(asked, decided)
        times.by_approver[approver_id].append(hours)
        times.by_step[step_name].append(hours)
        times.overall.append(hours)
    return times


def step_hours(step: ApprovalStep, now) -> Decimal | None:
    """Working hours a step took (to its decision) or has taken so far (still open); None if never started."""
    if step.started_at is None:
        return None
    end = step.decided_at or (now if step.status == StepStatus.ACTIVE else None)
    return sla.working_hours_between(step.started_at, end) if end else None
