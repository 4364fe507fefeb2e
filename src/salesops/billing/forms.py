"""Forms for finance: record a payment, refund customer credit, request a correction."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesops.billing.models import CorrectionRequest, Payment
from salesops.catalog.pricing import company_today
from salesops.customers.queries import visible_customers


class PaymentForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("customer"), queryset=None)
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2, min_value=0.01)
    received_on = forms.DateField(label=_("received on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("method"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)
    invoice = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = visible_customers(user).filter(status="active")
        self.fields["received_on"].initial = company_today()


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("amount"), max_digits=14, decimal_places=2, min_value=0.01)
    paid_on = forms.DateField(label=_("paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("method"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = company_today()


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=CorrectionRequest.Kind.choices)
    reason = forms.CharField(label=_("reason"), max_length=500)
