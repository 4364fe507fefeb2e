"""Read side of customers: the scoping function and the rule for who may change a customer."""

from django.db.models import Q, QuerySet

from salesops.accounts.models import OrgUnit, Role, User
from salesops.accounts.scopes import (
    REMIT_ROLES,
    managed_paths,
    reachable_paths,
    remit_path,
    sees_everything,
    under_paths,
)
from salesops.core.scoping import for_user, scope_for
from salesops.customers.models import Customer

# Roles with no business reading customer master data through this model (they reach what they need through
# their own documents: shipments, stores, replenishment orders).
NO_CUSTOMER_ACCESS = {Role.SUPPLIER, Role.WAREHOUSE, Role.STORE_SUPERVISOR}
READ_ONLY_ROLES = REMIT_ROLES | {Role.DEALER}


@scope_for(Customer)
def customers_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """A rep sees own customers; a manager the team's, a director the region's (whatever unit they manage);
    finance, risk and legal everything under their org unit; a dealer its own account; admins everything."""
    if sees_everything(user):
        return queryset
    if user.role in REMIT_ROLES:
        path = remit_path(user)
        return queryset.filter(office__path__startswith=path) if path else queryset.none()
    if user.role == Role.DEALER:
        return queryset.filter(portal_accesses__user=user)
    if user.role in NO_CUSTOMER_ACCESS:
        return queryset.none()
    visible = Q(owner=user)
    paths = managed_paths(user)
    if paths:
        visible |= under_paths("owner__org_unit", paths) | under_paths("office", paths)
    return queryset.filter(visible)


def visible_customers(user: User) -> QuerySet:
    return for_user(Customer.objects.select_related("office", "region", "owner"), user)


def can_change_customers(user: User) -> bool:
    """Whether the user's role may create, edit or delete customers at all (which ones is the scope's job)."""
    return user.is_authenticated and user.role not in READ_ONLY_ROLES | NO_CUSTOMER_ACCESS


def assignable_offices(user: User) -> QuerySet:
    """Offices the user may put customers in (the choices on the customer form)."""
    offices = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE)
    if sees_everything(user):
        return offices
    condition = Q(pk__in=[])
    for path in reachable_paths(user):
        condition |= Q(path__startswith=path)
    return offices.filter(condition)


def assignable_owners(user: User) -> QuerySet:
    """Users the user may make a customer's owner: themselves, and everyone in the units they manage."""
    users = User.objects.filter(is_active=True)
    if sees_everything(user):
        return users
    return users.filter(Q(pk=user.pk) | under_paths("org_unit", managed_paths(user)))
