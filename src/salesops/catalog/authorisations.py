"""Whether a discount is beyond the submitter's limit, given special discount authorisations: the one place order
and quote approval contexts (orders/approval_context.py) decide it, live and in simulation.

A discount is beyond the limit when it is above the submitter's own limit (their role's `DiscountLimit`) and no
authorisation valid at that moment covers it: an approved `DiscountAuthorisation` of the document's customer (or
of the customer's group), for every product line or for the line's product line, whose percent is at least the
discount, within its dates (company days), approved before that moment and not revoked by then, and whose content
is still what its approval was given for. The document-level discount is covered only by authorisations for
every product line.

Reading is bulk-friendly: one query for a document (live routing), one for a chunk of documents (simulation),
never one per line; and none when no discount is above the submitter's own limit.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from salesops.catalog.models import DiscountAuthorisation
from salesops.core.timezones import company_zone

Status = DiscountAuthorisation.Status


def authorisation_fingerprint(
    customer_id, customer_group_id, product_line_id, percent: Decimal, valid_from, valid_to
) -> str:
    """What an approval of an authorisation is about: its scope, percent and period."""
    content = [customer_id, customer_group_id, product_line_id, f"{percent:.2f}", str(valid_from), str(valid_to)]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def fingerprint_of(authorisation: DiscountAuthorisation) -> str:
    a = authorisation
    return authorisation_fingerprint(
        a.customer_id, a.customer_group_id, a.product_line_id, a.max_discount_percent, a.valid_from, a.valid_to
    )


@dataclass(frozen=True)
class Grant:
    """An approved authorisation as routing reads it."""

    number: str
    customer_id: int | None
    group_id: int | None
    product_line: str | None  # the product line's code; None: every line
    percent: Decimal
    valid_from: datetime.date
    valid_to: datetime.date
    approved_at: datetime.datetime
    revoked_at: datetime.datetime | None

    def is_valid_at(self, at: datetime.datetime) -> bool:
        day = timezone.localtime(at, company_zone()).date()
        revoked = self.revoked_at is not None and self.revoked_at <= at
        return self.approved_at <= at and not revoked and self.valid_from <= day <= self.valid_to

    def applies_to(self, customer_id: int, group_id: int | None) -> bool:
        return self.customer_id == customer_id or (self.group_id is not None and self.group_id == group_id)


GRANT_FIELDS = (
    "number",
    "customer_id",
    "customer_group_id",
    "product_line_id",
    "product_line__code",
    "max_discount_percent",
    "valid_from",
    "valid_to",
    "approved_at",
    "revoked_at",
    "approved_fingerprint",
)


def grants_between(customers: dict[int, int | None], start: datetime.datetime, end: datetime.datetime) -> list[Grant]:
    """The authorisations of `customers` (id -> group id) or their groups that were valid at some moment of
    [start, end], in one query; those whose content no longer matches their approval are left out."""
    if not customers:
        return []
    groups = {group for group in customers.values() if group is not None}
    first, last = (timezone.localtime(moment, company_zone()).date() for moment in (start, end))
    rows = (
        DiscountAuthorisation.objects.filter(Q(customer_id__in=list(customers)) | Q(customer_group_id__in=groups))
        .filter(status__in=[Status.APPROVED, Status.REVOKED], approved_at__lte=end)
        .filter(valid_to__gte=first, valid_from__lte=last)
        .exclude(revoked_at__lte=start)
        .values_list(*GRANT_FIELDS)
    )
    grants = []
    for number, customer, group, line_id, line, percent, start_day, end_day, approved, revoked, fingerprint in rows:
        if fingerprint != authorisation_fingerprint(customer, group, line_id, percent, start_day, end_day):
            continue  # changed around the actions: the approval was not given for this content
        grants.append(Grant(number, customer, group, line, percent, start_day, end_day, approved, revoked))
    return grants


def grants_at(customer_id: int, group_id: int | None, at: datetime.datetime) -> list[Grant]:
    """The authorisations valid at `at` for one customer (live routing: one query)."""
    return [grant for grant in grants_between({customer_id: group_id}, at, at) if grant.is_valid_at(at)]


def covering(grants: Iterable[Grant], product_line: str | None, discount: Decimal) -> Grant | None:
    """The grant with the largest percent that covers `discount` on `product_line` (None: the document-level
    discount, covered only by grants for every product line); `grants` are valid and apply to the customer."""
    fitting = [grant for grant in grants if grant.percent >= discount and grant.product_line in (None, product_line)]
    return max(fitting, key=lambda grant: (grant.percent, grant.number), default=None)


def needs_grants(own_limit: Decimal, discounts: Iterable[Decimal]) -> bool:
    """Whether any of `discounts` is above the submitter's own limit (otherwise no authorisation is read)."""
    return any(discount > own_limit for discount in discounts)


def beyond_limit(own_limit: Decimal, grants: list[Grant], product_line: str | None, discount: Decimal):
    """(whether `discount` is beyond the limit, the number of the authorisation that covers it or None)."""
    if discount <= own_limit:
        return False, None
    grant = covering(grants, product_line, discount)
    return (grant is None), (grant.number if grant is not None else None)
