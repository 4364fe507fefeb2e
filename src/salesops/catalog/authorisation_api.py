"""/api/v1/discount-authorisations: ask for a special discount authorisation (submitted to its approval policy at
once), list and read them within the caller's scope (like customers), revoke one. There is no update: another
percent, period or scope is a new request."""

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.catalog import authorisation_actions
from salesops.catalog.models import DiscountAuthorisation
from salesops.catalog.queries import active_on, visible_discount_authorisations
from salesops.catalog.schemas import AuthorisationFilters, AuthorisationIn, AuthorisationOut, AuthorisationRevokeIn
from salesops.core import clock
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.scoping import get_for_user

router = Router(tags=["discount authorisations"])


def get_authorisation(request: HttpRequest, authorisation_id: int) -> DiscountAuthorisation:
    user = request.user
    return get_for_user(visible_discount_authorisations(user), user, pk=authorisation_id)


@router.get(
    "/discount-authorisations",
    response={200: Page[AuthorisationOut], **READ_ERRORS},
    summary="List discount authorisations",
)
def list_authorisations(request: HttpRequest, filters: Query[AuthorisationFilters]):
    """The authorisations of customers the caller may see (and of their groups), those they asked for or are asked
    to decide, newest first."""
    require_scope(request, "customers:read")
    rows = visible_discount_authorisations(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.active is not None:
        active = active_on(rows, clock.today()).values("pk")
        rows = rows.filter(pk__in=active) if filters.active else rows.filter(~Q(pk__in=active))
    if filters.customer_id:
        rows = rows.filter(customer_id=filters.customer_id)
    if filters.customer_group_id:
        rows = rows.filter(customer_group_id=filters.customer_group_id)
    return paginate(rows.order_by("-created_at", "-pk"), filters)


@router.post(
    "/discount-authorisations",
    response={201: AuthorisationOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Ask for a discount authorisation",
)
@idempotent
def create_authorisation(request: HttpRequest, payload: AuthorisationIn):
    """Up to `max_discount_percent` on the lines of a customer (`customer_id`) or of every customer of a group
    (`customer_group_id`), optionally of one product line, from `valid_from` to `valid_to`. Submitted to the
    discount authorisation policy at once (default: the requester's manager; above 30 %, then the regional
    director). While approved and within its dates, order and quote lines it covers are not beyond the
    submitter's discount limit. One pending request per customer (or group) and product line."""
    require_scope(request, "customers:write")
    authorisation = authorisation_actions.request_discount_authorisation(
        actor=request.user,
        customer_id=payload.customer_id,
        customer_group_id=payload.customer_group_id,
        product_line_id=payload.product_line_id,
        max_discount_percent=payload.max_discount_percent,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        reason=payload.reason,
    )
    return Status(201, AuthorisationOut.from_orm(get_authorisation(request, authorisation.pk)))


@router.get(
    "/discount-authorisations/{authorisation_id}",
    response={200: AuthorisationOut, **READ_ERRORS},
    summary="Read a discount authorisation",
)
def read_authorisation(request: HttpRequest, authorisation_id: int):
    require_scope(request, "customers:read")
    return get_authorisation(request, authorisation_id)


@router.post(
    "/discount-authorisations/{authorisation_id}/revoke",
    response={200: AuthorisationOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Revoke a discount authorisation",
)
@idempotent
def revoke_authorisation(request: HttpRequest, authorisation_id: int, payload: AuthorisationRevokeIn):
    """End an approved, unexpired authorisation now (its approvers and administrators; others 403). Orders and
    quotes routed before keep their routing."""
    require_scope(request, "customers:write")
    authorisation = get_authorisation(request, authorisation_id)
    authorisation_actions.revoke_discount_authorisation(authorisation, actor=request.user, reason=payload.reason)
    return get_authorisation(request, authorisation_id)


@router.get(
    "/discount-authorisations/{authorisation_id}/events",
    response={200: list[EventOut], **READ_ERRORS},
    summary="A discount authorisation's timeline",
)
def authorisation_events(request: HttpRequest, authorisation_id: int):
    require_scope(request, "customers:read")
    return event_list(get_authorisation(request, authorisation_id))
