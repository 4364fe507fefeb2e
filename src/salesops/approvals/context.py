"""Helpers subject types share to build their rule context: custom fields as typed rule values."""

import datetime
from decimal import Decimal

from salesops.core.models import CustomFieldDefinition
from salesops.core.rules import types as t


def custom_record(definitions: list[CustomFieldDefinition], name: str = "custom") -> t.Record:
    """The rule-language record of these custom field definitions (each may be empty: Nullable)."""
    return t.Record(name, {d.name: t.from_custom_field_type(d.field_type) for d in definitions})


def custom_values(definitions: list[CustomFieldDefinition], stored: dict) -> dict:
    """Stored custom field values as rule values (decimals as Decimal, dates as date); missing ones are None."""
    values = {}
    for definition in definitions:
        raw = (stored or {}).get(definition.name)
        if raw is None or raw == "":
            values[definition.name] = None
        elif definition.field_type == CustomFieldDefinition.FieldType.DECIMAL:
            values[definition.name] = Decimal(str(raw))
        elif definition.field_type == CustomFieldDefinition.FieldType.DATE:
            values[definition.name] = datetime.date.fromisoformat(str(raw))
        else:
            values[definition.name] = raw
    return values
