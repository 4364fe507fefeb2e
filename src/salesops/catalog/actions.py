"""Writes for the catalog. Each action checks the actor may edit the catalog, validates, changes, and records its
event in one transaction. Validation errors name the field the caller sent (`sku`, `line_id`,
`items.<index>.unit_price`, `custom_fields.<name>`); nothing is written when any field is wrong."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from salesops.accounts.models import Role, User
from salesops.catalog.models import DiscountLimit, PriceList, PriceListItem, Product, ProductLine
from salesops.catalog.queries import may_edit_catalog
from salesops.core import customfields
from salesops.core.actions import apply_changes, refuse_unknown_fields, save_changes
from salesops.core.events import record_event, snapshot
from salesops.core.models import CustomFieldDefinition
from salesops.customers.models import CustomerGroup

LINE_FIELDS = ("code", "name", "is_active")
PRODUCT_FIELDS = (
    "sku",
    "name",
    "line",
    "unit",
    "list_price",
    "standard_cost",
    "tax_rate",
    "is_active",
    "custom_fields",
)
PRICE_LIST_FIELDS = ("name", "customer_group", "valid_from", "valid_to", "is_active")
# Error keys are the API's field names: relations are sent as ids.
ERROR_KEYS = {"line": "line_id", "customer_group": "customer_group_id", "product": "product_id"}
MONEY_INTEGER_DIGITS = 12  # max_digits 14 with 2 decimal places


def check_may_edit(actor: User) -> None:
    if not may_edit_catalog(actor):
        raise PermissionDenied(_("Only administrators may change the catalog."))


# --- field checks -------------------------------------------------------------------------------------------------


def clean_decimal(raw: Any, *, places: int, integer_digits: int, low: Decimal, high: Decimal | None) -> Decimal:
    """An exact Decimal from a Decimal, int or text; floats are refused, since they cannot hold money exactly."""
    if isinstance(raw, bool | float) or raw is None:
        raise ValidationError(_("Enter a number as text or a decimal, for example 12.50."))
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not value.is_finite():
        raise ValidationError(_("Enter a number."))
    if value != 0 and value.adjusted() >= integer_digits:
        raise ValidationError(_("The number is too large."))
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        raise ValidationError(_("At most %(n)d decimal places.") % {"n": places})
    if value < low:
        raise ValidationError(_("Must be at least %(n)s.") % {"n": low})
    if high is not None and value > high:
        raise ValidationError(_("Must be at most %(n)s.") % {"n": high})
    return value.quantize(quantum) + 0  # + 0 turns -0.00 into 0.00


def clean_money(raw: Any) -> Decimal:
    """A non-negative amount in CNY with at most two decimal places."""
    return clean_decimal(raw, places=2, integer_digits=MONEY_INTEGER_DIGITS, low=Decimal(0), high=None)


def clean_text(raw: Any, *, max_length: int, required_message: str) -> str:
    if not isinstance(raw, str):
        raise ValidationError(_("Enter text."))
    value = raw.strip()
    if not value:
        raise ValidationError(required_message)
    if "\x00" in value:
        raise ValidationError(_("Text may not contain NUL characters."))
    if len(value) > max_length:
        raise ValidationError(_("At most %(n)d characters.") % {"n": max_length})
    return value


def clean_boolean(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValidationError(_("Enter true or false."))
    return raw


def collect(errors: dict[str, list[str]], key: str, check, *args, **kwargs):
    """Run one field check, filing its message under `key`; returns None when the check failed."""
    try:
        return check(*args, **kwargs)
    except ValidationError as exc:
        errors[key] = exc.messages
        return None


def clean_line_fields(values: dict[str, Any], *, instance: ProductLine | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "code" in values:
        code = collect(errors, "code", clean_text, values["code"], max_length=30, required_message=_("Enter a code."))
        if code is not None:
            collect(errors, "code", validate_slug, code)
        if code is not None and "code" not in errors:
            clash = ProductLine.objects.filter(code=code)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["code"] = [_("Another product line already has this code.")]
            cleaned["code"] = code
    if "name" in values:
        name = collect(errors, "name", clean_text, values["name"], max_length=100, required_message=_("Enter a name."))
        cleaned["name"] = name
    if "is_active" in values:
        cleaned["is_active"] = collect(errors, "is_active", clean_boolean, values["is_active"])
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_product_fields(values: dict[str, Any], *, instance: Product | None) -> dict[str, Any]:
    """Validate the given product fields; raise one ValidationError naming every field at fault."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "sku" in values:
        sku = collect(errors, "sku", clean_text, values["sku"], max_length=40, required_message=_("Enter the SKU."))
        if sku is not None:
            clash = Product.objects.filter(sku=sku)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["sku"] = [_("Another product already has this SKU.")]
            cleaned["sku"] = sku
    if "name" in values:
        cleaned["name"] = collect(
            errors, "name", clean_text, values["name"], max_length=200, required_message=_("Enter the product name.")
        )
    if "unit" in values:
        cleaned["unit"] = collect(
            errors, "unit", clean_text, values["unit"], max_length=20, required_message=_("Enter the unit.")
        )
    if "line" in values:
        if isinstance(values["line"], ProductLine):
            cleaned["line"] = values["line"]
        else:
            errors["line_id"] = [_("Choose a product line.")]
    for field in ("list_price", "standard_cost"):
        if field in values:
            cleaned[field] = collect(errors, field, clean_money, values[field])
    if "tax_rate" in values:
        cleaned["tax_rate"] = collect(
            errors,
            "tax_rate",
            clean_decimal,
            values["tax_rate"],
            places=4,
            integer_digits=1,
            low=Decimal(0),
            high=Decimal(1),
        )
    if "is_active" in values:
        cleaned["is_active"] = collect(errors, "is_active", clean_boolean, values["is_active"])
    if "custom_fields" in values:
        definitions = CustomFieldDefinition.objects.for_model(Product)
        try:
            cleaned["custom_fields"] = customfields.validate_values(
                definitions,
                values["custom_fields"] if values["custom_fields"] is not None else {},
                existing=instance.custom_fields if instance else None,
                require="given" if instance else "all",
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_price_list_fields(values: dict[str, Any], *, instance: PriceList | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "name" in values:
        cleaned["name"] = collect(
            errors, "name", clean_text, values["name"], max_length=100, required_message=_("Enter a name.")
        )
    if "customer_group" in values:
        group = values["customer_group"]
        if group is not None and not isinstance(group, CustomerGroup):
            errors["customer_group_id"] = [_("Choose a customer group.")]
        else:
            cleaned["customer_group"] = group
    for field in ("valid_from", "valid_to"):
        if field in values:
            day = values[field]
            if (day is None and field == "valid_to") or (
                isinstance(day, datetime.date) and not isinstance(day, datetime.datetime)
            ):
                cleaned[field] = day
            else:
                errors[field] = [_("Enter a date as YYYY-MM-DD.")]
    if "is_active" in values:
        cleaned["is_active"] = collect(errors, "is_active", clean_boolean, values["is_active"])
    if "valid_from" not in errors and "valid_to" not in errors:
        valid_from = cleaned.get("valid_from", instance.valid_from if instance else None)
        valid_to = cleaned.get("valid_to", instance.valid_to if instance else None)
        if valid_from is not None and valid_to is not None and valid_to < valid_from:
            errors["valid_to"] = [_("The end of validity is before its start.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_items(items: list[dict[str, Any]]) -> dict[int, tuple[Product, Decimal]]:
    """Validate `[{"product": Product, "unit_price": ...}, ...]`: one entry per product, prices ≥ 0 with 2 places.

    Returns product id -> (product, price). Errors are keyed `items.<index>.product_id` / `.unit_price`."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, tuple[Product, Decimal]] = {}
    for index, item in enumerate(items):
        prefix = f"items.{index}"
        product = item.get("product")
        if not isinstance(product, Product):
            errors[f"{prefix}.product_id"] = [_("Choose a product.")]
        elif product.pk in cleaned:
            errors[f"{prefix}.product_id"] = [_("This product is already in the list.")]
        price = collect(errors, f"{prefix}.unit_price", clean_money, item.get("unit_price"))
        if isinstance(product, Product) and product.pk not in cleaned and price is not None:
            cleaned[product.pk] = (product, price)
    if errors:
        raise ValidationError(errors)
    return cleaned


def raise_with_keys(exc: ValidationError):
    """Re-key a model-field error (`line`) to the API's field name (`line_id`)."""
    raise ValidationError({ERROR_KEYS.get(key, key): messages for key, messages in exc.message_dict.items()}) from None


# --- product lines ------------------------------------------------------------------------------------------------


def create_product_line(*, actor: User, code: str, name: str, is_active: bool = True) -> ProductLine:
    """Create a product line with a unique code and record `product_line.created`."""
    check_may_edit(actor)
    cleaned = clean_line_fields({"code": code, "name": name, "is_active": is_active}, instance=None)
    try:
        with transaction.atomic():
            line = ProductLine.objects.create(**cleaned)
            record_event("product_line.created", line, actor=actor, after=snapshot(line))
    except IntegrityError:
        raise ValidationError({"code": [_("Another product line already has this code.")]}) from None
    return line


def update_product_line(line: ProductLine, *, actor: User, changes: dict[str, Any]) -> ProductLine:
    """Change a product line's code, name or active flag and record `product_line.updated` with what changed."""
    check_may_edit(actor)
    refuse_unknown_fields(changes, LINE_FIELDS)
    try:
        with transaction.atomic():
            locked = ProductLine.objects.select_for_update().get(pk=line.pk)
            cleaned = clean_line_fields(changes, instance=locked)
            save_changes(locked, cleaned, event_type="product_line.updated", actor=actor)
    except IntegrityError:
        raise ValidationError({"code": [_("Another product line already has this code.")]}) from None
    return locked


# --- products -----------------------------------------------------------------------------------------------------


def create_product(
    *,
    actor: User,
    sku: str,
    name: str,
    line: ProductLine | None,
    list_price: Decimal | str,
    standard_cost: Decimal | str,
    unit: str = "件",
    tax_rate: Decimal | str = Decimal("0.13"),
    is_active: bool = True,
    custom_fields: dict | None = None,
) -> Product:
    """Create a product with a unique SKU, exact prices and a VAT rate in 0..1; record `product.created`."""
    check_may_edit(actor)
    values = {
        "sku": sku,
        "name": name,
        "line": line,
        "unit": unit,
        "list_price": list_price,
        "standard_cost": standard_cost,
        "tax_rate": tax_rate,
        "is_active": is_active,
        "custom_fields": custom_fields or {},
    }
    cleaned = clean_product_fields(values, instance=None)
    try:
        with transaction.atomic():
            product = Product.objects.create(**cleaned)
            record_event("product.created", product, actor=actor, after=snapshot(product))
    except IntegrityError:
        # Two administrators adding the same SKU at once: the unique constraint lets exactly one win.
        raise ValidationError({"sku": [_("Another product already has this SKU.")]}) from None
    return product


def update_product(product: Product, *, actor: User, changes: dict[str, Any]) -> Product:
    """Apply a partial update (custom_fields merge into the stored ones) and record `product.updated`."""
    check_may_edit(actor)
    refuse_unknown_fields(changes, PRODUCT_FIELDS, error_keys=ERROR_KEYS)
    try:
        with transaction.atomic():
            # Validate against the locked row, so a concurrent edit of another custom field is not overwritten.
            locked = Product.objects.select_for_update().select_related("line").get(pk=product.pk)
            cleaned = clean_product_fields(changes, instance=locked)
            save_changes(locked, cleaned, event_type="product.updated", actor=actor)
    except IntegrityError:
        raise ValidationError({"sku": [_("Another product already has this SKU.")]}) from None
    return locked


# --- price lists --------------------------------------------------------------------------------------------------


def item_prices(price_list: PriceList) -> dict[str, str]:
    """The list's prices as event data: product id (text, as JSON keys are) -> exact price."""
    return {str(pid): str(price) for pid, price in price_list.items.values_list("product_id", "unit_price")}


def create_price_list(
    *,
    actor: User,
    name: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    customer_group: CustomerGroup | None = None,
    is_active: bool = True,
    items: list[dict[str, Any]] | None = None,
) -> PriceList:
    """Create a price list (for one customer group, or the default list when the group is empty) with its items
    (`[{"product": Product, "unit_price": Decimal}]`, one per product) and record `price_list.created`."""
    check_may_edit(actor)
    values = {
        "name": name,
        "customer_group": customer_group,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "is_active": is_active,
    }
    errors: dict[str, list[str]] = {}
    try:
        cleaned = clean_price_list_fields(values, instance=None)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        priced = clean_items(items or [])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        price_list = PriceList.objects.create(**cleaned)
        PriceListItem.objects.bulk_create(
            PriceListItem(price_list=price_list, product=product, unit_price=price)
            for product, price in priced.values()
        )
        after = {**snapshot(price_list), "items": {str(pid): str(price) for pid, (_p, price) in priced.items()}}
        record_event("price_list.created", price_list, actor=actor, after=after)
    return price_list


def update_price_list(
    price_list: PriceList,
    *,
    actor: User,
    changes: dict[str, Any] | None = None,
    items: list[dict[str, Any]] | None = None,
    remove_products: list[Product] | None = None,
) -> PriceList:
    """Change a price list's fields, set item prices (added or replaced, one per product) and remove products'
    items, all at once; record `price_list.updated` with the changed fields and, under `items`, each changed
    product's price before and after (null: not in the list)."""
    check_may_edit(actor)
    changes = changes or {}
    refuse_unknown_fields(changes, PRICE_LIST_FIELDS, error_keys=ERROR_KEYS)
    with transaction.atomic():
        locked = PriceList.objects.select_for_update().get(pk=price_list.pk)
        errors: dict[str, list[str]] = {}
        try:
            cleaned = clean_price_list_fields(changes, instance=locked)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            priced = clean_items(items or [])
        except ValidationError as exc:
            errors.update(exc.message_dict)
        removed: set[int] = set()
        for index, product in enumerate(remove_products or []):
            if not isinstance(product, Product):
                errors[f"remove_product_ids.{index}"] = [_("Choose a product.")]
            elif product.pk in priced:
                errors[f"remove_product_ids.{index}"] = [_("The product cannot be both set and removed.")]
            else:
                removed.add(product.pk)
        if errors:
            raise ValidationError(errors)

        changed, old, new = apply_changes(locked, cleaned)

        stored = {pid: price for pid, price in locked.items.values_list("product_id", "unit_price")}
        old_items: dict[str, str | None] = {}
        new_items: dict[str, str | None] = {}
        for pid, (_product, price) in priced.items():
            if stored.get(pid) != price:
                old_items[str(pid)] = str(stored[pid]) if pid in stored else None
                new_items[str(pid)] = str(price)
        for pid in removed & set(stored):
            old_items[str(pid)] = str(stored[pid])
            new_items[str(pid)] = None
        if new_items:
            locked.items.filter(product_id__in=removed).delete()
            for pid, (product, price) in priced.items():
                if str(pid) in new_items:
                    PriceListItem.objects.update_or_create(
                        price_list=locked, product=product, defaults={"unit_price": price}
                    )
            old["items"], new["items"] = old_items, new_items
            if not changed:
                # Item changes alone still mark the list as changed.
                locked.save(update_fields=["updated_at"])
        if old or new:
            record_event("price_list.updated", locked, actor=actor, before=old, after=new)
    return locked


def delete_price_list(price_list: PriceList, *, actor: User) -> None:
    """Delete a price list and its items; `price_list.deleted` keeps its last state, prices included."""
    check_may_edit(actor)
    with transaction.atomic():
        before = {**snapshot(price_list), "items": item_prices(price_list)}
        record_event("price_list.deleted", price_list, actor=actor, before=before)
        price_list.delete()


# --- discount limits ----------------------------------------------------------------------------------------------


def set_discount_limit(*, actor: User, role: str, max_discount_percent: Decimal | str) -> DiscountLimit:
    """Set the largest line discount (0-100 %, two places) a role may give without approval; record
    `discount_limit.created` or `discount_limit.updated`."""
    check_may_edit(actor)
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Role.values)}]
    percent = collect(
        errors,
        "max_discount_percent",
        clean_decimal,
        max_discount_percent,
        places=2,
        integer_digits=3,
        low=Decimal(0),
        high=Decimal(100),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        limit, created = DiscountLimit.objects.select_for_update().get_or_create(
            role=role, defaults={"max_discount_percent": percent}
        )
        if created:
            record_event("discount_limit.created", limit, actor=actor, after=snapshot(limit))
        elif limit.max_discount_percent != percent:
            before = snapshot(limit, ["max_discount_percent"])
            limit.max_discount_percent = percent
            limit.save(update_fields=["max_discount_percent", "updated_at"])
            record_event(
                "discount_limit.updated",
                limit,
                actor=actor,
                before=before,
                after=snapshot(limit, ["max_discount_percent"]),
            )
    return limit


def delete_discount_limit(limit: DiscountLimit, *, actor: User) -> None:
    """Remove a role's limit (the role may then give no discount without approval); record
    `discount_limit.deleted`."""
    check_may_edit(actor)
    with transaction.atomic():
        record_event("discount_limit.deleted", limit, actor=actor, before=snapshot(limit))
        limit.delete()
