"""Writes for special discount authorisations: a seller asks for a standing discount for a key customer (or a
customer group), optionally for one product line, for a period; the approval policy of the
`discount_authorisation` subject decides once (registered by billing/approval_subjects.py, since its context reads
invoices). Approved, it counts for order and quote routing while its dates last (catalog/authorisations.py).

Requesting submits it. There is no edit: another percent, period or scope is a new request (the content the
policy approved is fingerprinted, and routing ignores an authorisation whose row no longer matches). It ends by
its dates, or revoked by one of its approvers or an administrator. Every change records an event.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from salesops.accounts.models import Role, User
from salesops.accounts.scopes import sees_everything
from salesops.approvals import actions as approvals
from salesops.approvals.queries import has_approved
from salesops.catalog.actions import clean_decimal, clean_text
from salesops.catalog.authorisations import fingerprint_of
from salesops.catalog.models import DiscountAuthorisation, ProductLine
from salesops.core import clock, events
from salesops.core.events import record_event, snapshot
from salesops.core.numbering import next_document_number
from salesops.core.scoping import for_user
from salesops.customers.models import Customer, CustomerGroup

SUBJECT = "discount_authorisation"  # the approval subject key (registered by billing/approval_subjects.py)
SERIES = "DA"
REQUEST_ROLES = {Role.SALES_REP, Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR}
GROUP_ROLES = {Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR}  # a group spans many owners: managers and up
MAX_REASON = 1000
MAX_DAYS = 366
Status = DiscountAuthorisation.Status


def may_request_authorisation(user: User) -> bool:
    return user.is_authenticated and (sees_everything(user) or user.role in REQUEST_ROLES)


def may_request_for_groups(user: User) -> bool:
    return user.is_authenticated and (sees_everything(user) or user.role in GROUP_ROLES)


def may_revoke(user: User, authorisation: DiscountAuthorisation) -> bool:
    """Administrators, and whoever approved it (as approver or standing in for one)."""
    return user.is_authenticated and (sees_everything(user) or has_approved(authorisation, user))


def clean_id(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool) or not str(raw).strip().isdigit():
        raise ValidationError(_("Enter an id."))
    return int(str(raw).strip())


def clean_date(raw: Any) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raise ValidationError(_("Enter a date (YYYY-MM-DD)."))
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError(_("Enter a date (YYYY-MM-DD).")) from None


def clean_scope(customer_id, customer_group_id, actor: User, errors: dict):
    """(customer, group): exactly one, the customer among those the actor may see."""
    try:
        customer_id, customer_group_id = clean_id(customer_id), clean_id(customer_group_id)
    except ValidationError as exc:
        errors["customer_id"] = exc.messages
        return None, None
    if (customer_id is None) == (customer_group_id is None):
        errors["customer_id"] = [_("Choose a customer or a customer group (one of them).")]
        return None, None
    if customer_id is not None:
        customer = for_user(Customer.objects.filter(pk=customer_id), actor).first()
        if customer is None:
            errors["customer_id"] = [_("Choose one of your customers.")]
        return customer, None
    if not may_request_for_groups(actor):
        errors["customer_group_id"] = [_("Only managers, directors and administrators may ask for a customer group.")]
        return None, None
    group = CustomerGroup.objects.filter(pk=customer_group_id).first()
    if group is None:
        errors["customer_group_id"] = [_("Choose an existing customer group.")]
    return None, group


def clean_product_line(raw, errors: dict) -> ProductLine | None:
    try:
        line_id = clean_id(raw)
    except ValidationError as exc:
        errors["product_line_id"] = exc.messages
        return None
    if line_id is None:
        return None
    line = ProductLine.objects.filter(pk=line_id, is_active=True).first()
    if line is None:
        errors["product_line_id"] = [_("Choose an active product line, or none for every line.")]
    return line


def clean_period(valid_from, valid_to, errors: dict) -> tuple[datetime.date | None, datetime.date | None]:
    start = end = None
    try:
        start = clean_date(valid_from)
    except ValidationError as exc:
        errors["valid_from"] = exc.messages
    try:
        end = clean_date(valid_to)
    except ValidationError as exc:
        errors["valid_to"] = exc.messages
    if start is not None and start < clock.today():
        errors["valid_from"] = [_("An authorisation cannot start in the past.")]
    if start is not None and end is not None and "valid_to" not in errors:
        if end < start:
            errors["valid_to"] = [_("The end must not come before the start.")]
        elif (end - start).days + 1 > MAX_DAYS:
            errors["valid_to"] = [_("At most %(days)s days.") % {"days": MAX_DAYS}]
    return start, end


def request_discount_authorisation(
    *,
    actor: User,
    max_discount_percent,
    valid_from,
    valid_to,
    reason: str,
    customer_id=None,
    customer_group_id=None,
    product_line_id=None,
) -> DiscountAuthorisation:
    """Ask for up to `max_discount_percent` on the lines of a customer (or of a customer group), optionally of one
    product line, from `valid_from` to `valid_to` (company dates, at most a year, not in the past), and submit it
    to the discount authorisation policy with the actor as submitter. One pending request per customer (or group)
    and product line at a time. Records `discount_authorisation.requested`; approved at once, it is approved in the
    same transaction; a rule that rejects leaves it rejected. Returns it."""
    if not may_request_authorisation(actor):
        raise PermissionDenied(_("Your role may not ask for discount authorisations."))
    errors: dict[str, list[str]] = {}
    customer, group = clean_scope(customer_id, customer_group_id, actor, errors)
    line = clean_product_line(product_line_id, errors)
    try:
        percent = clean_decimal(
            max_discount_percent, places=2, integer_digits=3, low=Decimal("0.01"), high=Decimal(100)
        )
    except ValidationError as exc:
        errors["max_discount_percent"] = exc.messages
        percent = None
    start, end = clean_period(valid_from, valid_to, errors)
    try:
        reason = clean_text(reason, max_length=MAX_REASON, required_message=_("Say why the discount is needed."))
    except ValidationError as exc:
        errors["reason"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with events.atomic():
        if customer is not None:  # serialises requests for the same customer (or group)
            customer = Customer.objects.select_for_update().get(pk=customer.pk)
        else:
            group = CustomerGroup.objects.select_for_update().get(pk=group.pk)
        if DiscountAuthorisation.objects.filter(
            customer=customer, customer_group=group, product_line=line, status=Status.PENDING
        ).exists():
            field = "customer_id" if customer is not None else "customer_group_id"
            raise ValidationError({field: [_("A request for this customer and product line is already pending.")]})
        authorisation = DiscountAuthorisation.objects.create(
            number=next_document_number(SERIES, clock.today().year),
            customer=customer,
            customer_group=group,
            product_line=line,
            max_discount_percent=percent,
            valid_from=start,
            valid_to=end,
            reason=reason,
            requester=actor,
        )
        record_event("discount_authorisation.requested", authorisation, actor=actor, after=snapshot(authorisation))
        started = approvals.start_approval(authorisation, submitter=actor, actor=actor)
        if started.outcome == "approve":
            approve_authorisation(authorisation, None, actor)
        elif started.outcome == "reject":
            finish(authorisation, Status.REJECTED, actor=actor, comment=started.message)
        return authorisation


def lock(pk: int) -> DiscountAuthorisation:
    return (
        DiscountAuthorisation.objects.select_for_update(of=("self",))
        .select_related("customer__group", "customer_group", "product_line", "requester")
        .get(pk=pk)
    )


def finish(authorisation: DiscountAuthorisation, status: str, *, actor, comment: str = "") -> None:
    before = authorisation.status
    authorisation.status, authorisation.decided_at = status, clock.now()
    authorisation.decision_comment = (comment or "")[:1000]
    fields = ["status", "decided_at", "decision_comment", "updated_at"]
    if status == Status.APPROVED:
        authorisation.approved_at = authorisation.decided_at
        authorisation.approved_fingerprint = fingerprint_of(authorisation)
        fields += ["approved_at", "approved_fingerprint"]
    authorisation.save(update_fields=fields)
    record_event(
        f"discount_authorisation.{status}",
        authorisation,
        actor=actor,
        before={"status": before},
        after={"status": status},
        data={"comment": authorisation.decision_comment} if authorisation.decision_comment else None,
    )


def approve_authorisation(authorisation: DiscountAuthorisation, request, actor) -> None:
    """Approved (by the chain's last approver, `actor`, or by the policy at once with `request` None): it counts
    from now until its end date, for exactly the content approved. Runs in the caller's transaction."""
    last = request.tasks.filter(status="approved").order_by("-decided_at", "-pk").first() if request else None
    finish(authorisation, Status.APPROVED, actor=actor, comment=last.comment if last else "")


def reject_authorisation(authorisation: DiscountAuthorisation, request, actor, comment: str) -> None:
    """Called by the approvals engine when an approver rejects: it never counts."""
    finish(authorisation, Status.REJECTED, actor=actor, comment=comment)


def return_authorisation(authorisation: DiscountAuthorisation, request, actor, comment: str) -> None:
    """Called by the approvals engine when it is sent back or withdrawn: it ends without counting (a new request
    may be made; there is nothing to edit)."""
    finish(authorisation, Status.RETURNED, actor=actor, comment=comment)


def revoke_discount_authorisation(authorisation: DiscountAuthorisation, *, actor: User, reason: str):
    """End an approved authorisation now (before or during its period): from this moment it no longer counts for
    routing; orders and quotes routed before keep their routing. Only administrators and its approvers may;
    an expired one has nothing left to revoke. Records `discount_authorisation.revoked`."""
    errors: dict[str, list[str]] = {}
    try:
        reason = clean_text(reason, max_length=MAX_REASON, required_message=_("Say why it is revoked."))
    except ValidationError as exc:
        errors["reason"] = exc.messages
    with events.atomic():
        locked = lock(authorisation.pk)
        if not may_revoke(actor, locked):
            raise PermissionDenied(_("Only its approvers and administrators may revoke an authorisation."))
        if locked.state(clock.today()) not in ("active", "scheduled"):
            errors["status"] = [_("Only an approved authorisation that has not expired can be revoked.")]
        if errors:
            raise ValidationError(errors)
        locked.status, locked.revoked_at, locked.revoked_by = Status.REVOKED, clock.now(), actor
        locked.revoke_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason", "updated_at"])
        record_event(
            "discount_authorisation.revoked",
            locked,
            actor=actor,
            before={"status": Status.APPROVED},
            after={"status": Status.REVOKED},
            data={"reason": reason},
        )
        return locked
