"""Forms used by the pages: customers and contacts (model fields plus one field per active custom field
definition), addresses, and credit."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit, User
from salesops.core import customfields
from salesops.core.models import CustomFieldDefinition
from salesops.customers.contact_actions import ADDRESS_FIELDS, CONTACT_FIELDS
from salesops.customers.models import Contact, Customer, CustomerAddress, CustomerGroup
from salesops.customers.queries import assignable_offices, assignable_owners

CUSTOM_PREFIX = "cf_"


class ActionErrorsMixin:
    """Show an action's ValidationError next to the fields it names (`error_fields` maps action keys to fields)."""

    error_fields: dict[str, str] = {}

    def add_action_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            field = self.error_fields.get(key, key)
            if field.startswith("custom_fields."):
                field = CUSTOM_PREFIX + field.removeprefix("custom_fields.")
            self.add_error(field if field in self.fields else None, messages)


class CustomFieldsFormMixin:
    """One form field per active custom field definition of `model`, named cf_<name>."""

    def add_custom_fields(self, model) -> None:
        self.definitions = CustomFieldDefinition.objects.for_model(model)
        for definition in self.definitions:
            self.fields[CUSTOM_PREFIX + definition.name] = customfields.form_field(definition)

    def custom_values(self) -> dict:
        return {d.name: self.cleaned_data.get(CUSTOM_PREFIX + d.name) for d in self.definitions}


class CustomerForm(ActionErrorsMixin, CustomFieldsFormMixin, forms.Form):
    error_fields = {"office_id": "office", "owner_id": "owner", "group_id": "group"}

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
        self.add_custom_fields(Customer)

    def custom_field_names(self) -> list[str]:
        return [CUSTOM_PREFIX + d.name for d in self.definitions]

    def action_values(self) -> dict:
        data = self.cleaned_data
        values = {key: data[key] for key in ("name", "credit_code", "status", "office", "group")}
        if data.get("owner"):
            values["owner"] = data["owner"]
        values["custom_fields"] = self.custom_values()
        return values


class CreditForm(forms.Form):
    """Finance and risk control: credit limit, payment term and credit status (a status change needs a reason)."""

    credit_limit = forms.DecimalField(label=_("credit limit"), max_digits=14, decimal_places=2, min_value=0)
    payment_term = forms.ChoiceField(label=_("payment term"), choices=Customer.PaymentTerm.choices)
    credit_status = forms.ChoiceField(label=_("credit status"), choices=Customer.CreditStatus.choices)
    reason = forms.CharField(
        label=_("reason"), max_length=200, required=False, help_text=_("Required when the credit status changes.")
    )


def phone_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})


class ContactForm(ActionErrorsMixin, CustomFieldsFormMixin, forms.Form):
    """A contact; the action checks and normalises phone numbers and e-mail, so the fields here are plain text."""

    name = forms.CharField(label=_("name"), max_length=100)
    job_title = forms.CharField(label=_("job title"), max_length=100, required=False)
    department = forms.CharField(label=_("department"), max_length=100, required=False)
    mobile_phone = forms.CharField(
        label=_("mobile phone"), max_length=30, required=False, widget=phone_input(), help_text=_("e.g. 138 1234 5678")
    )
    office_phone = forms.CharField(
        label=_("office phone"),
        max_length=40,
        required=False,
        widget=phone_input(),
        help_text=_("With area code, e.g. 021-58881234 转 801"),
    )
    email = forms.CharField(
        label=_("e-mail"), max_length=254, required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    wechat_id = forms.CharField(label=_("WeChat ID"), max_length=30, required=False)
    is_primary = forms.BooleanField(
        label=_("primary contact"), required=False, help_text=_("The current primary contact stops being it.")
    )
    notes = forms.CharField(label=_("notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("active"), required=False)

    FIELDS = tuple(field for field in CONTACT_FIELDS if field not in {"is_active", "custom_fields"})

    def __init__(self, *args, instance: Contact | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{field: getattr(instance, field) for field in (*self.FIELDS, "is_active")},
                **{CUSTOM_PREFIX + k: v for k, v in instance.custom_fields.items()},
            }
        super().__init__(*args, **kwargs)
        if instance is None:  # a new contact is active; deactivating is for later
            del self.fields["is_active"]
        self.add_custom_fields(Contact)

    def action_values(self) -> dict:
        values = {field: self.cleaned_data[field] for field in self.FIELDS}
        if "is_active" in self.fields:
            values["is_active"] = self.cleaned_data["is_active"]
        values["custom_fields"] = self.custom_values()
        return values


class AddressForm(ActionErrorsMixin, forms.Form):
    """A billing or shipping address with optional coordinates (rounded to 6 places by the action)."""

    kind = forms.ChoiceField(label=_("kind"), choices=CustomerAddress.Kind.choices)
    label = forms.CharField(
        label=_("label"), max_length=50, required=False, help_text=_("e.g. head office, east warehouse")
    )
    recipient_name = forms.CharField(
        label=_("recipient"), max_length=100, required=False, help_text=_("Required for shipping addresses.")
    )
    recipient_phone = forms.CharField(label=_("recipient phone"), max_length=40, required=False, widget=phone_input())
    province = forms.CharField(label=_("province"), max_length=30)
    city = forms.CharField(label=_("city"), max_length=30)
    district = forms.CharField(label=_("district"), max_length=30, required=False)
    street = forms.CharField(label=_("street address"), max_length=200)
    postal_code = forms.CharField(
        label=_("postal code"), max_length=6, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    latitude = forms.DecimalField(
        label=_("latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("WGS-84 (GPS) decimal degrees, e.g. 31.230416. Leave both coordinates empty if unknown."),
    )
    longitude = forms.DecimalField(
        label=_("longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("e.g. 121.473701"),
    )
    is_default = forms.BooleanField(
        label=_("default address of this kind"),
        required=False,
        help_text=_("The customer's first address of each kind becomes its default anyway."),
    )

    FIELDS = tuple(field for field in ADDRESS_FIELDS if field != "is_default")

    def __init__(self, *args, instance: CustomerAddress | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {field: getattr(instance, field) for field in (*self.FIELDS, "is_default")}
        self.instance = instance
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["is_default"].help_text = _("Unticking it leaves the customer without a default of this kind.")

    def action_values(self) -> dict:
        values = {field: self.cleaned_data[field] for field in self.FIELDS}
        # Unticked on a new address means "default if it is the first of its kind".
        values["is_default"] = self.cleaned_data["is_default"] or (None if self.instance is None else False)
        return values
