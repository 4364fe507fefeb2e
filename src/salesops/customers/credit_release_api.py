"""/api/v1/credit-releases: ask to lift a customer's credit hold or freeze and/or raise its limit (submitted to the
credit release approval policy at once), list and read them within the caller's scope."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.scoping import for_user, get_for_user
from salesops.customers import credit_release_actions
from salesops.customers.models import CreditReleaseRequest, Customer
from salesops.customers.queries import visible_credit_releases
from salesops.customers.schemas import CreditReleaseFilters, CreditReleaseIn, CreditReleaseOut

router = Router(tags=["credit releases"])


def releases(user):
    return visible_credit_releases(user).prefetch_related("held_orders")


def get_release(request: HttpRequest, release_id: int) -> CreditReleaseRequest:
    return get_for_user(releases(request.user), request.user, pk=release_id)


@router.get("/credit-releases", response={200: Page[CreditReleaseOut], **READ_ERRORS}, summary="List credit releases")
def list_credit_releases(request: HttpRequest, filters: Query[CreditReleaseFilters]):
    """The requests for customers the caller may see (and those they are asked to decide), newest first."""
    require_scope(request, "customers:read")
    rows = releases(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.customer_id:
        rows = rows.filter(customer_id=filters.customer_id)
    return paginate(rows.order_by("-created_at", "-pk"), filters)


@router.post(
    "/credit-releases",
    response={201: CreditReleaseOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Ask for a credit release",
)
@idempotent
def create_credit_release(request: HttpRequest, payload: CreditReleaseIn):
    """Lift the customer's credit hold or freeze (`lift_status`) and/or raise its limit to `requested_limit`
    (`raise_limit`), optionally for its orders on hold (`order_ids`). Submitted to the credit release policy at
    once (default: finance; an increase of 1,000,000 CNY or more, then the regional director); approved, the
    change is applied and the named orders are released (they go through the credit check and approval again).
    One pending request per customer."""
    require_scope(request, "customers:write")
    customer = for_user(Customer.objects.filter(pk=payload.customer_id), request.user).first()
    release = credit_release_actions.create_credit_release(
        customer,
        actor=request.user,
        kinds=payload.kinds,
        requested_limit=payload.requested_limit,
        reason=payload.reason,
        order_ids=payload.order_ids,
    )
    return Status(201, CreditReleaseOut.from_orm(releases(request.user).get(pk=release.pk)))


@router.get(
    "/credit-releases/{release_id}", response={200: CreditReleaseOut, **READ_ERRORS}, summary="Read a credit release"
)
def read_credit_release(request: HttpRequest, release_id: int):
    require_scope(request, "customers:read")
    return get_release(request, release_id)


@router.get(
    "/credit-releases/{release_id}/events",
    response={200: list[EventOut], **READ_ERRORS},
    summary="A credit release's timeline",
)
def credit_release_events(request: HttpRequest, release_id: int):
    require_scope(request, "customers:read")
    return event_list(get_release(request, release_id))
