"""Writes for quotes. Each action is one transaction: validate, lock the quote row, change, record events.

Quotes are validated and priced like orders (the helpers of `orders/actions.py`), number QT-YYYY-NNNNNN, and
change status only through `quote_transition`. A customer's acceptance turns a quote into one draft order at the
quoted prices, through `create_order`; after that the order follows the order pipeline (credit, approval gate,
stock) like any other.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.catalog.pricing import company_today, discount_limit_for
from salesops.core.actions import refuse_unknown_fields
from salesops.core.events import snapshot
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
from salesops.orders.discounts import discount_problems
from salesops.orders.models import OPEN_QUOTE_STATUSES, Quote, QuoteStatus, SalesOrder, quote_transition

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


def send_quote(quote: Quote, *, actor: User, comment: str = "") -> Quote:
    """Mark a draft as sent to the customer. Its line and quote discounts must be within the sender's discount
    limit (the limit that decides approval on orders), so a customer never holds a discount nobody allowed; a
    manager may send a rep's quote with their own, higher limit. Refused once the validity date has passed."""
    check_may_sell(actor)
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        locked = lock(quote)
        if locked.status != QuoteStatus.DRAFT:
            raise ValidationError({"status": [_("Only draft quotes can be sent.")]})
        check_still_valid(locked)
        lines = locked.lines.select_related("product").order_by("position")
        problems = discount_problems(lines, locked.discount_percent, discount_limit_for(actor))
        if problems:
            raise ValidationError({field: [message] for field, message in problems.items()})
        return quote_transition(locked, QuoteStatus.SENT, actor=actor, reason=comment)


def close_quote(quote: Quote, to: str, *, actor: User, comment: str = "") -> Quote:
    check_may_sell(actor)
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        return quote_transition(lock(quote), to, actor=actor, reason=comment)


def decline_quote(quote: Quote, *, actor: User, comment: str = "") -> Quote:
    """The customer turned a sent quote down; `comment` says why (recorded on `quote.declined`)."""
    return close_quote(quote, QuoteStatus.DECLINED, actor=actor, comment=comment)


def cancel_quote(quote: Quote, *, actor: User, comment: str = "") -> Quote:
    """Withdraw a draft or sent quote."""
    return close_quote(quote, QuoteStatus.CANCELLED, actor=actor, comment=comment)


def convert_quote_to_order(quote: Quote, *, actor: User, comment: str = "") -> SalesOrder:
    """The customer accepted: create a draft order (through `create_order`, with all its checks) with the quote's
    owner, warehouse, discount and lines at the quoted unit prices, mark the quote accepted and link the order.

    Only draft or sent quotes still within their validity date convert. Idempotent: the quote row is locked, so
    concurrent conversions queue, and a converted quote answers with its order (the unique `converted_order`
    guards the same in the database)."""
    check_may_sell(actor)
    comment = clean_comment(comment, required=False)
    with transaction.atomic():
        locked = lock(quote)
        if locked.converted_order_id is not None:
            return locked.converted_order
        if locked.status not in OPEN_QUOTE_STATUSES:
            raise ValidationError({"status": [_("Only draft or sent quotes can be converted into an order.")]})
        check_still_valid(locked)
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


def expire_quotes(*, today: datetime.date) -> int:
    """Mark every draft or sent quote whose validity ended before `today` expired (`quote.expired`, actor
    "system"), one transaction per quote so a conversion in progress is never blocked for long; safe to run again.
    Returns how many quotes expired."""
    due = Quote.objects.filter(status__in=OPEN_QUOTE_STATUSES, valid_until__lt=today)
    expired = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = due.select_for_update(of=("self",)).filter(pk=pk).first()
            if locked is not None:  # converted or cancelled meanwhile
                quote_transition(locked, QuoteStatus.EXPIRED, actor=None)
                expired += 1
    return expired
