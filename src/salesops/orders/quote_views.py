"""Quote pages: list (filters, CSV), new quote and draft editing (the order form, with a validity date), detail
with actions, PDF and timeline. Made for a rep at a customer's site: everything works on a phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.approvals.views import approval_panel
from salesops.core.exports import EXPORT_FORMATS
from salesops.core.money_words import amount_in_words
from salesops.core.pages import filters_from_request, list_query_string
from salesops.core.querying import InvalidParameter
from salesops.core.scoping import get_for_user
from salesops.core.timeline import timeline_entries
from salesops.orders import quote_actions
from salesops.orders.filters import filter_quotes
from salesops.orders.forms import QuoteForm, add_action_errors, line_formset
from salesops.orders.models import QUOTE_TRANSITIONS, Quote, QuoteStatus
from salesops.orders.queries import available_stock, may_sell, visible_quotes
from salesops.orders.quote_exports import quotes_export
from salesops.orders.quote_pdf import quote_pdf_response
from salesops.orders.quote_schemas import QuoteFilters
from salesops.orders.views import PAGE_SIZE, require_seller

# Actions in the order the buttons show; convert answers with the new order.
ACTIONS = {
    "send": quote_actions.send_quote,
    "convert": quote_actions.convert_quote_to_order,
    "decline": quote_actions.decline_quote,
    "cancel": quote_actions.cancel_quote,
}
TARGETS = {
    "send": QuoteStatus.SENT,
    "convert": QuoteStatus.ACCEPTED,
    "decline": QuoteStatus.DECLINED,
    "cancel": QuoteStatus.CANCELLED,
}


def scoped_quote(request, quote_id: int) -> Quote:
    return get_for_user(visible_quotes(request.user), request.user, pk=quote_id)


@login_required
def quote_list(request):
    filters = filters_from_request(request, QuoteFilters)
    try:
        quotes = filter_quotes(visible_quotes(request.user), filters)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        quotes = filter_quotes(visible_quotes(request.user), QuoteFilters())
    if request.GET.get("format") in EXPORT_FORMATS:
        return quotes_export(quotes, request.GET["format"])
    context = {
        "page": Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "statuses": QuoteStatus.choices,
        "can_sell": may_sell(request.user),
        "query_string": list_query_string(request),
    }
    template = "orders/quote_list.html#results" if request.htmx else "orders/quote_list.html"
    return render(request, template, context)


def form_page(request, form, formset, *, title: str, quote: Quote | None = None):
    context = {
        "form": form,
        "formset": formset,
        "title": title,
        "quote": quote,
        "cancel_url": reverse("orders:quote_detail", args=[quote.pk]) if quote else reverse("orders:quote_list"),
        "line_hint": _(
            "Unit prices come from the customer's price list when the quote is saved and hold while it is valid."
        ),
    }
    return render(request, "orders/form.html", context)


@login_required
def quote_create(request):
    require_seller(request)
    initial = {"valid_until": quote_actions.default_valid_until()}
    form = QuoteForm(request.POST or None, user=request.user, initial=initial)
    formset = line_formset(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            quote = quote_actions.create_quote(
                actor=request.user,
                customer=data["customer"],
                warehouse=data["warehouse"],
                discount_percent=data["discount_percent"],
                valid_until=data["valid_until"],
                lines=formset.action_lines(),
            )
        except ValidationError as exc:
            add_action_errors(form, formset, exc)
        else:
            messages.success(request, _("Quote %(number)s saved as a draft.") % {"number": quote.number})
            return redirect("orders:quote_detail", quote_id=quote.pk)
    return form_page(request, form, formset, title=_("New quote"))


@login_required
def quote_edit(request, quote_id: int):
    quote = scoped_quote(request, quote_id)
    require_seller(request)
    if quote.status != QuoteStatus.DRAFT:
        messages.error(request, _("Only draft quotes can be changed."))
        return redirect("orders:quote_detail", quote_id=quote.pk)
    form = QuoteForm(
        request.POST or None,
        user=request.user,
        editing=True,
        initial={
            "warehouse": quote.warehouse_id,
            "discount_percent": quote.discount_percent,
            "valid_until": quote.valid_until,
        },
    )
    formset = line_formset(request, quote)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        changes = {field: data[field] for field in ("warehouse", "discount_percent", "valid_until")}
        try:
            quote_actions.update_quote(quote, actor=request.user, changes={**changes, "lines": formset.action_lines()})
        except ValidationError as exc:
            add_action_errors(form, formset, exc)
        else:
            messages.success(request, _("Quote saved."))
            return redirect("orders:quote_detail", quote_id=quote.pk)
    return form_page(request, form, formset, title=quote.number, quote=quote)


def available_actions(user, quote: Quote) -> list[str]:
    if not may_sell(user):
        return []
    targets = QUOTE_TRANSITIONS.get(quote.status, frozenset())
    # A waiting quote is sent by its approval, not by a button.
    sendable = quote.status == QuoteStatus.DRAFT
    return [action for action, target in TARGETS.items() if target in targets and (action != "send" or sendable)]


@login_required
def quote_detail(request, quote_id: int):
    quote = scoped_quote(request, quote_id)
    lines = list(quote.lines.select_related("product"))
    available = available_stock(request.user, quote.warehouse_id, [line.product_id for line in lines])
    rows = [(line, available.get(line.product_id, 0)) for line in lines]
    context = {
        "quote": quote,
        "rows": rows,
        "total_in_words": amount_in_words(quote.total),
        "actions": available_actions(request.user, quote),
        "can_edit": may_sell(request.user) and quote.status == QuoteStatus.DRAFT,
        "timeline": timeline_entries(quote),
        "approval": approval_panel(quote, request.user),
    }
    return render(request, "orders/quote_detail.html", context)


@login_required
def quote_pdf(request, quote_id: int):
    return quote_pdf_response(scoped_quote(request, quote_id), request)


@login_required
@require_POST
def quote_action(request, quote_id: int, action: str):
    quote = scoped_quote(request, quote_id)
    if action not in ACTIONS:
        raise Http404("unknown action")
    try:
        result = ACTIONS[action](quote, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("orders:quote_detail", quote_id=quote.pk)
    if action == "convert":
        messages.success(
            request, _("Quote %(quote)s became order %(order)s.") % {"quote": quote.number, "order": result.number}
        )
        return redirect("orders:detail", order_id=result.pk)
    messages.success(
        request,
        _("Quote %(number)s is now %(status)s.") % {"number": result.number, "status": result.get_status_display()},
    )
    return redirect("orders:quote_detail", quote_id=quote.pk)
