"""Special discount authorisation pages: the list with the request form, and one authorisation's page with its
approval (chain and decisions), revoke form and timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.approvals.views import approval_panel
from salesops.catalog import authorisation_actions
from salesops.catalog.models import DiscountAuthorisation
from salesops.catalog.queries import active_on, visible_discount_authorisations, visible_product_lines
from salesops.core import clock
from salesops.core.scoping import get_for_user
from salesops.core.timeline import timeline_entries
from salesops.customers.models import CustomerGroup
from salesops.customers.queries import visible_customers

PAGE_SIZE = 25
MAX_CUSTOMER_CHOICES = 500
FORM_FIELDS = ("customer_id", "customer_group_id", "product_line_id", "max_discount_percent", "valid_from", "valid_to")


def form_context(user, values: dict | None = None, errors: dict | None = None) -> dict:
    """The request form: the customers the user may see, groups for those who may ask for one, product lines."""
    may_ask = authorisation_actions.may_request_authorisation(user)
    return {
        "may_ask": may_ask,
        "customers": list(visible_customers(user).order_by("name")[:MAX_CUSTOMER_CHOICES]) if may_ask else [],
        "groups": list(CustomerGroup.objects.order_by("name"))
        if authorisation_actions.may_request_for_groups(user)
        else [],
        "product_lines": list(visible_product_lines(user).filter(is_active=True).order_by("name")) if may_ask else [],
        "values": values or {"valid_from": clock.today().isoformat()},
        "errors": errors or {},
    }


@login_required
def authorisation_list(request):
    rows = visible_discount_authorisations(request.user).order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status == "active":
        rows = active_on(rows, clock.today())
    elif status in DiscountAuthorisation.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": clock.today(),
        "status": status,
        "statuses": [("active", _("active")), *DiscountAuthorisation.Status.choices],
        "query_string": f"status={status}" if status else "",
        **form_context(request.user),
    }
    return render(request, "catalog/authorisation_list.html", context)


@login_required
@require_POST
def authorisation_create(request):
    values = {name: request.POST.get(name, "").strip() for name in (*FORM_FIELDS, "reason")}
    try:
        authorisation = authorisation_actions.request_discount_authorisation(
            actor=request.user,
            customer_id=values["customer_id"] or None,
            customer_group_id=values["customer_group_id"] or None,
            product_line_id=values["product_line_id"] or None,
            max_discount_percent=values["max_discount_percent"],
            valid_from=values["valid_from"],
            valid_to=values["valid_to"],
            reason=values["reason"],
        )
    except ValidationError as exc:
        page = Paginator(visible_discount_authorisations(request.user).order_by("-created_at", "-pk"), PAGE_SIZE)
        context = {
            "page": page.get_page(1),
            "today": clock.today(),
            "statuses": [("active", _("active")), *DiscountAuthorisation.Status.choices],
            **form_context(request.user, values, exc.message_dict),
        }
        return render(request, "catalog/authorisation_list.html", context, status=422)
    messages.success(
        request,
        _("Discount authorisation %(number)s is %(status)s.")
        % {"number": authorisation.number, "status": authorisation.get_status_display()},
    )
    return redirect("catalog:authorisation", authorisation_id=authorisation.pk)


@login_required
def authorisation_detail(request, authorisation_id: int):
    user = request.user
    authorisation = get_for_user(visible_discount_authorisations(user), user, pk=authorisation_id)
    state = authorisation.state(clock.today())
    context = {
        "authorisation": authorisation,
        "state": state,
        "may_revoke": state in ("active", "scheduled") and authorisation_actions.may_revoke(user, authorisation),
        "approval": approval_panel(authorisation, user),
        "timeline": timeline_entries(authorisation),
    }
    return render(request, "catalog/authorisation_detail.html", context)


@login_required
@require_POST
def authorisation_revoke(request, authorisation_id: int):
    user = request.user
    authorisation = get_for_user(visible_discount_authorisations(user), user, pk=authorisation_id)
    try:
        authorisation_actions.revoke_discount_authorisation(
            authorisation, actor=user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, _("Discount authorisation %(number)s is revoked.") % {"number": authorisation.number})
    return redirect("catalog:authorisation", authorisation_id=authorisation.pk)
