"""Forms of the costs pages: entering a cost, defining a pool, choosing the report's slices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit, User
from salesops.catalog.models import ProductLine
from salesops.core.scoping import for_user
from salesops.costs.actions import SELLER_ROLES
from salesops.costs.models import AllocationBasis, CostKind, Dimension
from salesops.customers.models import Customer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def regions():
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION).order_by("name")


class CostEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=CostKind.choices)
    amount = forms.DecimalField(label=_("amount (CNY)"), min_value=0.01, max_digits=14, decimal_places=2)
    date = forms.DateField(label=_("date"), widget=DATE)
    description = forms.CharField(label=_("description"), max_length=500, required=False)
    region = forms.ModelChoiceField(label=_("region"), queryset=OrgUnit.objects.none(), required=False)
    office = forms.ModelChoiceField(label=_("office"), queryset=OrgUnit.objects.none(), required=False)
    product_line = forms.ModelChoiceField(label=_("product line"), queryset=ProductLine.objects.none(), required=False)
    salesperson = forms.ModelChoiceField(label=_("salesperson"), queryset=User.objects.none(), required=False)
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions()
        self.fields["office"].queryset = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("name")
        self.fields["product_line"].queryset = ProductLine.objects.filter(is_active=True)
        self.fields["salesperson"].queryset = User.objects.filter(role__in=SELLER_ROLES, is_active=True).order_by(
            "username"
        )
        self.fields["customer"].queryset = for_user(Customer.objects.order_by("name"), user)

    def action_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name] for name in ("kind", "amount", "date", "description")}
        for name in ("region", "office", "product_line", "salesperson", "customer"):
            arguments[f"{name}_id"] = data[name].pk if data[name] is not None else None
        return arguments


class CostPoolForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=CostKind.choices)
    period_start = forms.DateField(label=_("period start"), widget=DATE)
    period_end = forms.DateField(label=_("period end"), widget=DATE)
    total_amount = forms.DecimalField(label=_("total amount (CNY)"), min_value=0.01, max_digits=14, decimal_places=2)
    basis = forms.ChoiceField(label=_("allocation basis"), choices=AllocationBasis.choices)
    dimension = forms.ChoiceField(label=_("allocated over"), choices=Dimension.choices)
    region = forms.ModelChoiceField(
        label=_("region"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("the whole company")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions()

    def action_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        region = data.pop("region")
        return {**data, "region_id": region.pk if region is not None else None}
