"""Custom field values: validation and conversion, independent of where the definitions come from.

A definition is anything with the attributes of `CustomFieldDefinition` (name, field_type, is_required, choices,
min_value, max_value, max_length, decimal_places, pattern). Values are stored as JSON: text and choice as
strings, numbers as integers, decimals as exact strings ("12.50"), dates as ISO strings, booleans as booleans.
Errors are keyed ``custom_fields.<name>`` so the API and forms can point at the field at fault.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_DECIMAL_PLACES = 10
MAX_INTEGER_DIGITS = 18  # fits a 64-bit integer and keeps decimals exact in every database and in JSON
TRUE_WORDS = {"true", "1", "yes", "y", "on", "是"}
FALSE_WORDS = {"false", "0", "no", "n", "off", "否"}


def error_key(name: str) -> str:
    return f"custom_fields.{name}"


def validate_definition(definition) -> None:
    """Check a definition itself: a usable key, choices for choice fields, a compilable pattern, sane bounds."""
    errors: dict[str, str] = {}
    if not NAME_PATTERN.match(definition.name or ""):
        errors["name"] = _("Use lowercase letters, digits and underscores, starting with a letter.")
    if definition.field_type == "choice":
        choices = definition.choices
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c for c in choices):
            errors["choices"] = _("A choice field needs a list of non-empty text choices.")
        elif len(set(choices)) != len(choices):
            errors["choices"] = _("Choices must be unique.")
    if definition.pattern:
        try:
            re.compile(definition.pattern)
        except re.error as exc:
            errors["pattern"] = _("Not a valid regular expression: %(error)s") % {"error": exc}
    if definition.field_type == "decimal" and not 0 <= (definition.decimal_places or 0) <= MAX_DECIMAL_PLACES:
        errors["decimal_places"] = _("Between 0 and %(n)d decimal places.") % {"n": MAX_DECIMAL_PLACES}
    bounded = definition.min_value is not None and definition.max_value is not None
    if bounded and definition.min_value > definition.max_value:
        errors["max_value"] = _("The maximum is below the minimum.")
    if errors:
        raise ValidationError(errors)


def clean_value(definition, raw: Any) -> Any:
    """Convert one raw value (from JSON, a form or a CSV cell) to its stored form, or raise ValidationError."""
    kind = definition.field_type
    if isinstance(raw, str) and "\x00" in raw:
        raise ValidationError(_("Text may not contain NUL characters."))
    if isinstance(raw, dict | list):
        raise ValidationError(_("Enter a single value."))
    if kind in {"text", "choice"} and not isinstance(raw, str):
        raise ValidationError(_("Enter text."))
    if kind == "text":
        value = str(raw)
        if definition.max_length and len(value) > definition.max_length:
            raise ValidationError(_("At most %(n)d characters.") % {"n": definition.max_length})
        if definition.pattern and not re.fullmatch(definition.pattern, value):
            raise ValidationError(_("Does not match the required format."))
        return value
    if kind == "choice":
        value = str(raw)
        if value not in definition.choices:
            raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(definition.choices)})
        return value
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Enter true or false."))
    if kind == "date":
        if isinstance(raw, datetime.datetime):
            raw = raw.date()
        if isinstance(raw, datetime.date):
            return raw.isoformat()
        try:
            return datetime.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == "number":
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValidationError(_("Enter a whole number."))
        try:
            number = int(raw) if not isinstance(raw, str) else int(raw.strip())
        except (TypeError, ValueError):
            raise ValidationError(_("Enter a whole number.")) from None
        if abs(number) >= 10**MAX_INTEGER_DIGITS:
            raise ValidationError(_("The number is too large."))
        check_bounds(definition, Decimal(number))
        return number
    if kind == "decimal":
        if isinstance(raw, bool):
            raise ValidationError(_("Enter a number."))
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."))
        if number != 0 and number.adjusted() >= MAX_INTEGER_DIGITS:
            raise ValidationError(_("The number is too large."))
        places = min(definition.decimal_places, MAX_DECIMAL_PLACES)
        quantum = Decimal(1).scaleb(-places)
        if number != number.quantize(quantum, rounding=ROUND_HALF_UP):
            raise ValidationError(_("At most %(n)d decimal places.") % {"n": places})
        check_bounds(definition, number)
        return str(number.quantize(quantum, rounding=ROUND_HALF_UP))
    raise ValidationError(_("Unknown field type %(type)s.") % {"type": kind})


def check_bounds(definition, number: Decimal) -> None:
    if definition.min_value is not None and number < definition.min_value:
        raise ValidationError(_("Must be at least %(n)s.") % {"n": definition.min_value.normalize()})
    if definition.max_value is not None and number > definition.max_value:
        raise ValidationError(_("Must be at most %(n)s.") % {"n": definition.max_value.normalize()})


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def validate_values(
    definitions, data: Any, *, existing: dict | None = None, reject_unknown: bool = True, require: str = "all"
) -> dict:
    """Validate a set of values and return the complete stored dict.

    `data` holds the values being written; `existing` the values already stored (for partial updates). Unknown
    names in `data` are refused when `reject_unknown`, so a typo never silently stores data nobody sees; values
    of definitions an administrator has since deactivated are kept as they are.

    `require` says which required fields must have a value: "all" (creating), "given" (updating: a required
    field may not be cleared, but a field made required after the record was created does not block unrelated
    edits) or "none".
    """
    if not isinstance(data, dict):
        raise ValidationError({"custom_fields": [_("Expected an object of field names to values.")]})
    by_name = {d.name: d for d in definitions}
    errors: dict[str, list[str]] = {}
    if reject_unknown:
        for name in data:
            if name not in by_name:
                errors[error_key(name)] = [_("Unknown custom field.")]
    merged = {**(existing or {}), **data}
    result = {name: value for name, value in merged.items() if name not in by_name}
    for name, definition in by_name.items():
        raw = merged.get(name)
        if is_blank(raw):
            if definition.is_required and (require == "all" or (require == "given" and name in data)):
                errors[error_key(name)] = [_("This field is required.")]
            continue
        try:
            result[name] = clean_value(definition, raw)
        except ValidationError as exc:
            errors[error_key(name)] = exc.messages
    if errors:
        raise ValidationError(errors)
    return result


def form_field(definition) -> forms.Field:
    """A Django form field for a definition, used by admin and page forms."""
    common = {
        "label": definition.display_label(),
        "required": definition.is_required,
        "help_text": definition.help_text,
        # The same rules as the API: bounds, pattern, decimal places.
        "validators": [lambda value: clean_value(definition, value)],
    }
    kind = definition.field_type
    if kind == "text":
        return forms.CharField(max_length=definition.max_length or None, **common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in definition.choices], **common)
    if kind == "boolean":
        return forms.NullBooleanField(
            widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]), **common
        )
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "number":
        return forms.IntegerField(**common)
    return forms.DecimalField(decimal_places=definition.decimal_places, **common)


def json_schema(definition) -> dict:
    """The OpenAPI/JSON-schema property describing one definition's value."""
    kind = definition.field_type
    schema: dict[str, Any] = {"title": definition.label_en or definition.label, "description": definition.help_text}
    if kind == "text":
        schema["type"] = "string"
        if definition.max_length:
            schema["maxLength"] = definition.max_length
        if definition.pattern:
            schema["pattern"] = definition.pattern
    elif kind == "choice":
        schema.update(type="string", enum=list(definition.choices))
    elif kind == "boolean":
        schema["type"] = "boolean"
    elif kind == "date":
        schema.update(type="string", format="date")
    elif kind == "number":
        schema["type"] = "integer"
    else:
        schema.update(type="string", format="decimal", pattern=r"^-?\d+(\.\d+)?$")
    if kind in {"number", "decimal"}:
        if definition.min_value is not None:
            schema["minimum"] = float(definition.min_value)
        if definition.max_value is not None:
            schema["maximum"] = float(definition.max_value)
    schema["nullable"] = not definition.is_required
    return schema


def filter_lookups(definitions, params: dict[str, str]) -> dict[str, Any]:
    """ORM lookups for ``cf_<name>=value`` (and ``cf_<name>__gte/__lte`` on numbers and dates) query params.

    Raises ValidationError naming the parameter when a value doesn't fit its field.
    """
    by_name = {d.name: d for d in definitions}
    lookups: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for param, raw in params.items():
        if not param.startswith("cf_"):
            continue
        name, _sep, operator = param[3:].partition("__")
        definition = by_name.get(name)
        if definition is None or operator not in {"", "gte", "lte"}:
            errors[param] = [_("Unknown custom field filter.")]
            continue
        if operator and definition.field_type not in {"number", "date"}:
            errors[param] = [_("Range filters work on whole numbers and dates only.")]
            continue
        try:
            value = clean_value(definition, raw)
        except ValidationError as exc:
            errors[param] = exc.messages
            continue
        lookups[f"custom_fields__{name}" + (f"__{operator}" if operator else "")] = value
    if errors:
        raise ValidationError(errors)
    return lookups
