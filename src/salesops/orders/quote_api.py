"""/api/v1/quotes: parse, authorise, call an action, return. Reads like orders: the same scoping rule, filters,
ordering, pagination and export."""

from functools import partial

from django.http import HttpRequest
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.core.api.actions import action_endpoint
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.exports import export_format
from salesops.core.scoping import get_for_user
from salesops.customers.models import Customer
from salesops.inventory.models import Warehouse
from salesops.orders import quote_actions
from salesops.orders.api import lines_of, owner_of, visible
from salesops.orders.filters import filter_quotes
from salesops.orders.models import Quote
from salesops.orders.queries import visible_quotes
from salesops.orders.quote_exports import quotes_export
from salesops.orders.quote_pdf import quote_pdf_response
from salesops.orders.quote_schemas import QuoteFilters, QuoteIn, QuoteOut, QuotePatch
from salesops.orders.schemas import CommentIn

router = Router(tags=["quotes"])


def get_quote(request: HttpRequest, quote_id: int) -> Quote:
    return get_for_user(visible_quotes(request.user), request.user, pk=quote_id)


def quote_out(quote: Quote) -> QuoteOut:
    fresh = (
        Quote.objects.select_related("customer", "owner", "office", "region", "warehouse", "converted_order")
        .prefetch_related("lines__product")
        .get(pk=quote.pk)
    )
    return QuoteOut.from_orm(fresh)


@router.get("/quotes", response={200: Page[QuoteOut], **READ_ERRORS}, summary="List quotes")
def list_quotes(request: HttpRequest, filters: Query[QuoteFilters]):
    """Quotes the caller may see; filters by status, customer, region, owner, creation and validity dates."""
    require_scope(request, "quotes:read")
    quotes = filter_quotes(visible_quotes(request.user).prefetch_related("lines__product"), filters)
    return paginate(quotes, filters)


@export_routes(router, "/quotes/export", summary="Export quotes")
def export_quotes(request: HttpRequest, filters: Query[QuoteFilters]):
    """The same filters and ordering as the list, all pages."""
    require_scope(request, "quotes:read")
    return quotes_export(filter_quotes(visible_quotes(request.user), filters), export_format(request))


@router.post(
    "/quotes", response={201: QuoteOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Create a draft quote"
)
@idempotent
def create_quote(request: HttpRequest, payload: QuoteIn):
    """A draft for one of the caller's customers; unit prices come from the price list on today's date."""
    require_scope(request, "quotes:write")
    quote = quote_actions.create_quote(
        actor=request.user,
        customer=visible(request, Customer, payload.customer_id),
        warehouse=visible(request, Warehouse, payload.warehouse_id),
        owner=owner_of(payload.owner_id),
        discount_percent=payload.discount_percent,
        valid_until=payload.valid_until,
        lines=lines_of(request, payload.lines),
    )
    return Status(201, quote_out(quote))


# Declared after /quotes/export.csv and .xlsx, so those paths are not taken for a quote id.
@router.get("/quotes/{quote_id}", response={200: QuoteOut, **READ_ERRORS}, summary="Read a quote")
def read_quote(request: HttpRequest, quote_id: int):
    require_scope(request, "quotes:read")
    return quote_out(get_quote(request, quote_id))


@router.patch("/quotes/{quote_id}", response={200: QuoteOut, **WRITE_ERRORS}, summary="Change a draft quote")
def update_quote(request: HttpRequest, quote_id: int, payload: QuotePatch):
    """Drafts only: warehouse, discount, validity date, or all lines (replaced and re-priced)."""
    require_scope(request, "quotes:write")
    quote = get_quote(request, quote_id)
    sent = payload.dict(exclude_unset=True)
    changes = {}
    if "warehouse_id" in sent:
        changes["warehouse"] = visible(request, Warehouse, sent["warehouse_id"])
    for field in ("discount_percent", "valid_until"):
        if field in sent:
            changes[field] = sent[field]
    if "lines" in sent:
        changes["lines"] = lines_of(request, payload.lines or [])
    return quote_out(quote_actions.update_quote(quote, actor=request.user, changes=changes))


@router.get("/quotes/{quote_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="A quote's timeline")
def quote_events(request: HttpRequest, quote_id: int):
    require_scope(request, "quotes:read")
    return event_list(get_quote(request, quote_id))


@router.get("/quotes/{quote_id}/pdf", response={200: None, **READ_ERRORS}, summary="The quote as a PDF")
def quote_pdf(request: HttpRequest, quote_id: int):
    """The printable quote (报价单, A4, Simplified Chinese) with the total in capital numerals."""
    require_scope(request, "quotes:read")
    return quote_pdf_response(get_quote(request, quote_id), request)


# POST /quotes/{quote_id}/<verb>: the quote within the caller's scope, the action with the comment, the quote.
quote_action = partial(
    action_endpoint,
    router,
    "/quotes/{quote_id}",
    load=get_quote,
    answer=quote_out,
    response=QuoteOut,
    body=CommentIn,
    scopes=["quotes:write"],
)
quote_action(
    "send",
    summary="Send a draft quote through its approval policy",
    description="The quote policy routes it (the caller is the submitter): sent at once when nothing needs approval, "
    "`pending_approval` while approvers decide (it becomes `sent` when approved, `draft` again with the comment when "
    "rejected, sent back or withdrawn), a draft with the rule's message in `decision_comment` when a rule rejects "
    "it. Refused (422) past its validity date.",
    call=quote_actions.send_quote,
)
quote_action(
    "decline",
    summary="Record that the customer declined",
    description="Sent quotes only.",
    call=quote_actions.decline_quote,
)
quote_action(
    "cancel",
    summary="Cancel a quote",
    description="Draft, waiting (its approval request is cancelled) or sent quotes.",
    call=quote_actions.cancel_quote,
)
quote_action(
    "convert",
    summary="Convert an accepted quote into a draft order",
    description="Draft or sent quotes within their validity date: creates one draft order at the quoted prices, "
    "marks the quote accepted and links the order (`converted_order`). A sent quote converts when its approved "
    "content is unchanged; otherwise (a draft, or content changed) the quote policy is asked now and anything but "
    "an approval at once is refused (422, nothing changes). Converting again answers with the same order. Needs "
    "`orders:write` as well.",
    call=quote_actions.convert_quote_to_order,
    scopes=["quotes:write", "orders:write"],
)
