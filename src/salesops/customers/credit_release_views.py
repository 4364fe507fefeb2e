"""Credit release pages: the request form on the customer page (posted here) and the request's own page with its
approval and timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.approvals.views import approval_panel
from salesops.core.scoping import for_user, get_for_user
from salesops.core.timeline import timeline_entries
from salesops.customers import credit_release_actions
from salesops.customers.models import CreditReleaseRequest, Customer
from salesops.customers.queries import visible_credit_releases


def release_section(user, customer: Customer) -> dict:
    """What the customer page shows of credit releases: the latest requests and, for those who may ask, the form
    with the customer's orders on hold to name."""
    may_ask = credit_release_actions.may_request_credit_release(user)
    held = for_user(customer.orders.filter(status=credit_release_actions.HELD), user) if may_ask else []
    return {
        "credit_releases": list(visible_credit_releases(user).filter(customer=customer)[:5]),
        "may_ask_credit_release": may_ask,
        "held_orders": list(held),
        "release_kinds": CreditReleaseRequest.Kind.choices,
    }


@login_required
@require_POST
def credit_release_create(request, customer_id: int):
    customer = get_for_user(Customer.objects.all(), request.user, pk=customer_id)
    try:
        release = credit_release_actions.create_credit_release(
            customer,
            actor=request.user,
            kinds=request.POST.getlist("kinds"),
            requested_limit=request.POST.get("requested_limit") or None,
            reason=request.POST.get("reason", ""),
            order_ids=[int(pk) for pk in request.POST.getlist("order_ids") if pk.isdigit()],
        )
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("customers:detail", customer_id=customer.pk)
    messages.success(
        request,
        _("Credit release %(number)s is %(status)s.")
        % {"number": release.number, "status": release.get_status_display()},
    )
    return redirect("customers:credit_release", release_id=release.pk)


@login_required
def credit_release_detail(request, release_id: int):
    release = get_for_user(visible_credit_releases(request.user), request.user, pk=release_id)
    context = {
        "release": release,
        "held_orders": list(release.held_orders.order_by("pk")),
        "approval": approval_panel(release, request.user),
        "timeline": timeline_entries(release),
    }
    return render(request, "customers/credit_release_detail.html", context)
