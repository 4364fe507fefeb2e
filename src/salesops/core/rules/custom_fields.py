"""Custom fields in rules: a record type from the definitions, and the stored values as the rule reads them.

Definitions are anything with `name` and `field_type` (as in `core/customfields.py`); pass the active ones. A
customer's custom fields then appear to rules as `customer.custom.<name>`, each nullable since a value may be
unset.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .types import Record, from_custom_field_type


def custom_fields_record(definitions, name: str = "custom") -> Record:
    """The record type of the custom fields described by `definitions`."""
    return Record(name, {definition.name: from_custom_field_type(definition.field_type) for definition in definitions})


def custom_field_values(definitions, stored: dict | None) -> dict[str, Any]:
    """Stored custom field values (JSON: decimals and dates as text) converted to what rules compute with.

    A value that no longer fits its definition (the type was changed after it was stored) reads as null, as does
    a value that was never set.
    """
    stored = stored or {}
    values: dict[str, Any] = {}
    for definition in definitions:
        raw = stored.get(definition.name)
        values[definition.name] = None if raw is None else convert(definition.field_type, raw)
    return values


def convert(field_type: str, raw: Any) -> Any:
    try:
        if field_type == "decimal":
            number = Decimal(str(raw))
            return number if number.is_finite() else None
        if field_type == "number":
            return raw if type(raw) is int else None
        if field_type == "date":
            return datetime.date.fromisoformat(raw) if isinstance(raw, str) else None
        if field_type == "boolean":
            return raw if isinstance(raw, bool) else None
        return raw if isinstance(raw, str) else None
    except (InvalidOperation, ValueError):
        return None
