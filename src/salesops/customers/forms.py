"""The customer form used by the pages: model fields plus one field per active custom field definition."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit, User
from salesops.core import customfields
from salesops.core.models import CustomFieldDefinition
from salesops.customers.models import Customer, CustomerGroup
from salesops.customers.queries import assignable_offices, assignable_owners

CUSTOM_PREFIX = "cf_"
# Action error keys → form field names.
ERROR_FIELDS = {"office_id": "office", "owner_id": "owner", "group_id": "group"}


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18, min_length=18)
    status = forms.ChoiceField(label=_("status"), choices=Customer.Status.choices)
    office = forms.ModelChoiceField(label=_("office"), queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE))
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.filter(is_active=True), required=False)
    group = forms.ModelChoiceField(label=_("customer group"), queryset=CustomerGroup.objects.all(), required=False)

    def __init__(self, *args, user: User, instance: Customer | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "credit_code": instance.credit_code,
                "status": instance.status,
                "office": instance.office_id,
                "owner": instance.owner_id,
                "group": instance.group_id,
                **{CUSTOM_PREFIX + k: v for k, v in instance.custom_fields.items()},
            }
        super().__init__(*args, **kwargs)
        offices, owners = assignable_offices(user), assignable_owners(user)
        if instance is not None:  # the current values stay selectable even when outside the editor's reach
            offices = offices | OrgUnit.objects.filter(pk=instance.office_id)
            owners = owners | User.objects.filter(pk=instance.owner_id)
        self.fields["office"].queryset = offices.distinct().order_by("path")
        self.fields["owner"].queryset = owners.distinct().order_by("username")
        self.definitions = CustomFieldDefinition.objects.for_model(Customer)
        for definition in self.definitions:
            self.fields[CUSTOM_PREFIX + definition.name] = customfields.form_field(definition)

    def custom_field_names(self) -> list[str]:
        return [CUSTOM_PREFIX + d.name for d in self.definitions]

    def action_values(self) -> dict:
        data = self.cleaned_data
        values = {key: data[key] for key in ("name", "credit_code", "status", "office", "group")}
        if data.get("owner"):
            values["owner"] = data["owner"]
        values["custom_fields"] = {d.name: data.get(CUSTOM_PREFIX + d.name) for d in self.definitions}
        return values

    def add_action_errors(self, exc: ValidationError) -> None:
        """Show an action's ValidationError next to the fields it names."""
        for key, messages in exc.message_dict.items():
            field = ERROR_FIELDS.get(key, key)
            if field.startswith("custom_fields."):
                field = CUSTOM_PREFIX + field.removeprefix("custom_fields.")
            self.add_error(field if field in self.fields else None, messages)


class CreditForm(forms.Form):
    """Finance and risk control: credit limit, payment term and credit status (a status change needs a reason)."""

    credit_limit = forms.DecimalField(label=_("credit limit"), max_digits=14, decimal_places=2, min_value=0)
    payment_term = forms.ChoiceField(label=_("payment term"), choices=Customer.PaymentTerm.choices)
    credit_status = forms.ChoiceField(label=_("credit status"), choices=Customer.CreditStatus.choices)
    reason = forms.CharField(
        label=_("reason"), max_length=200, required=False, help_text=_("Required when the credit status changes.")
    )
