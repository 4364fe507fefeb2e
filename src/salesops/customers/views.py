"""Customer pages: list (search, filters, CSV), detail with contacts, addresses and timeline, create, edit, delete.
Contact and address pages are in contact_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from salesops.core.exports import EXPORT_FORMATS
from salesops.core.models import CustomFieldDefinition
from salesops.core.pages import filters_from_request, list_query_string
from salesops.core.querying import InvalidParameter
from salesops.core.scoping import get_for_user
from salesops.core.timeline import timeline_entries
from salesops.customers import actions
from salesops.customers.credit_release_views import release_section
from salesops.customers.exports import customers_export
from salesops.customers.filters import filter_customers
from salesops.customers.forms import CreditForm, CustomerForm
from salesops.customers.models import Customer, CustomerAddress
from salesops.customers.queries import can_change_customers, timeline_subjects, visible_customers
from salesops.customers.schemas import CustomerFilters

PAGE_SIZE = 25


def scoped_customer(request, customer_id: int) -> Customer:
    return get_for_user(Customer.objects.select_related("office", "region", "owner"), request.user, pk=customer_id)


@login_required
def customer_list(request):
    filters = filters_from_request(request, CustomerFilters)
    try:
        customers = filter_customers(visible_customers(request.user), filters, request.GET)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        customers = filter_customers(visible_customers(request.user), CustomerFilters(), {})
    if request.GET.get("format") in EXPORT_FORMATS:
        return customers_export(customers, request.GET["format"])
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": Customer.Status.choices,
        "can_change": can_change_customers(request.user),
        "custom_fields": CustomFieldDefinition.objects.for_model(Customer),
        "query_string": list_query_string(request),
    }
    template = "customers/list.html#results" if request.htmx else "customers/list.html"
    return render(request, template, context)


@login_required
def customer_detail(request, customer_id: int):
    customer = scoped_customer(request, customer_id)
    definitions = CustomFieldDefinition.objects.for_model(Customer)
    custom_values = [(d.display_label(), customer.custom_fields.get(d.name)) for d in definitions]
    sections = contacts_and_addresses(customer)
    # The contacts' and addresses' events too: who changed a phone number or an address belongs to the customer's
    # history.
    related = timeline_subjects(
        customer, sections["active_contacts"] + sections["inactive_contacts"], sections["addresses"]
    )
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "custom_values": custom_values,
            "timeline": timeline_entries(customer, related=related),
            "can_change": can_change_customers(request.user),
            "credit_form": credit_form_for(request.user, customer),
            **sections,
            **release_section(request.user, customer),
        },
    )


def contacts_and_addresses(customer: Customer) -> dict:
    """What the customer page shows of its contacts (active ones first) and addresses."""
    contacts = list(customer.contacts.order_by("-is_active", "-is_primary", "name"))
    addresses = list(customer.addresses.order_by("kind", "-is_default", "label", "pk"))
    kinds_without_default = [
        label
        for kind, label in CustomerAddress.Kind.choices
        if any(a.kind == kind for a in addresses) and not any(a.kind == kind and a.is_default for a in addresses)
    ]
    return {
        "active_contacts": [c for c in contacts if c.is_active],
        "inactive_contacts": [c for c in contacts if not c.is_active],
        "addresses": addresses,
        "kinds_without_default": kinds_without_default,
    }


def credit_form_for(user, customer, data=None) -> CreditForm | None:
    if not actions.may_manage_credit(user):
        return None
    return CreditForm(
        data,
        initial={
            "credit_limit": customer.credit_limit,
            "payment_term": customer.payment_term,
            "credit_status": customer.credit_status,
        },
    )


@login_required
def customer_credit(request, customer_id: int):
    customer = scoped_customer(request, customer_id)
    if not actions.may_manage_credit(request.user):
        raise PermissionDenied(_("Only finance and risk control set credit terms."))
    form = credit_form_for(request.user, customer, request.POST)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                actions.set_credit_terms(
                    customer, actor=request.user, credit_limit=data["credit_limit"], payment_term=data["payment_term"]
                )
                if data["credit_status"] != customer.credit_status:
                    actions.set_credit_status(
                        customer, actor=request.user, status=data["credit_status"], reason=data["reason"]
                    )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Credit saved."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/credit_page.html", {"customer": customer, "credit_form": form})


def require_change_rights(request) -> None:
    if not can_change_customers(request.user):
        raise PermissionDenied(_("Your role may not change customers."))


@login_required
def customer_create(request):
    require_change_rights(request)
    form = CustomerForm(
        request.POST or None, user=request.user, initial=None if request.POST else default_initial(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            customer = actions.create_customer(actor=request.user, **form.action_values())
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Customer created."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request, "form_page.html", {"form": form, "title": _("New customer"), "cancel_url": reverse("customers:list")}
    )


def default_initial(user) -> dict:
    office = user.org_unit.ancestor_of_kind("office") if user.org_unit_id else None
    return {"owner": user.pk, "office": office.pk if office else None, "status": Customer.Status.ACTIVE}


@login_required
def customer_edit(request, customer_id: int):
    customer = scoped_customer(request, customer_id)
    require_change_rights(request)
    form = CustomerForm(request.POST or None, user=request.user, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_customer(customer, actor=request.user, changes=form.action_values())
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Customer saved."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "customer": customer,
            "title": customer.name,
            "cancel_url": reverse("customers:detail", args=[customer.pk]),
        },
    )


@login_required
def customer_delete(request, customer_id: int):
    customer = scoped_customer(request, customer_id)
    require_change_rights(request)
    if request.method == "POST":
        actions.delete_customer(customer, actor=request.user)
        messages.success(request, _("Customer deleted."))
        return redirect("customers:list")
    return render(request, "customers/confirm_delete.html", {"customer": customer})
