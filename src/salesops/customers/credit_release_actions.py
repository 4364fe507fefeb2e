"""Writes for credit release requests: a rep or manager asks to lift a customer's credit hold or freeze and/or raise
its credit limit; the approval policy of the `credit_release` subject decides (see
billing/approval_subjects.py, which registers it: its context reads receivables, overdue invoices and held
orders, from the apps above customers).

Creating a request submits it. Approved (at once or by the chain), the change is applied here through the credit
actions' helpers (the customer records who set its status or limit and why) and the subject's `on_approved`
releases the orders the request names; rejected, sent back or withdrawn, the customer is left as it was.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from salesops.accounts.models import Role, User
from salesops.accounts.scopes import sees_everything
from salesops.approvals import actions as approvals
from salesops.approvals.subjects import subject_type
from salesops.core import clock, events
from salesops.core.events import record_event, snapshot, to_json
from salesops.core.numbering import next_document_number
from salesops.core.scoping import for_user
from salesops.customers.actions import change_credit_status, change_credit_terms, clean_credit_limit
from salesops.customers.models import CreditReleaseRequest, Customer

SUBJECT = "credit_release"  # the approval subject key (registered by billing/approval_subjects.py)
HELD = "on_hold"  # the status of an order held for credit (orders sit above customers: named by value)
REQUEST_ROLES = {Role.SALES_REP, Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR, Role.FINANCE, Role.RISK_OFFICER}
MAX_REASON = 1000
MAX_ORDERS = 50
Kind, Status = CreditReleaseRequest.Kind, CreditReleaseRequest.Status


def may_request_credit_release(user: User) -> bool:
    return user.is_authenticated and (sees_everything(user) or user.role in REQUEST_ROLES)


def clean_kinds(raw, customer: Customer, errors: dict) -> list[str]:
    if not isinstance(raw, list | tuple) or not raw:
        errors["kinds"] = [_("Choose what to ask for: lift the hold or freeze, raise the limit, or both.")]
        return []
    kinds = [kind for kind in Kind.values if kind in raw]
    if len(kinds) != len(set(raw)):
        errors["kinds"] = [_("Choose from: %(choices)s.") % {"choices": ", ".join(Kind.values)}]
    elif Kind.LIFT_STATUS in kinds and customer.credit_status == Customer.CreditStatus.ACTIVE:
        errors["kinds"] = [_("The customer's credit is neither on hold nor frozen.")]
    return kinds


def clean_requested_limit(raw, kinds: list[str], customer: Customer, errors: dict) -> Decimal | None:
    if Kind.RAISE_LIMIT not in kinds:
        if raw not in (None, ""):
            errors["requested_limit"] = [_("Ask to raise the limit to give a new limit.")]
        return None
    if raw in (None, ""):
        errors["requested_limit"] = [_("Enter the new credit limit.")]
        return None
    try:
        limit = clean_credit_limit(raw)
    except ValidationError as exc:
        errors["requested_limit"] = exc.message_dict["credit_limit"]
        return None
    if limit <= customer.credit_limit:
        errors["requested_limit"] = [
            _("Enter more than the present limit of %(limit)s CNY.") % {"limit": customer.credit_limit}
        ]
    return limit


def clean_held_orders(order_ids, customer: Customer, actor: User, errors: dict) -> list:
    """The customer's orders on hold named by id, as the actor may see them; one error for any other id."""
    ids = list(dict.fromkeys(order_ids or []))
    if len(ids) > MAX_ORDERS:
        errors["order_ids"] = [_("Name at most %(count)s orders.") % {"count": MAX_ORDERS}]
        return []
    found = list(for_user(customer.orders.filter(pk__in=ids, status=HELD), actor)) if ids else []
    missing = sorted(set(ids) - {order.pk for order in found})
    if missing:
        errors["order_ids"] = [
            _("Not orders of this customer on hold that you may see: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in missing)}
        ]
    return found


def create_credit_release(
    customer: Customer,
    *,
    actor: User,
    kinds,
    reason: str,
    requested_limit=None,
    order_ids=(),
) -> CreditReleaseRequest:
    """Ask to lift `customer`'s credit hold or freeze and/or raise its limit to `requested_limit`, for the orders
    on hold `order_ids` (optional), and submit it to the credit release policy with the actor as submitter.
    One pending request per customer at a time. Records `credit_release.requested`; approved at once, it is
    applied in the same transaction. Returns the request."""
    if not may_request_credit_release(actor):
        raise PermissionDenied(_("Your role may not ask for credit releases."))
    errors: dict[str, list[str]] = {}
    visible = for_user(Customer.objects.filter(pk=customer.pk), actor).first() if customer is not None else None
    if visible is None:
        raise ValidationError({"customer_id": [_("Choose one of your customers.")]})
    customer = visible
    kinds = clean_kinds(kinds, customer, errors)
    limit = clean_requested_limit(requested_limit, kinds, customer, errors)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the credit should be released.")]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [_("At most %(count)s characters.") % {"count": MAX_REASON}]
    held = clean_held_orders(order_ids, customer, actor, errors)
    if errors:
        raise ValidationError(errors)
    with events.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.credit_releases.filter(status=Status.PENDING).exists():
            raise ValidationError({"customer_id": [_("A credit release for this customer is already pending.")]})
        release = CreditReleaseRequest.objects.create(
            number=next_document_number("CR", clock.today().year),
            customer=locked,
            kinds=kinds,
            current_limit=locked.credit_limit,
            current_credit_status=locked.credit_status,
            requested_limit=limit,
            reason=reason,
            requester=actor,
        )
        release.held_orders.set(held)
        record_event(
            "credit_release.requested",
            release,
            actor=actor,
            after=snapshot(release),
            data={"orders": [order.number for order in held]},
        )
        started = approvals.start_approval(release, submitter=actor, actor=actor)
        if started.outcome == "approve":
            subject_type(SUBJECT).on_approved(release, None, actor)
        elif started.outcome == "reject":
            finish_release(release, Status.REJECTED, actor=actor, comment=started.message)
        return release


def lock(pk: int) -> CreditReleaseRequest:
    return CreditReleaseRequest.objects.select_for_update(of=("self",)).select_related("customer").get(pk=pk)


def finish_release(release: CreditReleaseRequest, status: str, *, actor, comment: str = "") -> None:
    before = release.status
    release.status, release.decided_at, release.decision_comment = status, clock.now(), (comment or "")[:1000]
    release.save(update_fields=["status", "decided_at", "decision_comment", "updated_at"])
    record_event(
        f"credit_release.{status}",
        release,
        actor=actor,
        before={"status": before},
        after={"status": status},
        data={"comment": release.decision_comment} if release.decision_comment else None,
    )


def apply_credit_release(release: CreditReleaseRequest, *, actor, comment: str = "") -> Customer:
    """The release was approved (by the policy at once or by the last approver, `actor`): lift the customer's hold
    or freeze and/or raise its limit (never lower it: a limit raised meanwhile stays), each recorded on the
    customer with who decided and why, and mark the request approved. Runs in the caller's transaction."""
    customer = Customer.objects.select_for_update().get(pk=release.customer_id)
    why = f"{release.number}: {release.reason}"
    if Kind.LIFT_STATUS in release.kinds and customer.credit_status != Customer.CreditStatus.ACTIVE:
        change_credit_status(customer, actor=actor, status=Customer.CreditStatus.ACTIVE, reason=why)
    if Kind.RAISE_LIMIT in release.kinds and release.requested_limit > customer.credit_limit:
        change_credit_terms(customer, actor=actor, changes={"credit_limit": release.requested_limit}, reason=why)
    finish_release(release, Status.APPROVED, actor=actor, comment=comment)
    return customer


def record_release_results(release: CreditReleaseRequest, results: list[dict], *, actor) -> None:
    """What releasing the named orders gave (`[{"order", "status", "message"}]`), on the request and its timeline."""
    release.release_results = to_json(results)
    release.save(update_fields=["release_results", "updated_at"])
    record_event("credit_release.orders_released", release, actor=actor, data={"orders": release.release_results})


def reject_credit_release(release: CreditReleaseRequest, request, actor, comment: str) -> None:
    """Called by the approvals engine when an approver rejects: the request is rejected, the customer unchanged."""
    finish_release(release, Status.REJECTED, actor=actor, comment=comment)


def return_credit_release(release: CreditReleaseRequest, request, actor, comment: str) -> None:
    """Called by the approvals engine when the request is sent back or withdrawn: it ends unapplied (a new request
    may be made), the customer unchanged."""
    finish_release(release, Status.RETURNED, actor=actor, comment=comment)
