"""Discount limits: which discounts of a document are above what a role may give.

Quotes refuse to be sent with such discounts; orders route them to approval through the approval policy
(`approvals`), whose default version reads the same limit as `submitter.discount_limit`.
"""

from django.utils.translation import gettext as _


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
