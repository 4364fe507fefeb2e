"""Briefing pages: the list of a user's regions' briefings and one briefing with its charts, PDF and workbook."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.core.scoping import get_for_user
from salesops.reporting import briefing_actions as actions
from salesops.reporting.briefing_documents import briefing_pdf, briefing_workbook, context, filename, layout
from salesops.reporting.briefing_queries import may_send_briefing, visible_briefings, visible_regions

PAGE_SIZE = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def briefing_list(request):
    """The stored briefings of the regions the user reads, newest first, filtered by region."""
    regions = list(visible_regions(request.user))
    briefings = visible_briefings(request.user).order_by("-date", "region__name", "pk")
    region_id = request.GET.get("region")
    if region_id and region_id.isdigit():
        briefings = briefings.filter(region_id=int(region_id))
    return render(
        request,
        "reporting/briefing_list.html",
        {"briefings": briefings[:PAGE_SIZE], "regions": regions, "region_id": region_id},
    )


def get_briefing(request, briefing_id: int):
    return get_for_user(visible_briefings(request.user), request.user, pk=briefing_id)


@login_required
def briefing_detail(request, briefing_id: int):
    """One briefing as it was sent, its charts inline (PNG data URLs), its deliveries and downloads."""
    briefing = get_briefing(request, briefing_id)
    rendered = layout(briefing, get_language(), images="data")
    deliveries = briefing.deliveries.select_related("recipient").order_by("-round", "recipient__username")
    return render(
        request,
        "reporting/briefing_detail.html",
        context(rendered) | {"deliveries": deliveries, "may_send": may_send_briefing(request.user, briefing.region)},
    )


@login_required
def briefing_download(request, briefing_id: int, extension: str):
    briefing = get_briefing(request, briefing_id)
    if extension == "pdf":
        response = HttpResponse(briefing_pdf(briefing, get_language()), content_type="application/pdf")
    else:
        response = HttpResponse(briefing_workbook(briefing, get_language()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename(briefing, extension)}"'
    return response


@login_required
@require_POST
def briefing_send(request, briefing_id: int):
    """Send now: the stored briefing again to the region's recipients."""
    briefing = get_briefing(request, briefing_id)
    try:
        actions.send_briefing_now(briefing, actor=request.user)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The briefing is being sent."))
    return redirect("reporting:briefing", briefing_id=briefing.pk)
