"""/api/v1/customers, /contacts and /addresses: parse, authorise, call an action, return."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.accounts.models import OrgUnit, User
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS, errors
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.exports import export_format
from salesops.core.scoping import get_for_user
from salesops.customers import actions, contact_actions
from salesops.customers.exports import contacts_export, customers_export
from salesops.customers.filters import filter_addresses, filter_contacts, filter_customers
from salesops.customers.models import Contact, Customer, CustomerAddress, CustomerGroup
from salesops.customers.queries import visible_contacts, visible_customers, with_defaults
from salesops.customers.schemas import (
    ContactFilters,
    ContactIn,
    ContactOut,
    ContactPatch,
    CreditIn,
    CustomerAddressFilters,
    CustomerAddressIn,
    CustomerAddressOut,
    CustomerAddressPatch,
    CustomerFilters,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
)

router = Router(tags=["customers"])


def lookup(model, pk: int | None, field: str):
    if pk is None:
        return None
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise ValidationError({field: [f"No {model._meta.verbose_name} with id {pk}."]}) from None


def get_customer(request: HttpRequest, customer_id: int) -> Customer:
    queryset = with_defaults(Customer.objects.select_related("office", "region", "owner"))
    return get_for_user(queryset, request.user, pk=customer_id)


@router.get("/customers", response={200: Page[CustomerOut], **READ_ERRORS}, summary="List customers")
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]):
    """Customers the caller may see. Filter with `cf_<name>=value` on custom fields too."""
    require_scope(request, "customers:read")
    customers = filter_customers(with_defaults(visible_customers(request.user)), filters, request.GET)
    return paginate(customers, filters)


@export_routes(router, "/customers/export", summary="Export customers")
def export_customers(request: HttpRequest, filters: Query[CustomerFilters]):
    """The same filters and ordering as the list, all pages, with custom fields as columns."""
    require_scope(request, "customers:read")
    queryset = filter_customers(visible_customers(request.user), filters, request.GET)
    return customers_export(queryset, export_format(request))


@router.post(
    "/customers", response={201: CustomerOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Create a customer"
)
@idempotent
def create_customer(request: HttpRequest, payload: CustomerIn):
    require_scope(request, "customers:write")
    customer = actions.create_customer(
        actor=request.user,
        name=payload.name,
        credit_code=payload.credit_code,
        office=lookup(OrgUnit, payload.office_id, "office_id"),
        owner=lookup(User, payload.owner_id, "owner_id"),
        group=lookup(CustomerGroup, payload.group_id, "group_id"),
        status=payload.status,
        custom_fields=payload.custom_fields,
    )
    return Status(201, CustomerOut.from_orm(customer))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **READ_ERRORS}, summary="Read a customer")
def read_customer(request: HttpRequest, customer_id: int):
    require_scope(request, "customers:read")
    return get_customer(request, customer_id)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **WRITE_ERRORS}, summary="Update a customer")
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch):
    require_scope(request, "customers:write")
    customer = get_customer(request, customer_id)
    changes = payload.dict(exclude_unset=True)
    if "office_id" in changes:
        changes["office"] = lookup(OrgUnit, changes.pop("office_id"), "office_id")
    if "owner_id" in changes:
        changes["owner"] = lookup(User, changes.pop("owner_id"), "owner_id")
    if "group_id" in changes:
        changes["group"] = lookup(CustomerGroup, changes.pop("group_id"), "group_id")
    return actions.update_customer(customer, actor=request.user, changes=changes)


@router.delete(
    "/customers/{customer_id}", response={204: None, **errors(400, 401, 403, 404, 409)}, summary="Delete a customer"
)
def delete_customer(request: HttpRequest, customer_id: int):
    require_scope(request, "customers:write")
    actions.delete_customer(get_customer(request, customer_id), actor=request.user)
    return Status(204, None)


@router.get(
    "/customers/{customer_id}/events",
    response={200: list[EventOut], **READ_ERRORS},
    summary="A customer's event timeline (audit trail)",
)
def customer_events(request: HttpRequest, customer_id: int):
    require_scope(request, "customers:read")
    return event_list(get_customer(request, customer_id))


@router.post(
    "/customers/{customer_id}/credit",
    response={200: CustomerOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Set credit terms or credit status",
)
@idempotent
def set_credit(request: HttpRequest, customer_id: int, payload: CreditIn):
    """Finance and risk control only. A status change needs a reason; it is recorded as credit.frozen,
    credit.on_hold or credit.released."""
    require_scope(request, "customers:write")
    customer = get_customer(request, customer_id)
    with transaction.atomic():
        if payload.credit_limit is not None or payload.payment_term is not None:
            customer = actions.set_credit_terms(
                customer, actor=request.user, credit_limit=payload.credit_limit, payment_term=payload.payment_term
            )
        if payload.credit_status is not None:
            customer = actions.set_credit_status(
                customer, actor=request.user, status=payload.credit_status, reason=payload.reason
            )
    return Status(200, CustomerOut.from_orm(get_customer(request, customer.pk)))


# --- contacts ------------------------------------------------------------------------------------------------


def get_contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_for_user(Contact.objects.select_related("customer"), request.user, pk=contact_id)


@router.get("/contacts", response={200: Page[ContactOut], **READ_ERRORS}, summary="List contacts")
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]):
    """Contacts of the customers the caller may see. Filter with `cf_<name>=value` on custom fields too."""
    require_scope(request, "customers:read")
    return paginate(filter_contacts(visible_contacts(request.user), filters, request.GET), filters)


@export_routes(router, "/contacts/export", summary="Export contacts")
def export_contacts(request: HttpRequest, filters: Query[ContactFilters]):
    """The same filters and ordering as the list, all pages, with custom fields as columns."""
    require_scope(request, "customers:read")
    return contacts_export(
        filter_contacts(visible_contacts(request.user), filters, request.GET), export_format(request)
    )


@router.post(
    "/contacts", response={201: ContactOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Add a contact"
)
@idempotent
def create_contact(request: HttpRequest, payload: ContactIn):
    """For a customer the caller may change. `is_primary: true` takes over from the current primary contact."""
    require_scope(request, "customers:write")
    contact = contact_actions.create_contact(
        actor=request.user,
        customer=Customer.objects.filter(pk=payload.customer_id).first(),
        **payload.dict(exclude={"customer_id"}),
    )
    return Status(201, ContactOut.from_orm(contact))


# Declared after /contacts/export.csv and .xlsx, so that path is not taken for a contact id.
@router.get("/contacts/{contact_id}", response={200: ContactOut, **READ_ERRORS}, summary="Read a contact")
def read_contact(request: HttpRequest, contact_id: int):
    require_scope(request, "customers:read")
    return get_contact(request, contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS}, summary="Update a contact")
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch):
    require_scope(request, "customers:write")
    contact = get_contact(request, contact_id)
    return contact_actions.update_contact(contact, actor=request.user, changes=payload.dict(exclude_unset=True))


@router.delete(
    "/contacts/{contact_id}", response={204: None, **errors(400, 401, 403, 404, 409)}, summary="Deactivate a contact"
)
def deactivate_contact(request: HttpRequest, contact_id: int):
    """Contacts are kept for the record: this marks the contact inactive (and no longer primary)."""
    require_scope(request, "customers:write")
    contact_actions.deactivate_contact(get_contact(request, contact_id), actor=request.user)
    return Status(204, None)


@router.get(
    "/contacts/{contact_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="A contact's timeline"
)
def contact_events(request: HttpRequest, contact_id: int):
    require_scope(request, "customers:read")
    return event_list(get_contact(request, contact_id))


# --- addresses -----------------------------------------------------------------------------------------------


def get_customer_only(request: HttpRequest, customer_id: int) -> Customer:
    """The customer within the caller's scope, without its defaults (for its address endpoints)."""
    return get_for_user(Customer.objects.all(), request.user, pk=customer_id)


def get_address(request: HttpRequest, address_id: int) -> CustomerAddress:
    return get_for_user(CustomerAddress.objects.select_related("customer"), request.user, pk=address_id)


@router.get(
    "/customers/{customer_id}/addresses",
    response={200: Page[CustomerAddressOut], **READ_ERRORS},
    summary="List a customer's addresses",
)
def list_addresses(request: HttpRequest, customer_id: int, filters: Query[CustomerAddressFilters]):
    require_scope(request, "customers:read")
    customer = get_customer_only(request, customer_id)
    return paginate(filter_addresses(customer.addresses.all(), filters), filters)


@router.post(
    "/customers/{customer_id}/addresses",
    response={201: CustomerAddressOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Add a billing or shipping address",
)
@idempotent
def create_address(request: HttpRequest, customer_id: int, payload: CustomerAddressIn):
    """The customer's first address of a kind becomes its default unless `is_default` is false; `is_default: true`
    takes over from the current default of that kind. Shipping addresses need a recipient and a phone number."""
    require_scope(request, "customers:write")
    address = contact_actions.create_address(
        actor=request.user, customer=get_customer_only(request, customer_id), **payload.dict()
    )
    return Status(201, CustomerAddressOut.from_orm(address))


@router.get("/addresses/{address_id}", response={200: CustomerAddressOut, **READ_ERRORS}, summary="Read an address")
def read_address(request: HttpRequest, address_id: int):
    require_scope(request, "customers:read")
    return get_address(request, address_id)


@router.patch(
    "/addresses/{address_id}", response={200: CustomerAddressOut, **WRITE_ERRORS}, summary="Update an address"
)
def update_address(request: HttpRequest, address_id: int, payload: CustomerAddressPatch):
    require_scope(request, "customers:write")
    address = get_address(request, address_id)
    return contact_actions.update_address(address, actor=request.user, changes=payload.dict(exclude_unset=True))


@router.delete(
    "/addresses/{address_id}", response={204: None, **errors(400, 401, 403, 404, 409)}, summary="Delete an address"
)
def delete_address(request: HttpRequest, address_id: int):
    """Deleting the default address leaves the customer without a default of that kind."""
    require_scope(request, "customers:write")
    contact_actions.delete_address(get_address(request, address_id), actor=request.user)
    return Status(204, None)


@router.get(
    "/addresses/{address_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="An address's timeline"
)
def address_events(request: HttpRequest, address_id: int):
    require_scope(request, "customers:read")
    return event_list(get_address(request, address_id))
