"""Writes for quotes. Each action is one transaction: validate, lock the quote row, change, record events.

Quotes are validated and priced like orders (the helpers of `orders/actions.py`), number QT-YYYY-NNNNNN, and
change status only through `quote_transition`. A quote reaches the customer only through the quote approval
policy (`approvals.actions.start_approval`): sending a draft routes it, and the engine calls back `send_approved`,
`return_rejected` and `return_quote_to_draft`. An approval counts for the content it was given for
(`approved_fingerprint`). A customer's acceptance turns an approved quote into one draft order at the quoted
prices, through `create_order`; after that the order follows the order pipeline (credit, approval, stock) like
any other.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.approvals import actions as approvals
from salesops.catalog.pricing import company_today
from salesops.core import clock, events
from salesops.core.actions import refuse_unknown_fields
from salesops.core.events import record_event, snapshot
from salesops.core.numbering import next_document_number
from salesops.customers.models import Customer
from salesops.inventory.models import Warehouse
from salesops.orders.actions import (
    apply_draft_changes,
    check_may_sell,
    clean_comment,
    create_document,
    create_order,
    save_draft_changes,
)
from salesops.orders.approval_context import document_fingerprint
from salesops.orders.models import OPEN_QUOTE_STATUSES, Quote, QuoteStatus, SalesOrder, quote_transition
from salesops.orders.queries import QUOTE_SUBJECT

VALIDITY_DAYS = 30  # a new quote is valid for this many days unless the rep says otherwise
MAX_VALIDITY_DAYS = 366
EDITABLE_FIELDS = ("warehouse", "discount_percent", "valid_until", "lines")


def next_quote_number() -> str:
    """QT-YYYY-NNNNNN from the document counter (gapless, like shipments and invoices)."""
    return next_document_number("QT", company_today().year)


def default_valid_until() -> datetime.date:
    return company_today() + datetime.timedelta(days=VALIDITY_DAYS)


def clean_valid_until(raw, errors: dict) -> datetime.date | None:
    """A date from today (company time zone) to a year ahead: a quote is never created or moved into the past."""
    if raw in (None, ""):
        return default_valid_until()
    if isinstance(raw, str):
        try:
            raw = datetime.date.fromisoformat(raw)
        except ValueError:
            errors["valid_until"] = [_("Enter a date as YYYY-MM-DD.")]
            return None
    if not isinstance(raw, datetime.date) or isinstance(raw, datetime.datetime):
        errors["valid_until"] = [_("Enter a date as YYYY-MM-DD.")]
        return None
    today = company_today()
    if raw < today:
        errors["valid_until"] = [_("The validity date may not be in the past.")]
    elif raw > today + datetime.timedelta(days=MAX_VALIDITY_DAYS):
        errors["valid_until"] = [_("A quote may be valid for at most a year.")]
    return raw


def create_quote(
    *,
    actor: User,
    customer: Customer,
    warehouse: Warehouse,
    lines: list[dict[str, Any]],
    owner: User | None = None,
    discount_percent=0,
    valid_until: datetime.date | str | None = None,
) -> Quote:
    """Create a draft quote for a customer the actor may see (and that is active), lines priced from the price
    list on today's date, valid until `valid_until` (default: 30 days from today; never in the past); the owner
    defaults to the actor. The same checks as `create_order`. Records `quote.created`."""
    check_may_sell(actor)
    errors: dict[str, list[str]] = {}
    return create_document(
        Quote,
        new_number=next_quote_number,
        event="quote.created",
        actor=actor,
        customer=customer,
        warehouse=warehouse,
        lines=lines,
        owner=owner,
        discount_percent=discount_percent,
        errors=errors,
        valid_until=clean_valid_until(valid_until, errors),
    )


def lock(quote: Quote) -> Quote:
    return Quote.objects.select_for_update(of=("self",)).select_related("customer", "warehouse").get(pk=quote.pk)


def update_quote(quote: Quote, *, actor: User, changes: dict[str, Any]) -> Quote:
    """Change a draft's warehouse, discount, validity or lines (replaced and re-priced as of today); a sent quote
    is what the customer holds, so it no longer changes. Records `quote.updated`."""
    check_may_sell(actor)
    refuse_unknown_fields(changes, EDITABLE_FIELDS)
    with transaction.atomic():
        locked = lock(quote)
        if locked.status != QuoteStatus.DRAFT:
            raise ValidationError({"status": [_("Only draft quotes can be changed.")]})
        errors: dict[str, list[str]] = {}
        before = snapshot(locked)
        if "valid_until" in changes:
            locked.valid_until = clean_valid_until(changes["valid_until"], errors) or locked.valid_until
        lines = apply_draft_changes(locked, changes, errors)
        if errors:
            raise ValidationError(errors)
        save_draft_changes(locked, before, lines, changes, event="quote.updated", actor=actor)
    return locked


def check_still_valid(quote: Quote) -> None:
    if quote.valid_until < company_today():
        raise ValidationError(
            {
                "valid_until": [
                    _("The quote was valid until %(date)s.") % {"date": date_format(quote.valid_until, "Y-m-d")}
                ]
            }
        )


def quote_fingerprint(quote: Quote) -> str:
    """What an approval of a quote is about: the order's content (see `document_fingerprint`) and its validity."""
    return document_fingerprint(quote, quote.valid_until.isoformat())


def approval_stands(quote: Quote) -> bool:
    """Whether the policy approved exactly the quote's present content (at once or through a chain)."""
    return bool(quote.approved_fingerprint) and quote.approved_fingerprint == quote_fingerprint(quote)


def send_quote(quote: Quote, *, actor: User, comment: str = "") -> Quote:
    """Send a draft to the customer through the quote approval policy, the actor as submitter: when no rule asks
    for approval it is sent at once; when a rule routes it, it waits (pending_approval) for its approvers, with
    the rules' reasons; when a rule rejects it, it stays a draft with the rule's message. Refused once the
    validity date has passed. Returns the quote."""
    check_may_sell(actor)
    comment = clean_comment(comment, required=False)
    with events.atomic():
        locked = lock(quote)
        if locked.status != QuoteStatus.DRAFT:
            raise ValidationError({"status": [_("Only draft quotes can be sent.")]})
        check_still_valid(locked)
        locked.submitted_by, locked.submitted_at = actor, clock.now()
        locked.approval_reasons, locked.decision_comment = [], ""
        started = approvals.start_approval(locked, submitter=actor, actor=actor)
        if started.outcome == "approve":
            return mark_sent(locked, quote_fingerprint(locked), actor=actor, reason=comment)
        if started.outcome == "reject":
            locked.decision_comment = started.message[:1000]
            locked.save(
                update_fields=["submitted_by", "submitted_at", "approval_reasons", "decision_comment", "updated_at"]
            )
            record_event(
                "quote.approval_rejected", locked, actor=actor, after={"decision_comment": locked.decision_comment}
            )
            return locked
        locked.approval_reasons = list(started.reasons)
        return quote_transition(
            locked,
            QuoteStatus.PENDING_APPROVAL,
            actor=actor,
            reason=comment,
            also={
                "submitted_by": actor,
                "submitted_at": locked.submitted_at,
                "approval_reasons": locked.approval_reasons,
                "decision_comment": "",
            },
            data={"approval_request": started.request.pk},
        )


def mark_sent(quote: Quote, fingerprint: str, *, actor, reason: str = "", comment: str = "") -> Quote:
    also = {
        "approved_fingerprint": fingerprint,
        "submitted_by": quote.submitted_by,
        "submitted_at": quote.submitted_at,
        "approval_reasons": quote.approval_reasons,
        "decision_comment": comment[:1000],
    }
    return quote_transition(quote, QuoteStatus.SENT, actor=actor, reason=reason, also=also)


def send_approved(quote: Quote, request, actor) -> Quote:
    """Called by the approvals engine (inside its transaction, the quote locked, its content checked against the
    approval's) when the quote's chain is complete: the quote is sent, the approved content recorded."""
    last = request.tasks.filter(status="approved").order_by("-decided_at", "-pk").first()
    return mark_sent(quote, request.fingerprint, actor=actor, comment=last.comment if last else "")


def back_to_draft(quote: Quote, actor, comment: str, outcome: str) -> Quote:
    return quote_transition(
        quote,
        QuoteStatus.DRAFT,
        actor=actor,
        reason=comment,
        also={"approval_reasons": [], "decision_comment": comment[:1000], "approved_fingerprint": ""},
        data={"approval": outcome},
    )


def return_rejected(quote: Quote, request, actor, comment: str) -> Quote:
    """Called by the approvals engine when an approver rejects the quote (驳回): it is a draft again, with the
    approver's comment, to be changed (or cancelled) and sent anew; the customer never got it."""
    return back_to_draft(quote, actor, comment, "rejected")


def return_quote_to_draft(quote: Quote, request, actor, comment: str) -> Quote:
    """Called by the approvals engine when an approver sends the quote back (退回) or its submitter withdraws it
    (撤回): a draft again, with the comment, to edit and send anew (a new approval)."""
    return back_to_draft(quote, actor, comment, request.status)


def close_quote(quote: Quote, to: str, *, actor: User, comment: str = "") -> Quote:
    check_may_sell(actor)
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        locked = lock(quote)
        if to == QuoteStatus.CANCELLED and locked.status == QuoteStatus.PENDING_APPROVAL:
            cancel_approval(locked, actor=actor, reason=_("The quote was cancelled."))
        return quote_transition(locked, to, actor=actor, reason=comment)


def cancel_approval(quote: Quote, *, actor, reason: str) -> None:
    """A quote waiting for approval is cancelled or expires: its request ends (cancelled), nobody decides it."""
    approvals.cancel_open_requests(QUOTE_SUBJECT, quote.pk, actor=actor, reason=reason)


def decline_quote(quote: Quote, *, actor: User, comment: str = "") -> Quote:
    """The customer turned a sent quote down; `comment` says why (recorded on `quote.declined`)."""
    return close_quote(quote, QuoteStatus.DECLINED, actor=actor, comment=comment)


def cancel_quote(quote: Quote, *, actor: User, comment: str = "") -> Quote:
    """Withdraw a draft, waiting or sent quote (a pending approval request is cancelled)."""
    return close_quote(quote, QuoteStatus.CANCELLED, actor=actor, comment=comment)


def convert_quote_to_order(quote: Quote, *, actor: User, comment: str = "") -> SalesOrder:
    """The customer accepted: create a draft order (through `create_order`, with all its checks) with the quote's
    owner, warehouse, discount and lines at the quoted unit prices, mark the quote accepted and link the order.

    Only draft or sent quotes still within their validity date convert, and only with the quote policy's consent
    for their present content (`check_approved`). Idempotent: the quote row is locked, so concurrent conversions
    queue, and a converted quote answers with its order (the unique `converted_order` guards the same in the
    database)."""
    check_may_sell(actor)
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        locked = lock(quote)
        if locked.converted_order_id is not None:
            return locked.converted_order
        if locked.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
            raise ValidationError({"status": [_("Only draft or sent quotes can be converted into an order.")]})
        check_still_valid(locked)
        check_approved(locked, actor=actor)
        lines = list(locked.lines.select_related("product").order_by("position"))
        order = create_order(
            actor=actor,
            customer=locked.customer,
            warehouse=locked.warehouse,
            owner=locked.owner,
            discount_percent=locked.discount_percent,
            lines=[
                {"product": line.product, "quantity": line.quantity, "discount_percent": line.discount_percent}
                for line in lines
            ],
            quoted_prices=[line.unit_price for line in lines],
        )
        quote_transition(locked, QuoteStatus.ACCEPTED, actor=actor, reason=comment, converted_order=order)
    return order


def check_approved(quote: Quote, *, actor: User) -> None:
    """A quote becomes an order only with the policy's consent for what it says now: a sent quote whose approved
    content is unchanged converts; otherwise (a draft accepted on the spot, a quote sent before the engine, or
    content changed around the actions) the policy is asked now with the actor as submitter, and the conversion is
    refused (nothing changes) unless it approves at once."""
    if quote.status == QuoteStatus.SENT and approval_stands(quote):
        return
    started = approvals.start_approval(quote, submitter=actor, actor=actor)
    if started.outcome == "reject":
        raise ValidationError({"status": [started.message or _("The quote policy rejects this quote.")]})
    if started.outcome != "approve":
        # The request the policy started is rolled back with this error: the quote stays as it was.
        raise ValidationError(
            {"status": [_("This quote needs approval before it becomes an order: send it for approval first.")]}
        )


def expire_quotes(*, today: datetime.date) -> int:
    """Mark every draft, waiting or sent quote whose validity ended before `today` expired (`quote.expired`, actor
    "system"; a pending approval request is cancelled), one transaction per quote so a conversion in progress is
    never blocked for long; safe to run again. Returns how many quotes expired."""
    due = Quote.objects.filter(status__in=OPEN_QUOTE_STATUSES, valid_until__lt=today)
    expired = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = due.select_for_update(of=("self",)).filter(pk=pk).first()
            if locked is not None:  # converted or cancelled meanwhile
                if locked.status == QuoteStatus.PENDING_APPROVAL:
                    cancel_approval(locked, actor=None, reason=_("The quote expired."))
                quote_transition(locked, QuoteStatus.EXPIRED, actor=None)
                expired += 1
    return expired
