"""The approval gate: the one function that decides whether an order needs approval, and why.

The approvals engine (a later issue) will own this seam; until then the rule is: a line (or the order-level)
discount above what the submitter's role may give, or a total above the policy's threshold.
"""

from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.catalog.models import DiscountLimit
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


def column_value(model, name: str, value) -> Decimal:
    """A decimal read by hand, as the ORM reads it: SQLite hands decimal columns back as numbers (str() gives the
    shortest decimal that reads the same), with the column's places."""
    places = model._meta.get_field(name).decimal_places
    return Decimal(str(value) if isinstance(value, float) else value).quantize(Decimal(1).scaleb(-places))


def approval_terms(submitter: User) -> tuple[Decimal, Decimal]:
    """The submitter's discount limit (`catalog.pricing.discount_limit_for`: 0 when their role has none) and the
    policy's approval threshold (`OrderPolicy.current()`), read now.

    One hand-written statement for both (the same on SQLite and PostgreSQL): every submission reads them, and the
    ORM took longer to build two statements than the database took to run them. Nothing is cached, so an
    administrator's change applies to the next submission in every process."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max_discount_percent FROM {quote(DiscountLimit._meta.db_table)} WHERE role = %s), "
            f"(SELECT approval_threshold FROM {quote(OrderPolicy._meta.db_table)} WHERE id = 1)",
            [submitter.role],
        )
        limit, threshold = cursor.fetchone()
    if threshold is None:  # the policy row is created with its defaults on first use
        threshold = OrderPolicy.current().approval_threshold
    limit = column_value(DiscountLimit, "max_discount_percent", limit) if limit is not None else Decimal("0")
    return limit, column_value(OrderPolicy, "approval_threshold", threshold)


def approval_reasons(order: SalesOrder, submitter: User, *, lines: list[OrderLine] | None = None) -> list[str]:
    """Why `order` needs approval when `submitter` submits it; an empty list means it does not. `lines` are the
    order's lines (with their products, in position order) when the caller has read them already."""
    if lines is None:
        lines = order.lines.select_related("product").order_by("position")
    limit, threshold = approval_terms(submitter)
    reasons = list(discount_problems(lines, order.discount_percent, limit).values())
    if order.total > threshold:
        reasons.append(
            _("Total %(total)s CNY is above the approval threshold of %(threshold)s CNY.")
            % {"total": order.total, "threshold": threshold}
        )
    return reasons
