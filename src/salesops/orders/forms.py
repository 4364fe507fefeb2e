"""Order forms for the pages: the header (customer, warehouse, order discount) and a formset of lines."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import User
from salesops.catalog.models import Product
from salesops.core.scoping import for_user
from salesops.customers.models import Customer
from salesops.customers.queries import visible_customers
from salesops.inventory.models import Warehouse

# Action error keys → form field names.
ERROR_FIELDS = {"customer_id": "customer", "warehouse_id": "warehouse", "owner_id": None}
LINE_FIELDS = {"product_id": "product", "quantity": "quantity", "discount_percent": "discount_percent"}


class OrderForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    warehouse = forms.ModelChoiceField(label=_("warehouse"), queryset=Warehouse.objects.none())
    discount_percent = forms.DecimalField(
        label=_("order discount %"), max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0
    )

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = visible_customers(user).filter(status=Customer.Status.ACTIVE)
        self.fields["warehouse"].queryset = for_user(Warehouse.objects.filter(is_active=True), user)
        if editing:  # the customer of an existing order does not change
            del self.fields["customer"]


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.none(), required=False)
    quantity = forms.DecimalField(label=_("quantity"), max_digits=13, decimal_places=3, required=False)
    discount_percent = forms.DecimalField(
        label=_("discount %"), max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = for_user(Product.objects.filter(is_active=True), user)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("product") and self.cleaned_data.get("quantity") in (None, "")


class BaseLineFormSet(forms.BaseFormSet):
    def action_lines(self) -> list[dict]:
        """Filled lines in the form the actions take; blank rows are skipped."""
        self.positions = []
        lines = []
        for index, form in enumerate(self.forms):
            if form.is_blank():
                continue
            self.positions.append(index)
            data = form.cleaned_data
            lines.append(
                {
                    "product": data.get("product"),
                    "quantity": data.get("quantity"),
                    "discount_percent": data.get("discount_percent") or 0,
                }
            )
        return lines


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=3, max_num=200, validate_max=True)


def line_formset(request, document=None) -> BaseLineFormSet:
    """The lines of an order or quote form, bound to what was posted; when editing `document`, filled with its
    lines."""
    initial = None
    if document is not None:
        initial = [
            {"product": line.product_id, "quantity": line.quantity, "discount_percent": line.discount_percent}
            for line in document.lines.all()
        ]
    return LineFormSet(request.POST or None, form_kwargs={"user": request.user}, prefix="lines", initial=initial)


def add_action_errors(form: OrderForm, formset: BaseLineFormSet, exc: ValidationError) -> None:
    """Show an action's ValidationError next to the header field or line field it names."""
    for key, messages in exc.message_dict.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            positions = getattr(formset, "positions", [])
            if index < len(positions):
                formset.forms[positions[index]].add_error(LINE_FIELDS.get(parts[2]), messages)
                continue
        field = ERROR_FIELDS.get(key, key)
        form.add_error(field if field in form.fields else None, messages)


class QuoteForm(OrderForm):
    """The order header plus the date the quoted prices hold until."""

    valid_until = forms.DateField(
        label=_("valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
