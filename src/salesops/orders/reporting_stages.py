"""The order-to-cash stages of the process dashboard (see reporting/stages.py): which events enter and leave each
stage, its default target time, and how to read the dimensions of orders and quotes in bulk."""

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesops.orders.models import OrderLine, Quote, QuoteLine, SalesOrder
from salesops.reporting.stages import Dimensions, register_dimensions, register_stage

ORDER = "orders.salesorder"
QUOTE = "orders.quote"
# Leaving the process altogether ends whatever stage the order was in.
ENDED = {"order.cancelled", "order.rejected"}


def order_url(pk: int) -> str:
    return reverse("orders:detail", args=[pk])


def quote_url(pk: int) -> str:
    return reverse("orders:quote_detail", args=[pk])


register_stage(
    "quote",
    _("quote"),
    subject_type=QUOTE,
    enter={"quote.created"},
    leave={"quote.accepted", "quote.declined", "quote.expired", "quote.cancelled"},
    target_hours=7 * 24,
    order=10,
    document_url=quote_url,
)
register_stage(
    "submission",
    _("submission"),
    subject_type=ORDER,
    enter={"order.created", "order.draft"},
    leave={"order.submitted"} | ENDED,
    target_hours=24,
    order=20,
    document_url=order_url,
)
register_stage(
    "credit_review",
    _("credit review"),
    subject_type=ORDER,
    enter={"order.on_hold"},
    leave={"order.submitted", "order.confirmed"} | ENDED,
    target_hours=8,
    order=30,
    document_url=order_url,
)
register_stage(
    "approval",
    _("approval"),
    subject_type=ORDER,
    enter={"order.approval_requested"},
    leave={"order.confirmed", "order.draft", "order.on_hold"} | ENDED,
    target_hours=4,
    order=40,
    document_url=order_url,
)
register_stage(
    "confirmation",
    _("confirmation"),
    subject_type=ORDER,
    enter={"order.submitted"},
    leave={"order.confirmed", "order.draft"} | ENDED,
    target_hours=24,
    order=50,
    document_url=order_url,
)
register_stage(
    "shipment",
    _("shipment"),
    subject_type=ORDER,
    enter={"order.confirmed"},
    leave={"order.shipped", "order.on_hold", "order.cancelled"},
    target_hours=72,
    order=60,
    document_url=order_url,
)
register_stage(
    "invoicing",
    _("invoicing"),
    subject_type=ORDER,
    enter={"order.shipped"},
    leave={"order.invoiced"},
    target_hours=48,
    order=70,
    document_url=order_url,
)
register_stage(
    "payment",
    _("payment"),
    subject_type=ORDER,
    enter={"order.invoiced"},
    leave={"order.paid"},
    target_hours=45 * 24,
    order=80,
    document_url=order_url,
)


def document_dimensions(model, line_model, parent: str, ids: Iterable[int]) -> dict[int, Dimensions]:
    """Region, office, owner, customer group and product lines of orders or quotes: two queries."""
    ids = list(ids)
    lines: dict[int, set[int]] = defaultdict(set)
    for document_id, line_id in line_model.objects.filter(**{f"{parent}_id__in": ids}).values_list(
        f"{parent}_id", "product__line_id"
    ):
        lines[document_id].add(line_id)
    rows = model.objects.filter(pk__in=ids).values_list(
        "pk", "number", "region_id", "office_id", "owner_id", "customer__group_id"
    )
    return {
        pk: Dimensions(region, office, owner, group, tuple(sorted(lines[pk])), number)
        for pk, number, region, office, owner, group in rows
    }


register_dimensions(ORDER, lambda ids: document_dimensions(SalesOrder, OrderLine, "order", ids))
register_dimensions(QUOTE, lambda ids: document_dimensions(Quote, QuoteLine, "quote", ids))
