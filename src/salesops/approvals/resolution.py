"""Who an approver specification names, for one submitter, now.

Resolution happens when a step starts (not when the policy is written), so a new manager or a moved rep is
asked correctly. Nobody approves their own document: the submitter is never among the people named. An
approver who has delegated for today is replaced by the delegate (the task remembers on whose behalf).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from salesops.accounts.models import OrgUnit, Role
from salesops.approvals.models import ApproverGroup, Delegation

User = get_user_model()


@dataclass(frozen=True)
class Assignee:
    """A person to ask, and the person they stand in for (a delegation), if any."""

    approver: object
    on_behalf_of: object | None = None


def chain_units(user) -> list[OrgUnit]:
    """The user's unit and every unit above it, nearest first."""
    if user.org_unit_id is None:
        return []
    ids = [int(part) for part in user.org_unit.path.strip("/").split("/") if part]
    units = OrgUnit.objects.select_related("manager").in_bulk(ids)
    return [units[pk] for pk in reversed(ids) if pk in units]


def manager_of(user, units: list[OrgUnit] | None = None):
    """The first active manager above `user` in the org tree (never `user`), or None."""
    for unit in units if units is not None else chain_units(user):
        manager = unit.manager
        if manager is not None and manager.pk != user.pk and manager.is_active:
            return manager
    return None


def unit_manager(units: list[OrgUnit], kind: str, submitter):
    for unit in units:
        if unit.kind == kind and unit.manager is not None and unit.manager.is_active:
            return unit.manager if unit.manager.pk != submitter.pk else None
    return None


def resolve(spec: dict, submitter, units: list[OrgUnit] | None = None) -> list:
    """The active users `spec` ({"kind", "value"}) names for `submitter`, without the submitter."""
    units = chain_units(submitter) if units is None else units
    kind, value = spec["kind"], spec.get("value", "")
    if kind == "manager":
        people = [manager_of(submitter, units)]
    elif kind == "director":
        people = [unit_manager(units, OrgUnit.Kind.REGION, submitter)]
    elif kind == "general_manager":
        people = [unit_manager(units, OrgUnit.Kind.COMPANY, submitter)]
    elif kind == "role":
        people = people_with_role(value, units)
    elif kind == "user":
        people = list(User.objects.filter(username=value, is_active=True))
    elif kind == "group":
        group = ApproverGroup.objects.filter(code=value).first()
        people = list(group.members.filter(is_active=True).order_by("pk")) if group else []
    else:
        people = []
    return [person for person in people if person is not None and person.pk != submitter.pk]


def people_with_role(role: str, units: list[OrgUnit]) -> list:
    """Holders of `role` nearest to the submitter: in the submitter's own line of units (team, office, region,
    company) if any hold it there, else anywhere in the company."""
    if role not in Role.values:
        return []
    holders = User.objects.filter(role=role, is_active=True).order_by("pk")
    if units:
        nearby = list(holders.filter(org_unit__in=[unit.pk for unit in units]))
        if nearby:
            return nearby
    return list(holders)


def active_delegations(users, on: datetime.date) -> dict[int, object]:
    """user id -> delegate, for the users who have delegated on `on` (the latest delegation wins)."""
    rows = (
        Delegation.objects.filter(Q(user__in=users) & Q(is_active=True) & Q(starts_on__lte=on) & Q(ends_on__gte=on))
        .select_related("delegate")
        .order_by("starts_on", "pk")
    )
    return {row.user_id: row.delegate for row in rows if row.delegate.is_active}


def assignees(specs: list[dict], submitter, on: datetime.date) -> list[Assignee]:
    """Everyone `specs` name for `submitter`, each once, delegates standing in for those away on `on`."""
    units = chain_units(submitter)
    people, seen = [], set()
    for spec in specs:
        for person in resolve(spec, submitter, units):
            if person.pk not in seen:
                seen.add(person.pk)
                people.append(person)
    delegates = active_delegations(people, on)
    result = []
    for person in people:
        delegate = delegates.get(person.pk)
        if delegate is not None and delegate.pk != submitter.pk:
            result.append(Assignee(delegate, on_behalf_of=person))
        else:
            result.append(Assignee(person))
    return result
