"""Forms for warehouse staff: goods in, and count corrections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesops.catalog.models import Product
from salesops.inventory.models import Warehouse


class StockChangeForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.filter(is_active=True))
    warehouse = forms.ModelChoiceField(label=_("warehouse"), queryset=Warehouse.objects.filter(is_active=True))


class ReceiptForm(StockChangeForm):
    quantity = forms.DecimalField(label=_("quantity"), max_digits=13, decimal_places=3, min_value=0.001)
    note = forms.CharField(
        label=_("note"), max_length=200, required=False, help_text=_("Delivery note or supplier reference.")
    )


class AdjustmentForm(StockChangeForm):
    change = forms.DecimalField(
        label=_("change"), max_digits=13, decimal_places=3, help_text=_("Positive adds stock, negative removes it.")
    )
    reason = forms.CharField(label=_("reason"), max_length=200)
