"""The project's NinjaAPI: error envelope and an OpenAPI schema that shows each model's current custom fields."""

from django.apps import apps
from ninja import NinjaAPI

from salesops.core import customfields
from salesops.core.models import CustomFieldDefinition

CUSTOM_FIELDS_MARKER = "x-custom-fields-model"


def custom_fields_property(model_label: str) -> dict:
    """The JSON schema of a model's custom_fields object, built from the active definitions."""
    model = apps.get_model(model_label)
    definitions = CustomFieldDefinition.objects.for_model(model)
    return {
        "type": "object",
        "title": "Custom fields",
        "description": "Fields defined by the administrator (see /admin/core/customfielddefinition/).",
        "properties": {definition.name: customfields.json_schema(definition) for definition in definitions},
        "required": [definition.name for definition in definitions if definition.is_required],
        "additionalProperties": False,
        CUSTOM_FIELDS_MARKER: model_label,
    }


def fill_custom_fields(node) -> None:
    """Replace every property tagged with the marker by the model's current custom field schema."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if isinstance(value, dict) and CUSTOM_FIELDS_MARKER in value and key != "properties":
                node[key] = custom_fields_property(value[CUSTOM_FIELDS_MARKER])
            else:
                fill_custom_fields(value)
    elif isinstance(node, list):
        for item in node:
            fill_custom_fields(item)


class SalesopsAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        fill_custom_fields(schema)
        return schema
