"""Sales orders and quotes as approval subjects: what a policy's conditions can read about them, and what happens
to the document when its approval ends (see approvals/subjects.py; the shared context is in approval_context.py).

Conditions read `order` or `quote` (amounts, discounts, payment term, warehouse, lines; a quote also its
`valid_until`), `customer` (incl. its custom fields as `customer.custom.<name>`) and `submitter` (role, discount
limit, office and region codes).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesops.approvals.default_policies import ORDER_POLICY, QUOTE_POLICY
from salesops.approvals.subjects import SubjectType, Summary, register_subject
from salesops.core.rules import types as t
from salesops.orders import actions as order_actions
from salesops.orders import quote_actions
from salesops.orders.approval_context import (
    ContextBuilder,
    document_fingerprint,
    document_history,
    document_lines,
    document_schema,
)
from salesops.orders.models import OrderLine, Quote, QuoteLine, SalesOrder
from salesops.orders.queries import ORDER_SUBJECT, QUOTE_SUBJECT

ALL_ROOTS = frozenset({"order", "customer", "submitter"})
QUOTE_ROOTS = frozenset({"quote", "customer", "submitter"})


# --- sales orders ---------------------------------------------------------------------------------------------


def order_schema() -> t.Record:
    return document_schema("order")


def order_context(order: SalesOrder, submitter, roots=ALL_ROOTS) -> dict:
    """The context of one order as live routing reads it now (the sections in `roots`; its lines from the
    order's prefetch cache when the caller loaded them)."""
    return ContextBuilder().context("order", order, document_lines(order), submitter, roots)


def fingerprint(order: SalesOrder) -> str:
    """See `document_fingerprint`: customer, terms, warehouse, discount, total and every line."""
    return document_fingerprint(order)


def document_summary(document, url_name: str, third: tuple[str, str]) -> Summary:
    """An order's or a quote's summary: number, customer and total, with its customer, `third` (label, value)
    and discount as the inbox lines."""
    label, value = third
    return Summary(
        title=f"{document.number} · {document.customer.name}",
        amount=document.total,
        url=reverse(url_name, args=[document.pk]),
        region_id=document.region_id,
        lines=[
            {"label": "customer", "value": document.customer.name},
            {"label": label, "value": value},
            {"label": "discount_percent", "value": str(document.discount_percent)},
        ],
    )


def summary(order: SalesOrder) -> Summary:
    return document_summary(order, "orders:detail", ("payment_term", order.get_payment_term_display()))


def locker(model):
    """The subject's `lock`: the document locked for update, with what its summary and context read."""

    def lock(pk: int):
        return (
            model.objects.select_for_update(of=("self",))
            .select_related("customer", "warehouse", "owner", "office", "region")
            .get(pk=pk)
        )

    return lock


def history(start, end, *, chunk: int = 2000):
    """Orders submitted in [start, end) with the context live routing builds, oldest first (see
    `document_history`)."""
    orders = SalesOrder.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end, submitted_by__isnull=False
    ).order_by("submitted_at", "pk")
    return document_history("order", orders, OrderLine, "order", chunk=chunk)


register_subject(
    SubjectType(
        key=ORDER_SUBJECT,
        label=SalesOrder._meta.verbose_name,
        model=SalesOrder,
        schema=order_schema,
        context=order_context,
        fingerprint=fingerprint,
        summary=summary,
        lock=locker(SalesOrder),
        on_approved=order_actions.confirm_approved,
        on_rejected=order_actions.reject_rejected,
        on_returned=order_actions.return_to_draft,
        history=history,
        default_policy=ORDER_POLICY,
        default_policy_name=_("Sales order approval"),
    )
)


# --- quotes ---------------------------------------------------------------------------------------------------


def quote_schema() -> t.Record:
    return document_schema("quote", valid_until=t.DATE)


def quote_context(quote: Quote, submitter, roots=QUOTE_ROOTS) -> dict:
    """The context of one quote as live routing reads it now."""
    lines = document_lines(quote)
    return ContextBuilder().context("quote", quote, lines, submitter, roots, valid_until=quote.valid_until)


def quote_summary(quote: Quote) -> Summary:
    return document_summary(quote, "orders:quote_detail", ("valid_until", quote.valid_until.isoformat()))


def quote_history(start, end, *, chunk: int = 2000):
    """Quotes sent through the policy in [start, end) (their last submission), as live routing read them."""
    quotes = Quote.objects.filter(submitted_at__gte=start, submitted_at__lt=end, submitted_by__isnull=False).order_by(
        "submitted_at", "pk"
    )
    return document_history("quote", quotes, QuoteLine, "quote", extra_fields={"valid_until": "valid_until"})


register_subject(
    SubjectType(
        key=QUOTE_SUBJECT,
        label=Quote._meta.verbose_name,
        model=Quote,
        schema=quote_schema,
        context=quote_context,
        fingerprint=quote_actions.quote_fingerprint,
        summary=quote_summary,
        lock=locker(Quote),
        on_approved=quote_actions.send_approved,
        on_rejected=quote_actions.return_rejected,
        on_returned=quote_actions.return_quote_to_draft,
        history=quote_history,
        default_policy=QUOTE_POLICY,
        default_policy_name=_("Quote approval"),
    )
)
