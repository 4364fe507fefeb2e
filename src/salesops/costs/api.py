"""/api/v1 costs endpoints: parse, authorise, call, return.

Cost entries, cost pools with their `allocate` action, the imported sales ledger and the profitability report.
Reading needs `costs:read` and a role that sees costs (finance, directors, managers, administrators); writing
needs `costs:write` and finance or administrator (the actions decide, 403 otherwise)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from salesops.accounts.auth import require_scope
from salesops.core.api.actions import action_endpoint
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.exports import export_routes
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import Page, paginate
from salesops.core.exports import export_format
from salesops.core.scoping import get_for_user
from salesops.costs import actions
from salesops.costs.exports import costs_export, profitability_export
from salesops.costs.filters import filter_costs, filter_ledger, filter_pools
from salesops.costs.models import CostEntry, CostPool
from salesops.costs.queries import (
    GROUPS,
    Profitability,
    may_see_costs,
    profitability,
    visible_cost_entries,
    visible_cost_pools,
    visible_ledger_lines,
)
from salesops.costs.schemas import (
    AllocateIn,
    CostEntryIn,
    CostEntryOut,
    CostFilters,
    CostPoolFilters,
    CostPoolIn,
    CostPoolOut,
    LedgerFilters,
    LedgerLineOut,
    ProfitabilityFilters,
    ProfitabilityOut,
)

router = Router(tags=["costs"])
READ, WRITE = "costs:read", "costs:write"


def require_reader(request: HttpRequest, scope: str = READ) -> None:
    require_scope(request, scope)
    if not may_see_costs(request.user):
        raise PermissionDenied(_("Only finance, directors, managers and administrators see costs."))


def get_entry(request: HttpRequest, cost_id: int) -> CostEntry:
    return get_for_user(visible_cost_entries(request.user), request.user, pk=cost_id)


def get_pool(request: HttpRequest, pool_id: int) -> CostPool:
    return get_for_user(visible_cost_pools(request.user), request.user, pk=pool_id)


def entry_out(entry: CostEntry) -> CostEntryOut:
    related = ("region", "office", "product_line", "salesperson", "customer")
    return CostEntryOut.from_orm(CostEntry.objects.select_related(*related).get(pk=entry.pk))


def pool_out(pool: CostPool) -> CostPoolOut:
    return CostPoolOut.from_orm(
        CostPool.objects.select_related("region")
        .prefetch_related("entries__region", "entries__office", "entries__product_line", "entries__salesperson")
        .prefetch_related("entries__customer")
        .get(pk=pool.pk)
    )


# --- cost entries -------------------------------------------------------------------------------------------------


@router.get("/costs", response={200: Page[CostEntryOut], **READ_ERRORS}, summary="List cost entries")
def list_costs(request: HttpRequest, filters: Query[CostFilters]):
    """Direct and allocated cost entries the caller may see, newest first."""
    require_reader(request)
    return paginate(filter_costs(visible_cost_entries(request.user), filters), filters)


@export_routes(router, "/costs/export", summary="Export cost entries")
def export_costs(request: HttpRequest, filters: Query[CostFilters]):
    require_reader(request)
    return costs_export(filter_costs(visible_cost_entries(request.user), filters), export_format(request))


@router.post(
    "/costs", response={201: CostEntryOut, **WRITE_ERRORS}, openapi_extra=OPENAPI_EXTRA, summary="Enter a cost"
)
@idempotent
def create_cost(request: HttpRequest, payload: CostEntryIn):
    """A cost with whatever dimensions are known; an office fills in its region. Finance placed in a region
    enters costs within it."""
    require_scope(request, WRITE)
    entry = actions.create_cost_entry(actor=request.user, **payload.dict())
    return Status(201, entry_out(entry))


@router.get("/costs/{cost_id}", response={200: CostEntryOut, **READ_ERRORS}, summary="Read a cost entry")
def read_cost(request: HttpRequest, cost_id: int):
    require_reader(request)
    return entry_out(get_entry(request, cost_id))


@router.delete("/costs/{cost_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a direct cost entry")
def delete_cost(request: HttpRequest, cost_id: int):
    """Allocated entries change only by allocating their pool again (422)."""
    require_reader(request, WRITE)
    actions.delete_cost_entry(get_entry(request, cost_id), actor=request.user)
    return Status(204, None)


@router.get("/costs/{cost_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="A cost's timeline")
def cost_events(request: HttpRequest, cost_id: int):
    require_reader(request)
    return event_list(get_entry(request, cost_id))


# --- cost pools -------------------------------------------------------------------------------------------------


@router.get("/cost-pools", response={200: Page[CostPoolOut], **READ_ERRORS}, summary="List cost pools")
def list_pools(request: HttpRequest, filters: Query[CostPoolFilters]):
    require_reader(request)
    pools = visible_cost_pools(request.user).prefetch_related(
        "entries__region", "entries__office", "entries__product_line", "entries__salesperson", "entries__customer"
    )
    return paginate(filter_pools(pools, filters), filters)


@router.post(
    "/cost-pools",
    response={201: CostPoolOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Define a cost pool",
)
@idempotent
def create_pool(request: HttpRequest, payload: CostPoolIn):
    """A total to spread over a period by a basis (revenue, quantity, headcount) over a dimension (region,
    office, product_line, salesperson). It holds no entries until allocated."""
    require_scope(request, WRITE)
    pool = actions.create_cost_pool(actor=request.user, **payload.dict())
    return Status(201, pool_out(pool))


@router.get("/cost-pools/{pool_id}", response={200: CostPoolOut, **READ_ERRORS}, summary="Read a cost pool")
def read_pool(request: HttpRequest, pool_id: int):
    require_reader(request)
    return pool_out(get_pool(request, pool_id))


@router.get(
    "/cost-pools/{pool_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="A cost pool's timeline"
)
def pool_events(request: HttpRequest, pool_id: int):
    require_reader(request)
    return event_list(get_pool(request, pool_id))


action_endpoint(
    router,
    "/cost-pools/{pool_id}",
    "allocate",
    summary="Allocate a cost pool",
    description="Creates one cost entry per unit of the pool's dimension with a share of the total (largest "
    "remainder: the shares sum to the total exactly); allocating again replaces the previous entries atomically. "
    "422 on `basis` when nothing in the period gives a share.",
    call=actions.allocate_cost_pool,
    load=get_pool,
    answer=pool_out,
    response=CostPoolOut,
    body=AllocateIn,
    scopes=[WRITE],
    answer_returned=True,
)


# --- the sales ledger -------------------------------------------------------------------------------------------


@router.get("/sales-ledger", response={200: Page[LedgerLineOut], **READ_ERRORS}, summary="List sales ledger lines")
def list_ledger(request: HttpRequest, filters: Query[LedgerFilters]):
    """Historical sales imported with the `sales_ledger` import kind, amounts as the file gave them."""
    require_reader(request)
    return paginate(filter_ledger(visible_ledger_lines(request.user), filters), filters)


# --- profitability ----------------------------------------------------------------------------------------------


def report_for(request: HttpRequest, filters: ProfitabilityFilters) -> Profitability:
    require_reader(request)
    group_by = [name for name in filters.group_by.split(",") if name]
    return profitability(request.user, group_by=group_by, date_from=filters.date_from, date_to=filters.date_to)


def report_out(report: Profitability) -> dict:
    def figures(values) -> dict:
        return {
            name: getattr(values, name)
            for name in (
                "revenue",
                "quantity",
                "cost_of_goods",
                "gross_margin",
                "direct_costs",
                "allocated_costs",
                "costs",
                "margin",
                "margin_percent",
            )
        }

    rows = []
    for row in report.rows:
        members = {dimension: {"id": member.id, "name": member.name} for dimension, member in row.members.items()}
        rows.append({**members, **figures(row.figures)})
    return {
        "group_by": [name for name in GROUPS if name in report.group_by],
        "date_from": report.date_from,
        "date_to": report.date_to,
        "rows": rows,
        "total": figures(report.total),
    }


@router.get("/profitability", response={200: ProfitabilityOut, **READ_ERRORS}, summary="Profitability report")
def read_profitability(request: HttpRequest, filters: Query[ProfitabilityFilters]):
    """Revenue, cost of goods, costs and margin per combination of `group_by`, within what the caller sees.
    Rows lacking a grouped dimension (costs entered without it) come as the unattributed row (`id` null), so
    the rows add up to `total`. Figures are rounded half up to 0.01 only at the end."""
    return report_out(report_for(request, filters))


@export_routes(router, "/profitability/export", summary="Export the profitability report")
def export_profitability(request: HttpRequest, filters: Query[ProfitabilityFilters]):
    return profitability_export(report_for(request, filters), export_format(request))
