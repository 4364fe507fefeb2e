"""Export columns for costs and the profitability report, shared by the page and the API (CSV and Excel)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from salesops.core.exports import export_response
from salesops.costs.queries import GROUPS, Member, Profitability, ProfitRow

COST_COLUMNS = [
    ("id", lambda e: e.pk),
    ("date", lambda e: e.date),
    ("kind", lambda e: e.kind),
    ("amount", lambda e: e.amount),
    ("description", lambda e: e.description),
    ("region", lambda e: e.region.name if e.region_id else ""),
    ("office", lambda e: e.office.name if e.office_id else ""),
    ("product_line", lambda e: e.product_line.name if e.product_line_id else ""),
    ("salesperson", lambda e: e.salesperson.username if e.salesperson_id else ""),
    ("customer", lambda e: e.customer.name if e.customer_id else ""),
    ("pool", lambda e: e.pool_id),
]
FIGURE_COLUMNS = [
    ("revenue", lambda r: r.figures.revenue),
    ("quantity", lambda r: r.figures.quantity),
    ("cost_of_goods", lambda r: r.figures.cost_of_goods),
    ("gross_margin", lambda r: r.figures.gross_margin),
    ("direct_costs", lambda r: r.figures.direct_costs),
    ("allocated_costs", lambda r: r.figures.allocated_costs),
    ("costs", lambda r: r.figures.costs),
    ("margin", lambda r: r.figures.margin),
    ("margin_percent", lambda r: r.figures.margin_percent),
]


def costs_export(queryset, format: str):
    return export_response("costs", format, COST_COLUMNS, queryset.iterator(chunk_size=500))


def member_column(dimension: str):
    return (dimension, lambda row: row.members[dimension].name if dimension in row.members else "")


def profitability_export(report: Profitability, format: str):
    """The report's rows, then a total row: one column per grouping dimension, then the figures."""
    columns = [member_column(dimension) for dimension in GROUPS if dimension in report.group_by] + FIGURE_COLUMNS
    total = ProfitRow({dimension: Member(None, _("Total")) for dimension in report.group_by[:1]}, report.total)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return export_response(f"profitability-{stamp}", format, columns, [*report.rows, total])
