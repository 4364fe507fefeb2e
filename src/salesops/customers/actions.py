"""Writes for customers. Each action validates, changes, and records its event in one transaction."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from salesops.accounts.models import OrgUnit, Role, User
from salesops.accounts.scopes import managed_paths, reachable_paths, sees_everything, within
from salesops.core import customfields
from salesops.core.actions import refuse_unknown_fields, save_changes
from salesops.core.events import record_event, snapshot
from salesops.core.models import CustomFieldDefinition
from salesops.customers.credit_code import CreditCodeError, validate_credit_code
from salesops.customers.models import Customer, CustomerGroup
from salesops.customers.queries import can_change_customers

EDITABLE_FIELDS = ("name", "credit_code", "status", "office", "owner", "group", "custom_fields")
CREDIT_ROLES = {Role.FINANCE, Role.RISK_OFFICER}
MAX_CREDIT_LIMIT = Decimal("1e12")


def check_may_change(actor: User) -> None:
    if not can_change_customers(actor):
        raise PermissionDenied(_("Your role may not change customers."))


def may_assign_owner(actor: User, owner: User) -> bool:
    """A rep assigns customers to themselves; managers to anyone in the units they manage; admins to anyone."""
    if owner == actor or sees_everything(actor):
        return True
    return within(owner.org_unit.path if owner.org_unit_id else None, managed_paths(actor))


def may_place_in_office(actor: User, office: OrgUnit) -> bool:
    """Customers go to the actor's own office or an office under a unit they manage (admins: anywhere)."""
    return sees_everything(actor) or within(office.path, reachable_paths(actor))


def clean_fields(actor: User, values: dict[str, Any], *, instance: Customer | None) -> dict[str, Any]:
    """Validate the given fields; raise one ValidationError naming every field at fault."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name:
            errors["name"] = [_("Enter the company name.")]
        elif len(name) > 200:
            errors["name"] = [_("At most 200 characters.")]
        cleaned["name"] = name
    if "credit_code" in values:
        try:
            cleaned["credit_code"] = validate_credit_code(values["credit_code"])
        except CreditCodeError as exc:
            errors["credit_code"] = [str(exc)]
        else:
            clash = Customer.objects.filter(credit_code=cleaned["credit_code"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["credit_code"] = [_("Another customer already has this credit code.")]
    if "status" in values:
        if values["status"] not in Customer.Status.values:
            errors["status"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Customer.Status.values)}]
        cleaned["status"] = values["status"]
    if "office" in values:
        office = values["office"]
        unchanged = instance is not None and office == instance.office
        if not isinstance(office, OrgUnit) or office.kind != OrgUnit.Kind.OFFICE:
            errors["office_id"] = [_("Choose an office.")]
        elif not unchanged and not may_place_in_office(actor, office):
            errors["office_id"] = [_("You may not place customers in this office.")]
        else:
            cleaned["office"] = office
            cleaned["region"] = office.region
    if "owner" in values:
        owner = values["owner"]
        unchanged = instance is not None and owner == instance.owner
        if not isinstance(owner, User) or not owner.is_active:
            errors["owner_id"] = [_("Choose an active user.")]
        elif not unchanged and not may_assign_owner(actor, owner):
            errors["owner_id"] = [_("You may not assign customers to this user.")]
        else:
            cleaned["owner"] = owner
    if "group" in values:
        if values["group"] is not None and not isinstance(values["group"], CustomerGroup):
            errors["group_id"] = [_("Choose a customer group.")]
        cleaned["group"] = values["group"]
    if "custom_fields" in values:
        definitions = CustomFieldDefinition.objects.for_model(Customer)
        try:
            cleaned["custom_fields"] = customfields.validate_values(
                definitions,
                values["custom_fields"] or {},
                existing=instance.custom_fields if instance else None,
                require="given" if instance else "all",
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_customer(
    *,
    actor: User,
    name: str,
    credit_code: str,
    office: OrgUnit,
    owner: User | None = None,
    status: str = Customer.Status.ACTIVE,
    group: CustomerGroup | None = None,
    custom_fields: dict | None = None,
) -> Customer:
    """Create a customer owned by `owner` (default: the actor) and record `customer.created`."""
    check_may_change(actor)
    values = {
        "name": name,
        "credit_code": credit_code,
        "office": office,
        "owner": owner or actor,
        "status": status,
        "group": group,
        "custom_fields": custom_fields or {},
    }
    cleaned = clean_fields(actor, values, instance=None)
    try:
        with transaction.atomic():
            customer = Customer.objects.create(**cleaned)
            record_event("customer.created", customer, actor=actor, after=snapshot(customer))
    except IntegrityError:
        # Two users creating the same company at once: the unique credit code lets exactly one win.
        raise ValidationError({"credit_code": [_("Another customer already has this credit code.")]}) from None
    return customer


def update_customer(customer: Customer, *, actor: User, changes: dict[str, Any]) -> Customer:
    """Apply a partial update (custom_fields merge into the stored ones) and record `customer.updated`."""
    check_may_change(actor)
    refuse_unknown_fields(changes, EDITABLE_FIELDS)
    try:
        with transaction.atomic():
            # Validate against the locked row, so a concurrent edit of another custom field is not overwritten.
            locked = Customer.objects.select_for_update().select_related("office", "owner").get(pk=customer.pk)
            cleaned = clean_fields(actor, changes, instance=locked)
            save_changes(locked, cleaned, event_type="customer.updated", actor=actor)
    except IntegrityError:
        raise ValidationError({"credit_code": [_("Another customer already has this credit code.")]}) from None
    return locked


def delete_customer(customer: Customer, *, actor: User) -> None:
    """Delete a customer with its contacts and addresses; the `customer.deleted` event keeps their last state in
    the audit trail (the customer's in `before`, the contacts' and addresses' in `data`)."""
    check_may_change(actor)
    with transaction.atomic():
        before = snapshot(customer)
        data = {
            "contacts": [snapshot(contact) for contact in customer.contacts.order_by("pk")],
            "addresses": [snapshot(address) for address in customer.addresses.order_by("pk")],
        }
        record_event("customer.deleted", customer, actor=actor, before=before, data=data)
        customer.delete()


def may_manage_credit(actor: User) -> bool:
    """Credit terms and credit status are set by finance and risk control, never by the rep who sells."""
    return sees_everything(actor) or actor.role in CREDIT_ROLES


def clean_credit_limit(raw) -> Decimal:
    try:
        limit = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError({"credit_limit": [_("Enter an amount.")]}) from None
    if not limit.is_finite() or limit < 0 or limit >= MAX_CREDIT_LIMIT:
        raise ValidationError({"credit_limit": [_("Enter an amount of zero or more.")]})
    if limit != limit.quantize(Decimal("0.01")):
        raise ValidationError({"credit_limit": [_("At most 2 decimal places.")]})
    return limit


def set_credit_terms(
    customer: Customer, *, actor: User, credit_limit=None, payment_term: str | None = None
) -> Customer:
    """Change the credit limit and/or payment term; records `customer.credit_terms_changed`."""
    if not may_manage_credit(actor):
        raise PermissionDenied(_("Only finance and risk control set credit terms."))
    changes: dict[str, Any] = {}
    if credit_limit is not None:
        changes["credit_limit"] = clean_credit_limit(credit_limit)
    if payment_term is not None:
        if payment_term not in Customer.PaymentTerm.values:
            raise ValidationError(
                {
                    "payment_term": [
                        _("Choose one of: %(choices)s.") % {"choices": ", ".join(Customer.PaymentTerm.values)}
                    ]
                }
            )
        changes["payment_term"] = payment_term
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        change_credit_terms(locked, actor=actor, changes=changes)
    return locked


def change_credit_terms(locked: Customer, *, actor, changes: dict[str, Any], reason: str = "") -> None:
    """Set validated credit terms on a customer row locked by the caller and record `customer.credit_terms_changed`
    (with `reason` when given) if anything changed. Whoever may decide it was checked by the caller."""
    before = {field: getattr(locked, field) for field in changes}
    for field, value in changes.items():
        setattr(locked, field, value)
    changed = [field for field in changes if before[field] != changes[field]]
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        record_event(
            "customer.credit_terms_changed",
            locked,
            actor=actor,
            before={k: str(before[k]) for k in changed},
            after={k: str(changes[k]) for k in changed},
            data={"reason": reason} if reason else None,
        )


CREDIT_EVENTS = {
    Customer.CreditStatus.ACTIVE: "credit.released",
    Customer.CreditStatus.ON_HOLD: "credit.on_hold",
    Customer.CreditStatus.FROZEN: "credit.frozen",
}


def set_credit_status(customer: Customer, *, actor: User, status: str, reason: str) -> Customer:
    """Freeze, hold or release a customer's credit, with the reason and who did it (`credit.frozen`, ...)."""
    if not may_manage_credit(actor):
        raise PermissionDenied(_("Only finance and risk control change credit status."))
    if status not in Customer.CreditStatus.values:
        raise ValidationError(
            {"credit_status": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Customer.CreditStatus.values)}]}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        change_credit_status(locked, actor=actor, status=status, reason=reason)
    return locked


def change_credit_status(locked: Customer, *, actor, status: str, reason: str) -> None:
    """Set the credit status of a customer row locked by the caller, with the reason and who set it, and record
    `credit.<...>`. Whoever may decide it was checked by the caller."""
    before = locked.credit_status
    locked.credit_status = status
    locked.credit_status_reason = reason.strip()[:200]
    locked.credit_status_set_by = actor
    locked.save(update_fields=["credit_status", "credit_status_reason", "credit_status_set_by", "updated_at"])
    record_event(
        CREDIT_EVENTS[status],
        locked,
        actor=actor,
        before={"credit_status": before},
        after={"credit_status": status, "credit_status_reason": locked.credit_status_reason},
    )
