"""The approval gate: the one function that decides whether an order needs approval, and why.

The approvals engine (a later issue) will own this seam; until then the rule is: a line (or the order-level)
discount above what the submitter's role may give, or a total above the policy's threshold.
"""

from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.catalog.pricing import discount_limit_for
from salesops.orders.models import OrderPolicy, SalesOrder


def approval_reasons(order: SalesOrder, submitter: User) -> list[str]:
    """Why `order` needs approval when `submitter` submits it; an empty list means it does not."""
    reasons = []
    limit = discount_limit_for(submitter)
    for line in order.lines.select_related("product").order_by("position"):
        if line.discount_percent > limit:
            reasons.append(
                _("Line %(position)s (%(sku)s): discount %(discount)s%% is above your limit of %(limit)s%%.")
                % {
                    "position": line.position,
                    "sku": line.product.sku,
                    "discount": line.discount_percent,
                    "limit": limit,
                }
            )
    if order.discount_percent > limit:
        reasons.append(
            _("Order discount %(discount)s%% is above your limit of %(limit)s%%.")
            % {"discount": order.discount_percent, "limit": limit}
        )
    threshold = OrderPolicy.current().approval_threshold
    if order.total > threshold:
        reasons.append(
            _("Total %(total)s CNY is above the approval threshold of %(threshold)s CNY.")
            % {"total": order.total, "threshold": threshold}
        )
    return reasons
