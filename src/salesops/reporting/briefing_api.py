"""/api/v1 daily briefings, sales targets and briefing subscriptions: parse, authorise, call, return."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.accounts.models import OrgUnit, User
from salesops.core import clock
from salesops.core.api.actions import action_endpoint
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, errors
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.scoping import for_user, get_for_user
from salesops.reporting import briefing_actions as actions
from salesops.reporting.briefing_queries import visible_briefings, visible_region_ids
from salesops.reporting.briefing_schemas import (
    BriefingFilters,
    BriefingOut,
    BriefingSummaryOut,
    RenderOut,
    RenderParams,
    SendIn,
    SendRegionIn,
    SubscriptionFilters,
    SubscriptionIn,
    SubscriptionOut,
    TargetFilters,
    TargetIn,
    TargetOut,
    TargetPatch,
)
from salesops.reporting.briefing_sections import BriefingScope, compute_figures
from salesops.reporting.models import Briefing, BriefingSubscription, SalesTarget

router = Router(tags=["briefings"])
READ, WRITE = "reporting:read", "reporting:write"


def briefing_out(briefing: Briefing) -> BriefingOut:
    fresh = Briefing.objects.select_related("region").prefetch_related("deliveries__recipient").get(pk=briefing.pk)
    return BriefingOut.from_orm(fresh)


def get_briefing(request: HttpRequest, briefing_id: int) -> Briefing:
    return get_for_user(visible_briefings(request.user), request.user, pk=briefing_id)


def region_for(request: HttpRequest, region_id: int, field: str = "region_id") -> OrgUnit:
    """A region the caller reads; anything else is reported missing, on the field that named it."""
    if region_id not in visible_region_ids(request.user):
        raise ApiError(404, "not_found", _("No such region."), {field: [_("Choose a region you may see.")]})
    return OrgUnit.objects.get(pk=region_id)


# --- briefings ----------------------------------------------------------------------------------------------


@router.get("/briefings", response={200: Page[BriefingSummaryOut], **READ_ERRORS}, summary="List daily briefings")
def list_briefings(request: HttpRequest, filters: Query[BriefingFilters]):
    """Stored briefings of the regions the caller reads, newest first."""
    require_scope(request, READ)
    briefings = visible_briefings(request.user).order_by("-date", "region__name", "pk")
    if filters.region_id:
        briefings = briefings.filter(region_id=filters.region_id)
    if filters.date_from:
        briefings = briefings.filter(date__gte=filters.date_from)
    if filters.date_to:
        briefings = briefings.filter(date__lte=filters.date_to)
    return paginate(briefings, filters)


@router.get("/briefings/render", response={200: RenderOut, **READ_ERRORS}, summary="Compute a briefing's figures")
def render_briefing(request: HttpRequest, params: Query[RenderParams]):
    """The figures of a region's briefing for a day, computed now (nothing is stored or sent)."""
    require_scope(request, READ)
    region = region_for(request, params.region_id)
    if params.date > clock.today():
        raise ApiError(
            400, "invalid_parameter", _("Choose a day up to today."), {"date": [_("Choose a day up to today.")]}
        )
    figures = compute_figures(BriefingScope(region, params.date, clock.now()))
    return {"region": region, "date": params.date, "figures": figures}


# Registered before /briefings/{briefing_id}, whose path parameter would otherwise match "send".
@router.post(
    "/briefings/send",
    response={200: BriefingOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Send a region's briefing for a day now",
)
@idempotent
def send_region_briefing(request: HttpRequest, payload: SendRegionIn):
    """Prepares the region's briefing for the day if it does not exist yet, then sends it to the region's
    recipients now (a new delivery round, after the request commits). Administrators and the region's director."""
    require_scope(request, WRITE)
    region = region_for(request, payload.region_id)
    briefing = actions.send_region_briefing_now(region=region, day=payload.date, actor=request.user)
    return Status(200, briefing_out(briefing))


@router.get("/briefings/{briefing_id}", response={200: BriefingOut, **READ_ERRORS}, summary="Read a briefing")
def read_briefing(request: HttpRequest, briefing_id: int):
    """A stored briefing: its figures as they were sent, and every delivery with its status."""
    require_scope(request, READ)
    return briefing_out(get_briefing(request, briefing_id))


action_endpoint(
    router,
    "/briefings/{briefing_id}",
    "send",
    summary="Send a briefing again now",
    description="Sends the stored briefing to the region's current recipients again (a new delivery round, after "
    "the request commits). Administrators and the region's director. With the same Idempotency-Key a retry "
    "sends nothing more.",
    call=lambda briefing, *, actor: actions.send_briefing_now(briefing, actor=actor),
    load=get_briefing,
    answer=briefing_out,
    response=BriefingOut,
    body=SendIn,
    scopes=[WRITE],
)


# --- sales targets ------------------------------------------------------------------------------------------


def get_target(request: HttpRequest, target_id: int) -> SalesTarget:
    return get_for_user(SalesTarget.objects.select_related("region"), request.user, pk=target_id)


@router.get("/sales-targets", response={200: Page[TargetOut], **READ_ERRORS}, summary="List sales targets")
def list_targets(request: HttpRequest, filters: Query[TargetFilters]):
    require_scope(request, READ)
    targets = for_user(SalesTarget.objects.select_related("region"), request.user).order_by("-month", "region__name")
    if filters.region_id:
        targets = targets.filter(region_id=filters.region_id)
    if filters.month:
        targets = targets.filter(month=filters.month.replace(day=1))
    return paginate(targets, filters)


@router.post(
    "/sales-targets",
    response={201: TargetOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Set a region's target for a month",
)
@idempotent
def create_target(request: HttpRequest, payload: TargetIn):
    """Administrators only. One target per region and month (a second one is refused on `month`)."""
    require_scope(request, WRITE)
    region = OrgUnit.objects.filter(pk=payload.region_id, kind=OrgUnit.Kind.REGION).first()
    if region is None:
        raise ValidationError({"region_id": [_("Choose a region.")]})
    target = actions.save_sales_target(
        actor=request.user,
        region=region,
        month=payload.month,
        orders_amount=payload.orders_amount,
        revenue_amount=payload.revenue_amount,
    )
    return Status(201, target)


@router.get("/sales-targets/{target_id}", response={200: TargetOut, **READ_ERRORS}, summary="Read a sales target")
def read_target(request: HttpRequest, target_id: int):
    require_scope(request, READ)
    return get_target(request, target_id)


@router.patch("/sales-targets/{target_id}", response={200: TargetOut, **WRITE_ERRORS}, summary="Change a sales target")
def update_target(request: HttpRequest, target_id: int, payload: TargetPatch):
    require_scope(request, WRITE)
    target = get_target(request, target_id)
    changes = payload.dict(exclude_unset=True)
    for name in ("month", "orders_amount", "revenue_amount"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: [_("This field cannot be empty.")]})
    return actions.save_sales_target(
        actor=request.user,
        region=target.region,
        month=changes.get("month", target.month),
        orders_amount=changes.get("orders_amount", target.orders_amount),
        revenue_amount=changes.get("revenue_amount", target.revenue_amount),
        target=target,
    )


@router.delete(
    "/sales-targets/{target_id}", response={204: None, **errors(400, 401, 403, 404)}, summary="Delete a sales target"
)
def delete_target(request: HttpRequest, target_id: int):
    require_scope(request, WRITE)
    actions.delete_sales_target(get_target(request, target_id), actor=request.user)
    return Status(204, None)


# --- subscriptions ------------------------------------------------------------------------------------------


@router.get(
    "/briefing-subscriptions",
    response={200: Page[SubscriptionOut], **READ_ERRORS},
    summary="List briefing subscriptions",
)
def list_subscriptions(request: HttpRequest, filters: Query[SubscriptionFilters]):
    """Administrators see all; others their own."""
    require_scope(request, READ)
    subscriptions = for_user(BriefingSubscription.objects.select_related("region", "user"), request.user).order_by(
        "region__name", "user__username", "pk"
    )
    if filters.region_id:
        subscriptions = subscriptions.filter(region_id=filters.region_id)
    return paginate(subscriptions, filters)


@router.post(
    "/briefing-subscriptions",
    response={201: SubscriptionOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Have someone receive a region's briefing",
)
@idempotent
def create_subscription(request: HttpRequest, payload: SubscriptionIn):
    """Administrators only. Once a region has a subscription, only its subscribers receive its briefing."""
    require_scope(request, WRITE)
    region = OrgUnit.objects.filter(pk=payload.region_id, kind=OrgUnit.Kind.REGION).first()
    if region is None:
        raise ValidationError({"region_id": [_("Choose a region.")]})
    user = User.objects.filter(pk=payload.user_id).first()
    if user is None:
        raise ValidationError({"user_id": [_("Choose an active user.")]})
    subscription = actions.subscribe(actor=request.user, region=region, user=user, language=payload.language)
    return Status(201, subscription)


@router.delete(
    "/briefing-subscriptions/{subscription_id}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Stop someone receiving a region's briefing",
)
def delete_subscription(request: HttpRequest, subscription_id: int):
    require_scope(request, WRITE)
    subscription = get_for_user(BriefingSubscription.objects.all(), request.user, pk=subscription_id)
    actions.unsubscribe(subscription, actor=request.user)
    return Status(204, None)
