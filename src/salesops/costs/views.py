"""Costs pages: the profitability report (table, chart, export), cost entries and cost pools."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.core.exports import EXPORT_FORMATS
from salesops.core.scoping import get_for_user
from salesops.costs import actions
from salesops.costs.exports import profitability_export
from salesops.costs.forms import CostEntryForm, CostPoolForm
from salesops.costs.models import CostKind
from salesops.costs.queries import (
    GROUPS,
    may_edit_costs,
    may_see_costs,
    profitability,
    visible_cost_entries,
    visible_cost_pools,
)

GROUP_LABELS = {"region": _("region"), "product_line": _("product line"), "salesperson": _("salesperson")}


def require_reader(request) -> None:
    if not may_see_costs(request.user):
        raise PermissionDenied(_("Only finance, directors, managers and administrators see costs."))


def parse_day(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def margin_chart(report) -> dict:
    """An ECharts option: revenue, costs (cost of goods and attributed) and margin per row, as grouped bars."""
    labels = [row.label() for row in report.rows]

    def series(name: str, values) -> dict:
        return {"type": "bar", "name": name, "data": [float(value) for value in values]}

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "grid": {"left": 8, "right": 24, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": labels,
            "axisLabel": {"interval": 0, "rotate": 30 if len(labels) > 4 else 0},
        },
        "yAxis": {"type": "value"},
        "series": [
            series(_("revenue"), (row.figures.revenue for row in report.rows)),
            series(_("cost of goods"), (row.figures.cost_of_goods for row in report.rows)),
            series(_("costs"), (row.figures.costs for row in report.rows)),
            series(_("margin"), (row.figures.margin for row in report.rows)),
        ],
    }


@login_required
def report_page(request):
    """Profitability by any combination of region, product line and salesperson over a period."""
    require_reader(request)
    chosen = {part for value in request.GET.getlist("group_by") for part in value.split(",")}
    group_by = [name for name in GROUPS if name in chosen] if "group_by" in request.GET else ["region"]
    date_from, date_to = parse_day(request.GET.get("date_from")), parse_day(request.GET.get("date_to"))
    report = profitability(request.user, group_by=group_by, date_from=date_from, date_to=date_to)
    if request.GET.get("format") in EXPORT_FORMATS:
        return profitability_export(report, request.GET["format"])
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "report": report,
        "groups": [(name, GROUP_LABELS[name], name in group_by) for name in GROUPS],
        "columns": [GROUP_LABELS[name] for name in report.group_by],
        "date_from": date_from,
        "date_to": date_to,
        "chart": margin_chart(report),
        "query_string": query.urlencode(),
        "can_edit": may_edit_costs(request.user),
    }
    return render(request, "costs/report.html", context)


@login_required
def entries_page(request):
    require_reader(request)
    entries = visible_cost_entries(request.user)
    kind = request.GET.get("kind")
    if kind in CostKind.values:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": CostKind.choices, "kind": kind, "can_edit": may_edit_costs(request.user)}
    return render(request, "costs/entries.html", context)


def apply_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        name = field.removesuffix("_id")
        form.add_error(name if name in form.fields else None, errors)


@login_required
def entry_create(request):
    actions.check_may_edit(request.user)
    form = CostEntryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.create_cost_entry(actor=request.user, **form.action_arguments())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Cost of %(amount)s CNY entered.") % {"amount": entry.amount})
            return redirect("costs:entries")
    context = {"form": form, "title": _("Enter a cost"), "cancel_url": reverse("costs:entries")}
    return render(request, "form_page.html", context)


@login_required
def pools_page(request):
    require_reader(request)
    pools = visible_cost_pools(request.user).prefetch_related("entries")
    page = Paginator(pools, 50).get_page(request.GET.get("page"))
    return render(request, "costs/pools.html", {"page": page, "can_edit": may_edit_costs(request.user)})


@login_required
def pool_create(request):
    actions.check_may_edit(request.user)
    form = CostPoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pool = actions.create_cost_pool(actor=request.user, **form.action_arguments())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Cost pool %(name)s defined: allocate it to create its entries.") % {"name": pool.name}
            )
            return redirect("costs:pools")
    context = {"form": form, "title": _("Define a cost pool"), "cancel_url": reverse("costs:pools")}
    return render(request, "form_page.html", context)


@login_required
@require_POST
def pool_allocate(request, pool_id: int):
    pool = get_for_user(visible_cost_pools(request.user), request.user, pk=pool_id)
    try:
        pool = actions.allocate_cost_pool(pool, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(name)s allocated: %(count)d entries.") % {"name": pool.name, "count": pool.entries.count()}
        )
    return redirect("costs:pools")
