"""Writes for customer contacts and addresses. Each action validates, changes and records its events in one
transaction.

Who may write: whoever may change the customer (a role that changes customers, and the customer in their
scope). Every write locks the customer row first, so two people making different contacts primary (or
different addresses default) at once are serialised: the second one clears the first one's choice, with its
own event, instead of failing on the uniqueness constraint.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from salesops.accounts.models import User
from salesops.core import customfields
from salesops.core.actions import refuse_unknown_fields, save_changes
from salesops.core.events import record_event, snapshot
from salesops.core.models import CustomFieldDefinition
from salesops.core.scoping import for_user
from salesops.customers.actions import check_may_change
from salesops.customers.models import Contact, Customer, CustomerAddress
from salesops.customers.phones import normalize_email, normalize_mobile, normalize_phone, normalize_wechat_id
from salesops.customers.queries import may_change_customer

CONTACT_FIELDS = (
    "name",
    "job_title",
    "department",
    "mobile_phone",
    "office_phone",
    "email",
    "wechat_id",
    "is_primary",
    "notes",
    "is_active",
    "custom_fields",
)
ADDRESS_FIELDS = (
    "kind",
    "label",
    "recipient_name",
    "recipient_phone",
    "province",
    "city",
    "district",
    "street",
    "postal_code",
    "latitude",
    "longitude",
    "is_default",
)
MAX_NOTES = 2000
COORDINATE_PLACES = Decimal("0.000001")
COORDINATE_LIMITS = {"latitude": Decimal(90), "longitude": Decimal(180)}


# --- validation ----------------------------------------------------------------------------------------------


def max_length(model: type[models.Model], field: str) -> int:
    return MAX_NOTES if field == "notes" else model._meta.get_field(field).max_length


def clean_text(model, values: dict, field: str, errors: dict, cleaned: dict, *, required: bool = False) -> None:
    """Strip a text field; refuse a missing required value or one longer than the column."""
    if field not in values:
        return
    raw = values[field]
    if raw is not None and not isinstance(raw, str):
        errors[field] = [_("Enter text.")]
        return
    text = (raw or "").strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > max_length(model, field):
        errors[field] = [_("At most %(count)s characters.") % {"count": max_length(model, field)}]
    cleaned[field] = text


def clean_formatted(model, values: dict, field: str, normalize, errors: dict, cleaned: dict) -> None:
    """A phone number, e-mail or WeChat ID: blank, or normalised by `normalize` (which names the problem)."""
    if field not in values:
        return
    raw = values[field]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        cleaned[field] = ""
        return
    if not isinstance(raw, str):
        errors[field] = [_("Enter text.")]
        return
    try:
        value = normalize(raw)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return
    if len(value) > max_length(model, field):
        errors[field] = [_("At most %(count)s characters.") % {"count": max_length(model, field)}]
    cleaned[field] = value


def clean_flag(values: dict, field: str, errors: dict, cleaned: dict) -> None:
    if field not in values:
        return
    if not isinstance(values[field], bool):
        errors[field] = [_("Enter true or false.")]
        return
    cleaned[field] = values[field]


def clean_coordinate(values: dict, field: str, errors: dict, cleaned: dict) -> None:
    """A latitude or longitude within range, rounded to 6 decimal places (about 0.1 m); blank means none."""
    if field not in values:
        return
    raw = values[field]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        cleaned[field] = None
        return
    limit = COORDINATE_LIMITS[field]
    message = _("Enter a number from -%(limit)s to %(limit)s.") % {"limit": limit}
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        errors[field] = [message]
        return
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [message]
        return
    if not value.is_finite() or not -limit <= value <= limit:
        errors[field] = [message]
        return
    cleaned[field] = value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)


def visible_customer(actor: User, customer, errors: dict) -> Customer | None:
    """The customer if the actor may see it; otherwise a `customer_id` error, the same for unknown and hidden."""
    found = for_user(Customer.objects.filter(pk=customer.pk), actor).first() if isinstance(customer, Customer) else None
    if found is None:
        errors["customer_id"] = [_("Choose one of your customers.")]
    return found


def check_may_change_customer(actor: User, customer: Customer) -> None:
    check_may_change(actor)
    if not may_change_customer(actor, customer):
        raise PermissionDenied(_("You may not change this customer."))


def lock_customer(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def clean_contact(values: dict[str, Any], *, instance: Contact | None) -> dict[str, Any]:
    """Validate the given contact fields against `instance` (None when creating); one error per field at fault."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    clean_text(Contact, values, "name", errors, cleaned, required=True)
    for field in ("job_title", "department", "notes"):
        clean_text(Contact, values, field, errors, cleaned)
    for field, normalize in (
        ("mobile_phone", normalize_mobile),
        ("office_phone", normalize_phone),
        ("email", normalize_email),
        ("wechat_id", normalize_wechat_id),
    ):
        clean_formatted(Contact, values, field, normalize, errors, cleaned)
    for field in ("is_primary", "is_active"):
        clean_flag(values, field, errors, cleaned)
    if "custom_fields" in values:
        try:
            cleaned["custom_fields"] = customfields.validate_values(
                CustomFieldDefinition.objects.for_model(Contact),
                values["custom_fields"] or {},
                existing=instance.custom_fields if instance else None,
                require="given" if instance else "all",
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    is_active = cleaned.get("is_active", instance.is_active if instance else True)
    if not is_active:
        if cleaned.get("is_primary"):
            errors["is_primary"] = [_("An inactive contact cannot be the primary contact.")]
        elif instance is not None and instance.is_primary:
            cleaned["is_primary"] = False  # deactivating the primary contact leaves the customer without one
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_address(values: dict[str, Any], *, instance: CustomerAddress | None) -> dict[str, Any]:
    """Validate the given address fields against `instance` (None when creating); one error per field at fault."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "kind" in values:
        if values["kind"] not in CustomerAddress.Kind.values:
            choices = ", ".join(CustomerAddress.Kind.values)
            errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": choices}]
        else:
            cleaned["kind"] = values["kind"]
    for field in ("province", "city", "street"):
        clean_text(CustomerAddress, values, field, errors, cleaned, required=True)
    for field in ("label", "recipient_name", "district"):
        clean_text(CustomerAddress, values, field, errors, cleaned)
    clean_formatted(CustomerAddress, values, "recipient_phone", normalize_phone, errors, cleaned)
    clean_text(CustomerAddress, values, "postal_code", errors, cleaned)
    postal_code = cleaned.get("postal_code")
    if postal_code and not (len(postal_code) == 6 and postal_code.isascii() and postal_code.isdigit()):
        errors["postal_code"] = [_("Enter a 6-digit postal code, e.g. 200120.")]
    for field in ("latitude", "longitude"):
        clean_coordinate(values, field, errors, cleaned)
    if values.get("is_default") is not None or instance is not None:
        clean_flag(values, "is_default", errors, cleaned)

    def final(field: str):
        return cleaned[field] if field in cleaned else getattr(instance, field, None)

    for field, other in (("latitude", "longitude"), ("longitude", "latitude")):
        if field not in errors and other not in errors and final(field) is None and final(other) is not None:
            errors[field] = [_("Enter both latitude and longitude, or neither.")]
    if final("kind") == CustomerAddress.Kind.SHIPPING:
        for field in ("recipient_name", "recipient_phone"):
            if field not in errors and not final(field):
                errors[field] = [_("A shipping address needs a recipient and a phone number.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def clear_flag(queryset: models.QuerySet, field: str, *, event_type: str, actor: User, keep=None) -> None:
    """Unset the boolean `field` on the rows of `queryset` that have it (other than `keep`), each with its event:
    how the previous primary contact or default address gives way to a new one."""
    previous = queryset.select_for_update().filter(**{field: True})
    if keep is not None and keep.pk:
        previous = previous.exclude(pk=keep.pk)
    for row in previous:
        save_changes(row, {field: False}, event_type=event_type, actor=actor)


def clean_new(actor: User, customer, values: dict[str, Any], clean) -> tuple[Customer, dict[str, Any]]:
    """For a new contact or address: the customer (if the actor may see it) and the cleaned values, or one
    ValidationError naming every field at fault, `customer_id` included."""
    check_may_change(actor)
    errors: dict[str, list[str]] = {}
    customer = visible_customer(actor, customer, errors)
    try:
        cleaned = clean(values, instance=None)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return customer, cleaned


# --- contacts ------------------------------------------------------------------------------------------------


def clear_primary(customer: Customer, *, actor: User, keep: Contact | None) -> None:
    """Make the customer's current primary contact (other than `keep`) an ordinary one, with its event."""
    contacts = Contact.objects.filter(customer=customer)
    clear_flag(contacts, "is_primary", event_type="contact.updated", actor=actor, keep=keep)


def primary_taken() -> ValidationError:
    return ValidationError({"is_primary": [_("Another contact was made primary at the same time; try again.")]})


def create_contact(
    *,
    actor: User,
    customer: Customer,
    name: str,
    job_title: str = "",
    department: str = "",
    mobile_phone: str = "",
    office_phone: str = "",
    email: str = "",
    wechat_id: str = "",
    is_primary: bool = False,
    notes: str = "",
    custom_fields: dict | None = None,
) -> Contact:
    """Add a contact to a customer and record `contact.created`; making it primary demotes the previous primary
    contact in the same transaction (recorded as `contact.updated`)."""
    values = {
        "name": name,
        "job_title": job_title,
        "department": department,
        "mobile_phone": mobile_phone,
        "office_phone": office_phone,
        "email": email,
        "wechat_id": wechat_id,
        "is_primary": is_primary,
        "notes": notes,
        "custom_fields": custom_fields or {},
    }
    customer, cleaned = clean_new(actor, customer, values, clean_contact)
    try:
        with transaction.atomic():
            customer = lock_customer(customer)
            contact = Contact(customer=customer, **cleaned)
            if contact.is_primary:
                clear_primary(customer, actor=actor, keep=None)
            contact.save()
            record_event("contact.created", contact, actor=actor, after=snapshot(contact))
    except IntegrityError:
        raise primary_taken() from None
    return contact


def change_contact(contact: Contact, *, actor: User, changes: dict[str, Any], event_type: str) -> Contact:
    check_may_change_customer(actor, contact.customer)
    try:
        with transaction.atomic():
            customer = lock_customer(contact.customer)
            locked = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
            cleaned = clean_contact(changes, instance=locked)
            if cleaned.get("is_primary") and not locked.is_primary:
                clear_primary(customer, actor=actor, keep=locked)
            save_changes(locked, cleaned, event_type=event_type, actor=actor)
    except IntegrityError:
        raise primary_taken() from None
    return locked


def update_contact(contact: Contact, *, actor: User, changes: dict[str, Any]) -> Contact:
    """Apply a partial update (custom_fields merge into the stored ones) and record `contact.updated`.

    Making the contact primary demotes the previous primary one; deactivating the primary contact leaves the
    customer without one; an inactive contact cannot be made primary unless it is reactivated in the same update.
    """
    check_may_change(actor)
    refuse_unknown_fields(changes, CONTACT_FIELDS)
    return change_contact(contact, actor=actor, changes=changes, event_type="contact.updated")


def deactivate_contact(contact: Contact, *, actor: User) -> Contact:
    """Mark a contact inactive (and no longer primary); records `contact.deactivated`. Contacts are never deleted:
    orders and the audit trail keep referring to them. Deactivating an inactive contact changes nothing."""
    return change_contact(contact, actor=actor, changes={"is_active": False}, event_type="contact.deactivated")


# --- addresses -----------------------------------------------------------------------------------------------


def clear_default(customer: Customer, kind: str, *, actor: User, keep: CustomerAddress | None) -> None:
    """Make the customer's current default address of `kind` (other than `keep`) an ordinary one, with its event."""
    addresses = CustomerAddress.objects.filter(customer=customer, kind=kind)
    clear_flag(addresses, "is_default", event_type="address.updated", actor=actor, keep=keep)


def default_taken() -> ValidationError:
    return ValidationError({"is_default": [_("Another address was made the default at the same time; try again.")]})


def create_address(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    province: str,
    city: str,
    street: str,
    district: str = "",
    label: str = "",
    recipient_name: str = "",
    recipient_phone: str = "",
    postal_code: str = "",
    latitude=None,
    longitude=None,
    is_default: bool | None = None,
) -> CustomerAddress:
    """Add a billing or shipping address and record `address.created`.

    `is_default=None` makes it the default when the customer has no default address of that kind yet; a new
    default replaces the previous one in the same transaction (recorded as `address.updated`)."""
    values = {
        "kind": kind,
        "label": label,
        "recipient_name": recipient_name,
        "recipient_phone": recipient_phone,
        "province": province,
        "city": city,
        "district": district,
        "street": street,
        "postal_code": postal_code,
        "latitude": latitude,
        "longitude": longitude,
        "is_default": is_default,
    }
    customer, cleaned = clean_new(actor, customer, values, clean_address)
    try:
        with transaction.atomic():
            customer = lock_customer(customer)
            address = CustomerAddress(customer=customer, **cleaned)
            if is_default is None:
                address.is_default = not CustomerAddress.objects.filter(
                    customer=customer, kind=address.kind, is_default=True
                ).exists()
            elif address.is_default:
                clear_default(customer, address.kind, actor=actor, keep=None)
            address.save()
            record_event("address.created", address, actor=actor, after=snapshot(address))
    except IntegrityError:
        raise default_taken() from None
    return address


def update_address(address: CustomerAddress, *, actor: User, changes: dict[str, Any]) -> CustomerAddress:
    """Apply a partial update and record `address.updated`. If the address is (or becomes) the default of its
    (possibly new) kind, the previous default of that kind is cleared in the same transaction."""
    check_may_change_customer(actor, address.customer)
    refuse_unknown_fields(changes, ADDRESS_FIELDS)
    try:
        with transaction.atomic():
            customer = lock_customer(address.customer)
            locked = CustomerAddress.objects.select_for_update().select_related("customer").get(pk=address.pk)
            cleaned = clean_address(changes, instance=locked)
            kind = cleaned.get("kind", locked.kind)
            becomes_default = cleaned.get("is_default", locked.is_default)
            if becomes_default and (kind != locked.kind or not locked.is_default):
                clear_default(customer, kind, actor=actor, keep=locked)
            save_changes(locked, cleaned, event_type="address.updated", actor=actor)
    except IntegrityError:
        raise default_taken() from None
    return locked


def delete_address(address: CustomerAddress, *, actor: User) -> None:
    """Delete an address; `address.deleted` keeps its last state. Deleting the default leaves the customer
    without a default of that kind until someone chooses one (no address is promoted behind their back)."""
    check_may_change_customer(actor, address.customer)
    with transaction.atomic():
        lock_customer(address.customer)
        locked = CustomerAddress.objects.select_for_update().filter(pk=address.pk).first()
        if locked is None:  # deleted meanwhile by someone else: the outcome they asked for
            return
        record_event("address.deleted", locked, actor=actor, before=snapshot(locked))
        locked.delete()
