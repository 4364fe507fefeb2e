"""Writes for daily briefings, sales targets and subscriptions. Views, the API, the admin and the jobs call these.

Sending is exactly-once per delivery row: `deliver_briefing` claims each row with a conditional UPDATE (pending
or failed → sending) before its e-mail goes out and marks it sent after, so a second run, a retry or a second
worker never sends the same row again. A crash between the SMTP answer and the mark leaves the row "sending":
it is not sent again by itself (a duplicate briefing is worse than a missing one; "send now" re-sends).
"""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from salesops.accounts.models import OrgUnit, User
from salesops.core import clock
from salesops.core.events import atomic, record_event, snapshot
from salesops.core.timezones import company_zone
from salesops.reporting.briefing_documents import briefing_email, briefing_pdf, briefing_workbook, layout
from salesops.reporting.briefing_queries import may_manage_briefings, may_send_briefing, recipients
from salesops.reporting.briefing_sections import BriefingScope, compute_figures
from salesops.reporting.models import Briefing, BriefingDelivery, BriefingSubscription, SalesTarget

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
LANGUAGES = {code for code, _name in settings.LANGUAGES}
Status = BriefingDelivery.Status


def validate_day(day: datetime.date, *, field: str = "date") -> None:
    """A briefing is about a finished day: yesterday or before (company time zone)."""
    if day >= clock.today():
        raise ValidationError({field: [_("Choose a day before today.")]})


def prepare_briefing(*, region: OrgUnit, day: datetime.date, as_of: datetime.datetime | None = None) -> Briefing:
    """The region's briefing for `day`, computed and stored on first call; later calls (a second run of the job,
    another worker, "send now") return the stored one unchanged. Records `briefing.prepared` once."""
    existing = Briefing.objects.filter(region=region, date=day).select_related("region").first()
    if existing is not None:
        return existing
    as_of = as_of or clock.now()
    figures = compute_figures(BriefingScope(region, day, as_of))
    try:
        with atomic():
            briefing = Briefing.objects.create(region=region, date=day, as_of=as_of, figures=figures)
            record_event("briefing.prepared", briefing, after=snapshot(briefing, ["region", "date", "as_of"]))
    except IntegrityError:  # another worker stored it first: theirs is the briefing
        return Briefing.objects.select_related("region").get(region=region, date=day)
    return briefing


def plan_round(briefing: Briefing, *, requested_by: User | None = None, resend: bool = False) -> int:
    """Create the delivery rows of a round for the region's current recipients and return the round.

    Without `resend`, the first round is planned once (the scheduled send); when it exists it is returned as it
    is. With `resend`, a new round is added: everyone is sent the briefing again, deliberately."""
    with transaction.atomic():
        Briefing.objects.select_for_update().filter(pk=briefing.pk).first()  # serialise rounds of one briefing
        last = briefing.deliveries.aggregate(last=Max("round"))["last"]
        if last is not None and not resend:
            return last
        number = (last or 0) + 1
        BriefingDelivery.objects.bulk_create(
            [
                BriefingDelivery(
                    briefing=briefing,
                    round=number,
                    recipient=user,
                    email=user.email,
                    language=language,
                    status=Status.PENDING if user.email else Status.SKIPPED,
                    error="" if user.email else "no e-mail address",
                    requested_by=requested_by,
                )
                for user, language in recipients(briefing.region, settings.LANGUAGE_CODE)
            ]
        )
    return number


def claim(delivery: BriefingDelivery) -> bool:
    """pending/failed → sending in one conditional UPDATE; False when someone else has it (or it is done)."""
    with transaction.atomic():
        return bool(
            BriefingDelivery.objects.filter(
                pk=delivery.pk, status__in=[Status.PENDING, Status.FAILED], attempts__lt=MAX_ATTEMPTS
            ).update(status=Status.SENDING, attempts=F("attempts") + 1)
        )


def finish(delivery: BriefingDelivery, *, status: str, message_id: str = "", error: str = "") -> None:
    with transaction.atomic():
        BriefingDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            status=status,
            message_id=message_id,
            error=error[:500],
            sent_at=timezone.now() if status == Status.SENT else None,
        )


def deliver_briefing(briefing: Briefing) -> dict[str, int]:
    """Send every pending (or failed, fewer than MAX_ATTEMPTS times) delivery of the briefing, each claimed
    first so it goes out once. Documents are rendered once per language. Returns counts by outcome."""
    report = {"sent": 0, "failed": 0}
    due = list(
        briefing.deliveries.filter(status__in=[Status.PENDING, Status.FAILED], attempts__lt=MAX_ATTEMPTS).order_by(
            "round", "recipient_id"
        )
    )
    documents: dict[str, tuple] = {}
    for delivery in due:
        if not claim(delivery):
            continue
        message_id = f"<briefing.{briefing.pk}.{delivery.round}.{delivery.recipient_id}@salesops>"
        try:
            if delivery.language not in documents:
                documents[delivery.language] = (
                    layout(briefing, delivery.language, images="cid"),
                    briefing_pdf(briefing, delivery.language),
                    briefing_workbook(briefing, delivery.language),
                )
            rendered, pdf, workbook = documents[delivery.language]
            briefing_email(rendered, to=delivery.email, message_id=message_id, pdf=pdf, workbook=workbook).send()
        except Exception as error:  # SMTP refused, unreachable, or rendering failed: retried later
            logger.warning("briefing %s to %s failed: %s", briefing.pk, delivery.email, error)
            finish(delivery, status=Status.FAILED, error=f"{type(error).__name__}: {error}")
            report["failed"] += 1
            continue
        finish(delivery, status=Status.SENT, message_id=message_id)
        report["sent"] += 1
    return report


def send_briefing_now(briefing: Briefing, *, actor: User) -> Briefing:
    """Send the stored briefing again to the region's current recipients (a new round), after this commits.
    Administrators and the region's director may. Records `briefing.send_requested`; its handler sends."""
    if not may_send_briefing(actor, briefing.region):
        raise PermissionDenied(_("Only an administrator or the region's director may send its briefing."))
    with atomic():
        number = plan_round(briefing, requested_by=actor, resend=True)
        record_event("briefing.send_requested", briefing, actor=actor, data={"round": number})
    return briefing


def send_region_briefing_now(*, region: OrgUnit, day: datetime.date, actor: User) -> Briefing:
    """Prepare the region's briefing for `day` if it does not exist yet, then send it now (`send_briefing_now`)."""
    if not may_send_briefing(actor, region):
        raise PermissionDenied(_("Only an administrator or the region's director may send its briefing."))
    validate_day(day)
    with atomic():
        briefing = prepare_briefing(region=region, day=day)
        return send_briefing_now(briefing, actor=actor)


def run_daily_briefings(scheduled_at: datetime.datetime) -> dict[str, dict[str, int]]:
    """What the 09:00 job does for its scheduled time: for every region, yesterday's briefing (relative to the
    scheduled day, so a caught-up run covers the day it was meant for), its first round planned once, and its
    pending deliveries sent. Safe to repeat: nothing is sent twice."""
    day = timezone.localtime(scheduled_at, company_zone()).date() - datetime.timedelta(days=1)
    report = {}
    for region in OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION).order_by("path"):
        briefing = prepare_briefing(region=region, day=day, as_of=scheduled_at)
        plan_round(briefing)
        report[region.code] = deliver_briefing(briefing)
    return report


def retry_failed_deliveries(*, since: datetime.datetime) -> dict[str, int]:
    """Send again the deliveries created after `since` whose SMTP attempt failed (fewer than MAX_ATTEMPTS)."""
    report = {"sent": 0, "failed": 0}
    briefing_ids = (
        BriefingDelivery.objects.filter(status=Status.FAILED, attempts__lt=MAX_ATTEMPTS, created_at__gte=since)
        .values_list("briefing_id", flat=True)
        .distinct()
    )
    for briefing in Briefing.objects.filter(pk__in=list(briefing_ids)).select_related("region"):
        for key, count in deliver_briefing(briefing).items():
            report[key] += count
    return report


# --- sales targets ---------------------------------------------------------------------------------------------


def parse_amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError({field: [_("Enter an amount from 0 to 999,999,999,999.99.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Use at most two decimal places.")]})
    return amount


def region_of(region, field: str = "region_id") -> OrgUnit:
    if not isinstance(region, OrgUnit) or region.kind != OrgUnit.Kind.REGION:
        raise ValidationError({field: [_("Choose a region.")]})
    return region


def save_sales_target(
    *,
    actor: User,
    region: OrgUnit,
    month: datetime.date,
    orders_amount,
    revenue_amount,
    target: SalesTarget | None = None,
) -> SalesTarget:
    """Create (or, given `target`, change) a region's target for a month; administrators only. `month` may be
    any day of it. One target per region and month: a second one is refused on `month`."""
    if not may_manage_briefings(actor):
        raise PermissionDenied(_("Only an administrator may set sales targets."))
    region_of(region)
    values = {
        "region": region,
        "month": month.replace(day=1),
        "orders_amount": parse_amount(orders_amount, "orders_amount"),
        "revenue_amount": parse_amount(revenue_amount, "revenue_amount"),
    }
    clash = SalesTarget.objects.filter(region=region, month=values["month"])
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError({"month": [_("This region already has a target for that month.")]})
    try:
        with atomic():
            if target is None:
                target = SalesTarget.objects.create(**values)
                record_event("sales_target.created", target, actor=actor, after=snapshot(target))
            else:
                before = snapshot(target)
                for name, value in values.items():
                    setattr(target, name, value)
                target.save(update_fields=[*values, "updated_at"])
                record_event("sales_target.updated", target, actor=actor, before=before, after=snapshot(target))
    except IntegrityError:
        raise ValidationError({"month": [_("This region already has a target for that month.")]}) from None
    return target


def delete_sales_target(target: SalesTarget, *, actor: User) -> None:
    if not may_manage_briefings(actor):
        raise PermissionDenied(_("Only an administrator may set sales targets."))
    with atomic():
        record_event("sales_target.deleted", target, actor=actor, before=snapshot(target))
        target.delete()


# --- subscriptions ---------------------------------------------------------------------------------------------


def subscribe(*, actor: User, region: OrgUnit, user: User, language: str | None = None) -> BriefingSubscription:
    """Have `user` receive `region`'s daily briefing in `language` (default: the interface's default);
    administrators only. Subscribing someone already subscribed changes their language."""
    if not may_manage_briefings(actor):
        raise PermissionDenied(_("Only an administrator may change who receives briefings."))
    region_of(region)
    language = language or settings.LANGUAGE_CODE
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(LANGUAGES)}]})
    if not user.is_active:
        raise ValidationError({"user_id": [_("Choose an active user.")]})
    with atomic():
        subscription, created = BriefingSubscription.objects.select_for_update().get_or_create(
            region=region, user=user, defaults={"language": language}
        )
        if created:
            record_event("briefing_subscription.created", subscription, actor=actor, after=snapshot(subscription))
        elif subscription.language != language:
            before = snapshot(subscription, ["language"])
            subscription.language = language
            subscription.save(update_fields=["language", "updated_at"])
            record_event(
                "briefing_subscription.updated", subscription, actor=actor, before=before, after={"language": language}
            )
    return subscription


def unsubscribe(subscription: BriefingSubscription, *, actor: User) -> None:
    if not may_manage_briefings(actor):
        raise PermissionDenied(_("Only an administrator may change who receives briefings."))
    with atomic():
        record_event("briefing_subscription.deleted", subscription, actor=actor, before=snapshot(subscription))
        subscription.delete()
