"""The product form used by the pages: model fields plus one field per active custom field definition."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salesops.catalog.models import Product, ProductLine
from salesops.core import customfields
from salesops.core.models import CustomFieldDefinition

CUSTOM_PREFIX = "cf_"
FIELDS = ("sku", "name", "line", "unit", "list_price", "standard_cost", "tax_rate", "is_active")
# Action error keys → form field names.
ERROR_FIELDS = {"line_id": "line"}


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=200)
    line = forms.ModelChoiceField(label=_("product line"), queryset=ProductLine.objects.none())
    unit = forms.CharField(label=_("unit"), max_length=20, initial="件")
    list_price = forms.DecimalField(label=_("list price"), min_value=0, max_digits=14, decimal_places=2)
    standard_cost = forms.DecimalField(label=_("standard cost"), min_value=0, max_digits=14, decimal_places=2)
    tax_rate = forms.DecimalField(
        label=_("tax rate"),
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        initial=Decimal("0.13"),
        help_text=_("As a fraction: 0.13 is 13 %."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, instance: Product | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{field: getattr(instance, field) for field in FIELDS if field != "line"},
                "line": instance.line_id,
                **{CUSTOM_PREFIX + k: v for k, v in instance.custom_fields.items()},
            }
        super().__init__(*args, **kwargs)
        lines = ProductLine.objects.filter(is_active=True)
        if instance is not None:  # the current line stays selectable after it is retired
            lines = lines | ProductLine.objects.filter(pk=instance.line_id)
        self.fields["line"].queryset = lines.distinct().order_by("code")
        self.definitions = CustomFieldDefinition.objects.for_model(Product)
        for definition in self.definitions:
            self.fields[CUSTOM_PREFIX + definition.name] = customfields.form_field(definition)

    def action_values(self) -> dict:
        data = self.cleaned_data
        values = {field: data[field] for field in FIELDS}
        values["custom_fields"] = {d.name: data.get(CUSTOM_PREFIX + d.name) for d in self.definitions}
        return values

    def add_action_errors(self, exc: ValidationError) -> None:
        """Show an action's ValidationError next to the fields it names."""
        for key, messages in exc.message_dict.items():
            field = ERROR_FIELDS.get(key, key)
            if field.startswith("custom_fields."):
                field = CUSTOM_PREFIX + field.removeprefix("custom_fields.")
            self.add_error(field if field in self.fields else None, messages)
