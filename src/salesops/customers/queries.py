"""Read side of customers: the scoping functions (customers, their contacts and addresses), the rule for who may
change a customer, and what belongs on a customer's timeline."""

from django.db.models import Prefetch, Q, QuerySet

from salesops.accounts.models import OrgUnit, Role, User
from salesops.accounts.scopes import (
    PORTAL_ROLES,
    REMIT_ROLES,
    managed_paths,
    reachable_paths,
    remit_path,
    sees_everything,
    under_paths,
)
from salesops.approvals.queries import subjects_involving
from salesops.core.models import Event
from salesops.core.scoping import for_user, scope_for
from salesops.customers.models import Contact, CreditReleaseRequest, Customer, CustomerAddress

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


def may_change_customer(user: User, customer: Customer) -> bool:
    """Whether the user may change this customer and what belongs to it (contacts, addresses): a role that
    changes customers, and the customer within the user's scope."""
    return can_change_customers(user) and for_user(Customer.objects.filter(pk=customer.pk), user).exists()


@scope_for(CreditReleaseRequest)
def credit_releases_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Whoever sees a customer sees its credit release requests (a rep: own customers', a director: the region's,
    finance and risk: those under their unit); approvers see the requests they are asked to decide; dealers and
    suppliers none."""
    if sees_everything(user):
        return queryset
    if user.role in PORTAL_ROLES:
        return queryset.none()
    customers = customers_for_user(Customer.objects.all(), user).values("pk")
    return queryset.filter(Q(customer__in=customers) | Q(pk__in=subjects_involving(user, "credit_release")))


def visible_credit_releases(user: User) -> QuerySet:
    return for_user(CreditReleaseRequest.objects.select_related("customer", "requester"), user)


@scope_for(Contact)
def contacts_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Whoever sees a customer sees its contacts, by the same rule (a dealer: its own account's)."""
    return queryset.filter(customer__in=customers_for_user(Customer.objects.all(), user).values("pk"))


@scope_for(CustomerAddress)
def addresses_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """Whoever sees a customer sees its addresses, by the same rule (a dealer: its own account's)."""
    return queryset.filter(customer__in=customers_for_user(Customer.objects.all(), user).values("pk"))


def visible_contacts(user: User) -> QuerySet:
    return for_user(Contact.objects.select_related("customer"), user)


def visible_addresses(user: User) -> QuerySet:
    return for_user(CustomerAddress.objects.select_related("customer"), user)


def with_defaults(queryset: QuerySet) -> QuerySet:
    """Customers with their default addresses and primary contact loaded in two queries for the whole page
    (read back by `default_address` and `primary_contact`)."""
    return queryset.prefetch_related(
        Prefetch("addresses", CustomerAddress.objects.filter(is_default=True), to_attr="default_addresses"),
        Prefetch("contacts", Contact.objects.filter(is_primary=True, is_active=True), to_attr="primary_contacts"),
    )


def default_address(customer: Customer, kind: str) -> CustomerAddress | None:
    if hasattr(customer, "default_addresses"):
        return next((a for a in customer.default_addresses if a.kind == kind), None)
    return customer.addresses.filter(kind=kind, is_default=True).first()


def primary_contact(customer: Customer) -> Contact | None:
    if hasattr(customer, "primary_contacts"):
        return customer.primary_contacts[0] if customer.primary_contacts else None
    return customer.contacts.filter(is_primary=True, is_active=True).first()


def timeline_subjects(customer: Customer, contacts: list[Contact], addresses: list[CustomerAddress]) -> dict:
    """What besides the customer itself has events on its timeline (model -> primary keys): its `contacts`, which
    are never deleted while it exists, and its `addresses`, current and deleted. A deleted address is found
    through its `address.deleted` event, which keeps the address's last state, customer included."""
    deleted = Event.objects.filter(
        type="address.deleted", subject_type=CustomerAddress._meta.label_lower, payload__before__customer=customer.pk
    ).values_list("subject_id", flat=True)
    return {
        Contact: [contact.pk for contact in contacts],
        CustomerAddress: [*(address.pk for address in addresses), *deleted],
    }
