"""Building blocks for scoping functions: where a user sits in the org tree and what they manage.

Each business app writes its own `for_user` from these (see customers/queries.py), so the rule for every
model reads in one place. Remit roles (finance, risk, legal) see everything under their org unit, so
company-level staff see everything; what warehouse, store and portal roles see is decided per model.
"""

from django.db import connection
from django.db.models import Q

from salesops.accounts.models import OrgUnit, Role, User

REMIT_ROLES = {Role.FINANCE, Role.RISK_OFFICER, Role.LEGAL}
MANAGER_ROLES = {Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR}
PORTAL_ROLES = {Role.DEALER, Role.SUPPLIER}


def sees_everything(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def managed_paths(user: User) -> list[str]:
    """Org-tree paths of the units this user manages (their subtree is their team or region).

    A unit whose path was never computed (written around `OrgUnit.save`) grants nothing: an empty prefix would
    match every row, so scopes fail closed.
    """
    # Hand-written (the same SQL on SQLite and PostgreSQL): every scoped read of a seller runs it, and building it
    # through the ORM took longer than running it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT path FROM {connection.ops.quote_name(OrgUnit._meta.db_table)} WHERE manager_id = %s", [user.pk]
        )
        return sorted(path for (path,) in cursor.fetchall() if path)


def remit_path(user: User) -> str | None:
    """The subtree a remit role covers: their own org unit, or none when they have no unit."""
    return (user.org_unit.path or None) if user.org_unit_id else None


def reachable_paths(user: User) -> list[str]:
    """Subtrees a user may place records in: the units they manage, plus the office their own unit belongs to."""
    paths = managed_paths(user)
    office = user.org_unit.ancestor_of_kind(OrgUnit.Kind.OFFICE) if user.org_unit_id else None
    if office is not None and office.path:
        paths.append(office.path)
    return paths


def within(path: str | None, paths: list[str]) -> bool:
    return bool(path) and any(path.startswith(prefix) for prefix in paths)


def under_paths(field: str, paths: list[str]) -> Q:
    """Q matching rows whose org unit (at `field`, an OrgUnit foreign key) lies under any of `paths`."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition
