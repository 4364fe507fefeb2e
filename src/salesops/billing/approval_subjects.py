"""Credit release requests and special discount authorisations as approval subjects.

Credit releases (`credit_release`): the request lives in customers
(customers/credit_release_actions.py), but what its approvers weigh reads billing (open receivables, overdue
invoices) and orders (the orders it names, released when it is approved). Billing sits above both, so the subject
is registered here and its callbacks compose customers' and orders' actions.

Conditions read `credit_release` (kinds, current and requested limit, the increase, open receivables, overdue
amount, the named orders), `customer` (as for orders, incl. custom fields and credit status) and `submitter`.

Discount authorisations (`discount_authorisation`): the authorisation lives in catalog
(catalog/authorisation_actions.py), but its approvers weigh the customer's invoiced revenue (billing), so the
subject is registered here. Conditions read `authorisation` (scope, product line, percent, period and its length,
reason, the customer's or group's revenue of the last 12 months), `customer` (null for a customer group's
authorisation) and `submitter` (the requester: role, own discount limit, office and region).
"""

import datetime
import hashlib
import json
from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesops.approvals.default_policies import CREDIT_RELEASE_POLICY, DISCOUNT_AUTHORISATION_POLICY
from salesops.approvals.subjects import Past, SubjectType, Summary, register_subject
from salesops.billing.queries import daily_invoiced, overdue_amounts
from salesops.catalog import authorisation_actions
from salesops.catalog.authorisations import fingerprint_of
from salesops.catalog.models import DiscountAuthorisation
from salesops.core import clock
from salesops.core.rules import types as t
from salesops.core.timezones import company_zone
from salesops.customers import credit_release_actions as actions
from salesops.customers.models import CreditReleaseRequest
from salesops.orders.actions import release_for_credit
from salesops.orders.approval_context import ContextBuilder, customer_schema, submitter_schema
from salesops.orders.models import SalesOrder

ALL_ROOTS = frozenset({"credit_release", "customer", "submitter"})
ZERO = Decimal("0.00")


def schema() -> t.Record:
    return t.Record(
        "context",
        {
            "credit_release": t.Record(
                "credit_release",
                {
                    "number": t.STRING,
                    "kinds": t.ListOf(t.STRING),
                    "lift_status": t.BOOL,
                    "raise_limit": t.BOOL,
                    "current_limit": t.DECIMAL,
                    "requested_limit": t.DECIMAL,
                    "increase": t.DECIMAL,
                    "open_receivables": t.DECIMAL,
                    "overdue_amount": t.DECIMAL,
                    "held_orders": t.INT,
                    "held_orders_amount": t.DECIMAL,
                },
            ),
            "customer": customer_schema(),
            "submitter": submitter_schema(),
        },
    )


def section(release: CreditReleaseRequest, *, overdue: Decimal, held: tuple[int, Decimal]) -> dict:
    raise_limit = CreditReleaseRequest.Kind.RAISE_LIMIT in release.kinds
    return {
        "number": release.number,
        "kinds": list(release.kinds),
        "lift_status": CreditReleaseRequest.Kind.LIFT_STATUS in release.kinds,
        "raise_limit": raise_limit,
        "current_limit": release.current_limit,
        "requested_limit": release.requested_limit if raise_limit else release.current_limit,
        "increase": release.increase,
        "open_receivables": release.customer.receivable_balance,
        "overdue_amount": overdue,
        "held_orders": held[0],
        "held_orders_amount": held[1],
    }


def held_totals(release_ids) -> dict[int, tuple[int, Decimal]]:
    """Request id -> (how many orders it names, their total); one query."""
    rows = (
        SalesOrder.credit_releases.through.objects.filter(creditreleaserequest_id__in=release_ids)
        .values("creditreleaserequest_id")
        .annotate(count=Count("salesorder_id"), amount=Sum("salesorder__total"))
    )
    return {row["creditreleaserequest_id"]: (row["count"], row["amount"] or ZERO) for row in rows}


def context(release: CreditReleaseRequest, submitter, roots=ALL_ROOTS) -> dict:
    """The context of one request as live routing reads it now."""
    builder, result = ContextBuilder(), {}
    if "credit_release" in roots:
        overdue = overdue_amounts([release.customer_id], clock.today()).get(release.customer_id, ZERO)
        held = held_totals([release.pk]).get(release.pk, (0, ZERO))
        result["credit_release"] = section(release, overdue=overdue, held=held)
    if "customer" in roots:
        result["customer"] = builder.customer(release.customer)
    if "submitter" in roots:
        result["submitter"] = builder.submitter(submitter)
    return result


def fingerprint(release: CreditReleaseRequest) -> str:
    """What an approval of a release is about: the customer, what is asked, the new limit and the named orders."""
    orders = sorted(release.held_orders.values_list("pk", flat=True))
    content = [release.customer_id, sorted(release.kinds), str(release.requested_limit), orders]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def summary(release: CreditReleaseRequest) -> Summary:
    kinds = dict(CreditReleaseRequest.Kind.choices)
    limit = f"{release.current_limit} → {release.requested_limit}" if release.requested_limit else ""
    return Summary(
        title=f"{release.number} · {release.customer.name}",
        amount=release.increase or None,
        url=reverse("customers:credit_release", args=[release.pk]),
        region_id=release.customer.region_id,
        lines=[
            {"label": "customer", "value": release.customer.name},
            {"label": "kinds", "value": " · ".join(str(kinds[kind]) for kind in release.kinds)},
            {"label": "credit_limit", "value": limit or str(release.current_limit)},
            {"label": "reason", "value": release.reason[:200]},
        ],
    )


def lock(pk: int) -> CreditReleaseRequest:
    return actions.lock(pk)


def approve_and_release(release: CreditReleaseRequest, request, actor) -> None:
    """Approved (by the chain's last approver, or by the policy at once with `request` None): apply the change to
    the customer, then run the release checks on every order it names still on hold, as the approver; an order
    that credit or stock still stop stays on hold, and the request records why."""
    last = request.tasks.filter(status="approved").order_by("-decided_at", "-pk").first() if request else None
    actions.apply_credit_release(release, actor=actor, comment=last.comment if last else "")
    orders = list(release.held_orders.order_by("pk"))
    if orders:
        comment = f"{release.number}: {release.reason}"[:500]
        results = [release_for_credit(order, actor=actor, comment=comment) for order in orders]
        actions.record_release_results(release, results, actor=actor)


def history(start, end):
    """Requests made in [start, end), oldest first, with the context live routing builds (receivables, overdue
    amounts and customers read as they are now)."""
    releases = list(
        CreditReleaseRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("customer__group", "requester")
        .order_by("created_at", "pk")
    )
    builder = ContextBuilder()
    overdue = overdue_amounts({release.customer_id for release in releases}, clock.today())
    held = held_totals([release.pk for release in releases])
    for release in releases:
        context = {
            "credit_release": section(
                release, overdue=overdue.get(release.customer_id, ZERO), held=held.get(release.pk, (0, ZERO))
            ),
            "customer": builder.customer(release.customer),
            "submitter": builder.submitter(release.requester),
        }
        yield Past(release.pk, release.created_at, release.requester, release.customer.region_id, context)


register_subject(
    SubjectType(
        key=actions.SUBJECT,
        label=CreditReleaseRequest._meta.verbose_name,
        model=CreditReleaseRequest,
        schema=schema,
        context=context,
        fingerprint=fingerprint,
        summary=summary,
        lock=lock,
        on_approved=approve_and_release,
        on_rejected=actions.reject_credit_release,
        on_returned=actions.return_credit_release,
        history=history,
        default_policy=CREDIT_RELEASE_POLICY,
        default_policy_name=_("Credit release approval"),
    )
)


# --- special discount authorisations ----------------------------------------------------------------------------

AUTHORISATION_ROOTS = frozenset({"authorisation", "customer", "submitter"})
REVENUE_DAYS = 365


def authorisation_schema() -> t.Record:
    return t.Record(
        "context",
        {
            "authorisation": t.Record(
                "authorisation",
                {
                    "number": t.STRING,
                    "applies_to": t.STRING,
                    "customer_group": t.Nullable(t.STRING),
                    "product_line": t.Nullable(t.STRING),
                    "max_discount_percent": t.DECIMAL,
                    "valid_from": t.DATE,
                    "valid_to": t.DATE,
                    "valid_days": t.INT,
                    "reason": t.STRING,
                    "revenue_12_months": t.DECIMAL,
                },
            ),
            "customer": t.Nullable(customer_schema()),
            "submitter": submitter_schema(),
        },
    )


def revenue_window(authorisation: DiscountAuthorisation) -> tuple:
    """The 12 months (365 days) of invoice dates before the day it was requested."""
    day = timezone.localtime(authorisation.created_at, company_zone()).date()
    return day - datetime.timedelta(days=REVENUE_DAYS), day


def revenues(authorisations: list[DiscountAuthorisation]) -> dict[int, Decimal]:
    """Authorisation id -> what its customer (or its group's customers) was invoiced in its revenue window, VAT
    included, less credit notes; one query for any number of authorisations."""
    if not authorisations:
        return {}
    windows = {a.pk: revenue_window(a) for a in authorisations}
    rows = daily_invoiced(
        {a.customer_id for a in authorisations if a.customer_id},
        {a.customer_group_id for a in authorisations if a.customer_group_id},
        min(start for start, _end in windows.values()),
        max(end for _start, end in windows.values()),
    )
    result = {}
    for a in authorisations:
        start, end = windows[a.pk]
        result[a.pk] = sum(
            (
                amount
                for customer, group, day, amount in rows
                if start <= day < end and (customer == a.customer_id if a.customer_id else group == a.customer_group_id)
            ),
            ZERO,
        )
    return result


def authorisation_section(authorisation: DiscountAuthorisation, *, revenue: Decimal) -> dict:
    a = authorisation
    return {
        "number": a.number,
        "applies_to": "customer" if a.customer_id else "customer_group",
        "customer_group": a.customer_group.code if a.customer_group_id else None,
        "product_line": a.product_line.code if a.product_line_id else None,
        "max_discount_percent": a.max_discount_percent,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "valid_days": a.valid_days,
        "reason": a.reason,
        "revenue_12_months": revenue,
    }


def authorisation_context(authorisation: DiscountAuthorisation, submitter, roots=AUTHORISATION_ROOTS) -> dict:
    """The context of one authorisation as live routing reads it now."""
    builder, result = ContextBuilder(), {}
    if "authorisation" in roots:
        revenue = revenues([authorisation])[authorisation.pk]
        result["authorisation"] = authorisation_section(authorisation, revenue=revenue)
    if "customer" in roots:
        result["customer"] = builder.customer(authorisation.customer) if authorisation.customer_id else None
    if "submitter" in roots:
        result["submitter"] = builder.submitter(submitter)
    return result


def authorisation_region_id(authorisation: DiscountAuthorisation) -> int | None:
    """The customer's region, or for a group's authorisation the requester's."""
    if authorisation.customer_id:
        return authorisation.customer.region_id
    unit = authorisation.requester.org_unit
    region = unit.region if unit is not None else None
    return region.pk if region is not None else None


def authorisation_summary(authorisation: DiscountAuthorisation) -> Summary:
    a = authorisation
    scope = a.customer.name if a.customer_id else a.customer_group.name
    return Summary(
        title=f"{a.number} · {scope} ≤ {a.max_discount_percent}%",
        amount=None,
        url=reverse("catalog:authorisation", args=[a.pk]),
        region_id=authorisation_region_id(a),
        lines=[
            {"label": "customer" if a.customer_id else "customer_group", "value": scope},
            {"label": "product_line", "value": a.product_line.name if a.product_line_id else "*"},
            {"label": "max_discount_percent", "value": str(a.max_discount_percent)},
            {"label": "valid", "value": f"{a.valid_from.isoformat()} – {a.valid_to.isoformat()}"},
            {"label": "reason", "value": a.reason[:200]},
        ],
    )


def authorisation_history(start, end):
    """Authorisations requested in [start, end), oldest first, with the context live routing built (revenue over
    the same window before the request; customers read as they are now)."""
    authorisations = list(
        DiscountAuthorisation.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("customer__group", "customer_group", "product_line", "requester__org_unit")
        .order_by("created_at", "pk")
    )
    builder = ContextBuilder()
    revenue = revenues(authorisations)
    for a in authorisations:
        context = {
            "authorisation": authorisation_section(a, revenue=revenue[a.pk]),
            "customer": builder.customer(a.customer) if a.customer_id else None,
            "submitter": builder.submitter(a.requester),
        }
        yield Past(a.pk, a.created_at, a.requester, authorisation_region_id(a), context)


register_subject(
    SubjectType(
        key=authorisation_actions.SUBJECT,
        label=DiscountAuthorisation._meta.verbose_name,
        model=DiscountAuthorisation,
        schema=authorisation_schema,
        context=authorisation_context,
        fingerprint=fingerprint_of,
        summary=authorisation_summary,
        lock=authorisation_actions.lock,
        on_approved=authorisation_actions.approve_authorisation,
        on_rejected=authorisation_actions.reject_authorisation,
        on_returned=authorisation_actions.return_authorisation,
        history=authorisation_history,
        default_policy=DISCOUNT_AUTHORISATION_POLICY,
        default_policy_name=_("Discount authorisation approval"),
    )
)
