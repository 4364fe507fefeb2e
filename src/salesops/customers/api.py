"""/api/v1/customers: parse, authorise, call an action, return."""

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
from salesops.customers import actions
from salesops.customers.exports import customers_export
from salesops.customers.filters import filter_customers
from salesops.customers.models import Customer, CustomerGroup
from salesops.customers.queries import visible_customers
from salesops.customers.schemas import CreditIn, CustomerFilters, CustomerIn, CustomerOut, CustomerPatch

router = Router(tags=["customers"])


def lookup(model, pk: int | None, field: str):
    if pk is None:
        return None
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise ValidationError({field: [f"No {model._meta.verbose_name} with id {pk}."]}) from None


def get_customer(request: HttpRequest, customer_id: int) -> Customer:
    return get_for_user(Customer.objects.select_related("office", "region", "owner"), request.user, pk=customer_id)


@router.get("/customers", response={200: Page[CustomerOut], **READ_ERRORS}, summary="List customers")
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]):
    """Customers the caller may see. Filter with `cf_<name>=value` on custom fields too."""
    require_scope(request, "customers:read")
    return paginate(filter_customers(visible_customers(request.user), filters, request.GET), filters)


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
