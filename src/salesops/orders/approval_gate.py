"""The approval gate: the one function that decides whether an order needs approval, and why.

The approvals engine (a later issue) will own this seam; until then the rule is: a line (or the order-level)
discount above what the submitter's role may give, or a total above the policy's threshold.
"""

from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.catalog.pricing import discount_limit_for
from salesops.orders.models import OrderLine, OrderPolicy, SalesOrder


def discount_problems(lines, document_discount, limit) -> dict[str, str]:
    """Discounts above `limit` (percent): `lines.<n>.discount_percent` for each line (by position) and
    `discount_percent` for the document's own discount, each with why. Orders and quotes share this rule."""
    problems = {}
    for index, line in enumerate(lines):
        if line.discount_percent > limit:
            problems[f"lines.{index}.discount_percent"] = _(
                "Line %(position)s (%(sku)s): discount %(discount)s%% is above your limit of %(limit)s%%."
            ) % {
                "position": line.position,
                "sku": line.product.sku,
                "discount": line.discount_percent,
                "limit": limit,
            }
    if document_discount > limit:
        problems["discount_percent"] = _("Order discount %(discount)s%% is above your limit of %(limit)s%%.") % {
            "discount": document_discount,
            "limit": limit,
        }
    return problems


def approval_reasons(order: SalesOrder, submitter: User, *, lines: list[OrderLine] | None = None) -> list[str]:
    """Why `order` needs approval when `submitter` submits it; an empty list means it does not. `lines` are the
    order's lines (with their products, in position order) when the caller has read them already."""
    if lines is None:
        lines = order.lines.select_related("product").order_by("position")
    reasons = list(discount_problems(lines, order.discount_percent, discount_limit_for(submitter)).values())
    threshold = OrderPolicy.current().approval_threshold
    if order.total > threshold:
        reasons.append(
            _("Total %(total)s CNY is above the approval threshold of %(threshold)s CNY.")
            % {"total": order.total, "threshold": threshold}
        )
    return reasons
