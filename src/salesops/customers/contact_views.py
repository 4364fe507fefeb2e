"""Contact and address pages: the contacts list (search, filters, CSV), and add, edit, deactivate or delete forms
reached from the customer page. Reads go through the scopes; writes through `contact_actions`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.core.exports import EXPORT_FORMATS
from salesops.core.models import CustomFieldDefinition
from salesops.core.pages import filters_from_request, list_query_string
from salesops.core.querying import InvalidParameter
from salesops.core.scoping import for_user, get_for_user
from salesops.core.timeline import timeline_entries
from salesops.customers import contact_actions
from salesops.customers.exports import contacts_export
from salesops.customers.filters import filter_contacts
from salesops.customers.forms import AddressForm, ContactForm
from salesops.customers.models import Contact, Customer, CustomerAddress
from salesops.customers.queries import visible_contacts
from salesops.customers.schemas import ContactFilters
from salesops.customers.views import PAGE_SIZE, require_change_rights, scoped_customer


def scoped_contact(request, contact_id: int) -> Contact:
    return get_for_user(Contact.objects.select_related("customer"), request.user, pk=contact_id)


def scoped_address(request, address_id: int) -> CustomerAddress:
    return get_for_user(CustomerAddress.objects.select_related("customer"), request.user, pk=address_id)


def customer_url(customer: Customer, section: str) -> str:
    return reverse("customers:detail", args=[customer.pk]) + f"#{section}"


@login_required
def contact_list(request):
    filters = filters_from_request(request, ContactFilters)
    if "is_active" not in request.GET:  # a first visit shows the people one can still call
        filters = filters.model_copy(update={"is_active": True})
    try:
        contacts = filter_contacts(visible_contacts(request.user), filters, request.GET)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        contacts = filter_contacts(visible_contacts(request.user), ContactFilters(), {})
    if request.GET.get("format") in EXPORT_FORMATS:
        return contacts_export(contacts, request.GET["format"])
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    with_contacts = Exists(Contact.objects.filter(customer=OuterRef("pk")))
    context = {
        "page": page,
        "filters": filters,
        "customers": for_user(Customer.objects.filter(with_contacts), request.user)
        .order_by("name")
        .values_list("pk", "name"),
        "custom_fields": CustomFieldDefinition.objects.for_model(Contact),
        "query_string": list_query_string(request),
    }
    template = "customers/contact_list.html#results" if request.htmx else "customers/contact_list.html"
    return render(request, template, context)


def save_form(request, form, save, *, success: str, next_url: str):
    """On a valid POST, run `save()`: show its ValidationError on the form, or redirect to `next_url`."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return None


def render_form(request, form, *, title: str, cancel_url: str, subject=None):
    """The shared form page; editing an existing record shows its timeline under the form."""
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    if subject is not None:
        context["timeline"] = timeline_entries(subject)
    return render(request, "customers/record_form.html" if subject is not None else "form_page.html", context)


@login_required
def contact_create(request, customer_id: int):
    customer = scoped_customer(request, customer_id)
    require_change_rights(request)
    form = ContactForm(request.POST or None)
    back = customer_url(customer, "contacts")
    saved = save_form(
        request,
        form,
        lambda: contact_actions.create_contact(actor=request.user, customer=customer, **form.action_values()),
        success=_("Contact added."),
        next_url=back,
    )
    title = _("New contact of %(customer)s") % {"customer": customer.name}
    return saved or render_form(request, form, title=title, cancel_url=back)


@login_required
def contact_edit(request, contact_id: int):
    contact = scoped_contact(request, contact_id)
    require_change_rights(request)
    form = ContactForm(request.POST or None, instance=contact)
    back = customer_url(contact.customer, "contacts")
    saved = save_form(
        request,
        form,
        lambda: contact_actions.update_contact(contact, actor=request.user, changes=form.action_values()),
        success=_("Contact saved."),
        next_url=back,
    )
    title = f"{contact.name} · {contact.customer.name}"
    return saved or render_form(request, form, title=title, cancel_url=back, subject=contact)


@login_required
@require_POST
def contact_deactivate(request, contact_id: int):
    contact = scoped_contact(request, contact_id)
    require_change_rights(request)
    contact_actions.deactivate_contact(contact, actor=request.user)
    messages.success(request, _("%(name)s is no longer an active contact.") % {"name": contact.name})
    return redirect(customer_url(contact.customer, "contacts"))


@login_required
def address_create(request, customer_id: int):
    customer = scoped_customer(request, customer_id)
    require_change_rights(request)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in CustomerAddress.Kind.values else None
    form = AddressForm(request.POST or None, initial=initial)
    back = customer_url(customer, "addresses")
    saved = save_form(
        request,
        form,
        lambda: contact_actions.create_address(actor=request.user, customer=customer, **form.action_values()),
        success=_("Address added."),
        next_url=back,
    )
    title = _("New address of %(customer)s") % {"customer": customer.name}
    return saved or render_form(request, form, title=title, cancel_url=back)


@login_required
def address_edit(request, address_id: int):
    address = scoped_address(request, address_id)
    require_change_rights(request)
    form = AddressForm(request.POST or None, instance=address)
    back = customer_url(address.customer, "addresses")
    saved = save_form(
        request,
        form,
        lambda: contact_actions.update_address(address, actor=request.user, changes=form.action_values()),
        success=_("Address saved."),
        next_url=back,
    )
    title = f"{address.get_kind_display()} · {address.customer.name}"
    return saved or render_form(request, form, title=title, cancel_url=back, subject=address)


@login_required
def address_delete(request, address_id: int):
    address = scoped_address(request, address_id)
    require_change_rights(request)
    if request.method == "POST":
        contact_actions.delete_address(address, actor=request.user)
        messages.success(request, _("Address deleted."))
        return redirect(customer_url(address.customer, "addresses"))
    return render(
        request,
        "customers/confirm_address_delete.html",
        {"address": address, "cancel_url": customer_url(address.customer, "addresses")},
    )
