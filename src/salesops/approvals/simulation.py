"""Simulation: replay past documents through a policy (a draft, or any version) and report what it would have
done, changing nothing.

The replay routes each document with `routing.route` on the context its subject type builds (the same function
and the same context live routing uses, so what a simulation says is what going live does), resolves each
step's approvers for the document's submitter as the org is now, and estimates each step's time from historical
decision times (`durations.py`). Delegations are left out: they are temporary and would hide the load a
policy puts on the people it names.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salesops.approvals import resolution
from salesops.approvals.durations import decision_times, median, percentile
from salesops.approvals.policy_actions import problems_error
from salesops.approvals.policy_document import validate_document
from salesops.approvals.routing import Route, compile_policy
from salesops.approvals.subjects import Past, subject_type

User = get_user_model()
MAX_DAYS = 800


@dataclass
class Report:
    documents: int = 0
    outcomes: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    chains: Counter = field(default_factory=Counter)
    load: Counter = field(default_factory=Counter)  # approver id -> tasks
    step_expected: dict = field(default_factory=dict)  # step key -> (hours, basis)
    step_counts: Counter = field(default_factory=Counter)
    cycle_hours: list = field(default_factory=list)
    vacant: Counter = field(default_factory=Counter)  # step key -> documents where nobody was named


def chain_label(route: Route) -> str:
    stages = defaultdict(list)
    for step in route.steps:
        stages[step.stage].append(step.name)
    return " → ".join(" ‖ ".join(names) for _stage, names in sorted(stages.items()))


def clean_period(start, end) -> tuple[datetime.datetime, datetime.datetime]:
    errors = {}
    if not isinstance(start, datetime.datetime):
        errors["start"] = [_("Enter a start date.")]
    if not isinstance(end, datetime.datetime):
        errors["end"] = [_("Enter an end date.")]
    if not errors and end <= start:
        errors["end"] = [_("The end must come after the start.")]
    elif not errors and (end - start).days > MAX_DAYS:
        errors["end"] = [_("Simulate %(days)s days at most.") % {"days": MAX_DAYS}]
    if errors:
        raise ValidationError(errors)
    return start, end


def replay(subject_key: str, document: dict, *, start, end) -> Iterator[tuple[Past, Route]]:
    """Each document of `subject_key` submitted in [start, end) with the route `document` (a policy's rules)
    gives it. Raises ValidationError for an invalid document or period. Reads only."""
    start, end = clean_period(start, end)
    subject = subject_type(subject_key)
    schema = subject.schema()
    parsed, problems = validate_document(document, schema)
    if problems:
        raise problems_error(problems)
    policy = compile_policy(parsed, schema)
    for past in subject.history(start, end):
        yield past, policy.route(past.context)


def simulate(subject_key: str, document: dict, *, start, end) -> dict:
    """What `document` (a policy's rules) would have done to the documents of `subject_key` submitted in
    [start, end): see the module's docstring. Raises ValidationError for an invalid document or period."""
    routes = replay(subject_key, document, start=start, end=end)
    times = decision_times(subject_key)
    report = Report()
    people: dict[tuple, list[int]] = {}
    for past, route in routes:
        report.documents += 1
        report.outcomes[route.outcome] += 1
        for matched in route.matched:
            report.rules[matched["name"]] += 1
        if route.outcome != "route":
            continue
        report.chains[chain_label(route)] += 1
        stage_hours: dict[int, Decimal] = defaultdict(Decimal)
        for step in route.steps:
            key = (past.submitter.pk, step.approvers)
            if key not in people:
                specs = [{"kind": kind, "value": value} for kind, value in step.approvers]
                named = [person.pk for spec in specs for person in resolution.resolve(spec, past.submitter)]
                people[key] = list(dict.fromkeys(named))
            approvers = people[key]
            if not approvers:
                report.vacant[step.key] += 1
            for pk in approvers:  # everyone named is asked, whatever the mode
                report.load[pk] += 1
            hours, basis = times.expected(step.name, approvers, step.mode)
            report.step_counts[step.key] += 1
            report.step_expected.setdefault(step.key, (hours, basis, step.name))
            stage_hours[step.stage] = max(stage_hours[step.stage], hours or Decimal(0))
        report.cycle_hours.append(sum(stage_hours.values(), Decimal(0)))
    return as_dict(report)


def as_dict(report: Report) -> dict:
    users = User.objects.in_bulk(list(report.load))
    total = report.documents or 1
    return {
        "documents": report.documents,
        "outcomes": {outcome: report.outcomes.get(outcome, 0) for outcome in ("approve", "route", "reject")},
        "rules": [
            {"name": name, "caught": count, "share": round(count / total, 4)}
            for name, count in report.rules.most_common()
        ],
        "chains": [{"chain": chain, "documents": count} for chain, count in report.chains.most_common()],
        "load": [
            {"user_id": pk, "username": users[pk].username, "name": str(users[pk]), "tasks": count}
            for pk, count in report.load.most_common()
            if pk in users
        ],
        "steps": [
            {
                "key": key,
                "name": name,
                "documents": report.step_counts[key],
                "expected_hours": hours,
                "basis": basis,
                "vacant": report.vacant.get(key, 0),
            }
            for key, (hours, basis, name) in report.step_expected.items()
        ],
        "cycle_hours": {"median": median(report.cycle_hours), "p90": percentile(report.cycle_hours, 0.9)},
    }
