"""Read side of costs: who sees which costs, the profitability report and the weights pools are allocated on.

Who sees what (cost entries, cost pools, ledger lines and the report's figures alike):

- administrators see everything;
- finance sees everything under its own org unit (finance at the company sees everything, finance placed in a
  region sees that region);
- a regional director sees the region they manage, a sales manager the team they manage;
- every other role sees no costs at all (and may not open the pages).

A figure belongs to a unit through its region, its office or its salesperson's org unit: it is visible when any
of them lies under one of the caller's units. A figure with none of them (a company-wide cost, a company-wide
pool) is seen only by those who see the whole company.

The report is computed in the database: one grouped aggregate query per source (invoice lines, credit note
lines, ledger lines, cost entries), merged by group in Python and rounded half up to 0.01 only at the end.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit, Role, User
from salesops.accounts.scopes import MANAGER_ROLES, managed_paths, remit_path, sees_everything, under_paths
from salesops.billing.models import CorrectionLine, CorrectionRequest, InvoiceLine
from salesops.catalog.models import ProductLine
from salesops.core.scoping import for_user, scope_for
from salesops.costs.models import AllocationBasis, CostEntry, CostPool, Dimension, SalesLedgerLine, StandardCost
from salesops.orders.models import money

ZERO = Decimal(0)
# Wide enough for every sum of ledger amounts (15 places) and of quantity x cost (5 places).
EXACT = DecimalField(max_digits=38, decimal_places=15)
GROUPS = ("region", "product_line", "salesperson")
UNATTRIBUTED = _("unattributed")

# --- who sees what ---------------------------------------------------------------------------------------------


def may_see_costs(user) -> bool:
    """Administrators, finance, regional directors and sales managers open the costs pages and the report."""
    return bool(
        user is not None
        and user.is_authenticated
        and (sees_everything(user) or user.role in {Role.FINANCE, *MANAGER_ROLES})
    )


def may_edit_costs(user) -> bool:
    """Finance and administrators enter costs, define and allocate pools and import ledgers."""
    return bool(user is not None and user.is_authenticated and (sees_everything(user) or user.role == Role.FINANCE))


def cost_paths(user: User) -> list[str] | None:
    """The org-tree subtrees whose costs `user` sees; None for the whole company (the rule in the docstring)."""
    if sees_everything(user):
        return None
    if user.role == Role.FINANCE:
        path = remit_path(user)
        paths = [path] if path else []
    elif user.role in MANAGER_ROLES:
        paths = managed_paths(user)
    else:
        return []
    if any(path.count("/") == 2 for path in paths):  # "/<company id>/": the top of the tree
        return None
    return paths


def reach(paths: list[str] | None, *, region: str | None = None, office: str | None = None, person: str | None = None):
    """Q for rows whose region, office or salesperson (each given as the path to its field) lies under `paths`;
    None when `paths` is the whole company."""
    if paths is None:
        return None
    condition = Q(pk__in=[])
    for field_name in (region, office):
        if field_name:
            condition |= under_paths(field_name, paths)
    if person:
        condition |= under_paths(f"{person}__org_unit", paths)
    return condition


def within_reach(queryset: QuerySet, user: User, **fields: str | None) -> QuerySet:
    if not may_see_costs(user):
        return queryset.none()
    condition = reach(cost_paths(user), **fields)
    return queryset if condition is None else queryset.filter(condition)


@scope_for(CostEntry)
def cost_entries_for_user(queryset: QuerySet, user: User) -> QuerySet:
    return within_reach(queryset, user, region="region", office="office", person="salesperson")


@scope_for(CostPool)
def cost_pools_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """A pool belongs to its region; a company-wide pool (no region) to whoever sees the whole company."""
    return within_reach(queryset, user, region="region")


@scope_for(SalesLedgerLine)
def ledger_lines_for_user(queryset: QuerySet, user: User) -> QuerySet:
    return within_reach(queryset, user, region="region", person="salesperson")


@scope_for(StandardCost)
def standard_costs_for_user(queryset: QuerySet, user: User) -> QuerySet:
    """The cost history is cost data: those who see costs see all of it, like the catalog's cost column."""
    return queryset if may_see_costs(user) else queryset.none()


def visible_cost_entries(user: User) -> QuerySet:
    return for_user(
        CostEntry.objects.select_related("region", "office", "product_line", "salesperson", "customer", "pool"), user
    )


def visible_cost_pools(user: User) -> QuerySet:
    return for_user(CostPool.objects.select_related("region", "created_by"), user)


def visible_ledger_lines(user: User) -> QuerySet:
    return for_user(SalesLedgerLine.objects.select_related("region", "product_line", "salesperson", "customer"), user)


# --- the sources of the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where one kind of fact keeps each dimension and its date, and how it is scoped."""

    keys: dict[str, str | None]
    date: str
    region: str
    office: str | None
    person: str | None


INVOICED = Source(
    keys={
        "region": "invoice__region",
        "office": "invoice__office",
        "product_line": "product__line",
        "salesperson": "invoice__owner",
    },
    date="invoice__issue_date",
    region="invoice__region",
    office="invoice__office",
    person="invoice__owner",
)
CREDITED = Source(
    keys={
        "region": "invoice_line__invoice__region",
        "office": "invoice_line__invoice__office",
        "product_line": "invoice_line__product__line",
        "salesperson": "invoice_line__invoice__owner",
    },
    date="request__credit_note__issue_date",
    region="invoice_line__invoice__region",
    office="invoice_line__invoice__office",
    person="invoice_line__invoice__owner",
)
LEDGER = Source(
    keys={"region": "region", "office": None, "product_line": "product_line", "salesperson": "salesperson"},
    date="date",
    region="region",
    office=None,
    person="salesperson",
)
COSTS = Source(
    keys={"region": "region", "office": "office", "product_line": "product_line", "salesperson": "salesperson"},
    date="date",
    region="region",
    office="office",
    person="salesperson",
)


def cost_at(product: str, moment: str):
    """The standard cost of the product at `product` valid at the time at `moment` (both paths from the row):
    the latest history entry from before that time, else the product's current cost."""
    history = (
        StandardCost.objects.filter(product=OuterRef(product), valid_from__lte=OuterRef(moment))
        .order_by("-valid_from")
        .values("cost")[:1]
    )
    return Coalesce(Subquery(history), F(f"{product}__standard_cost"), output_field=EXACT)


def narrowed(
    queryset: QuerySet,
    source: Source,
    *,
    paths: list[str] | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    region: OrgUnit | None = None,
) -> QuerySet:
    """`queryset` limited to the caller's reach (`paths`), the period and, when given, one region's subtree."""
    condition = reach(paths, region=source.region, office=source.office, person=source.person)
    if condition is not None:
        queryset = queryset.filter(condition)
    if date_from is not None:
        queryset = queryset.filter(**{f"{source.date}__gte": date_from})
    if date_to is not None:
        queryset = queryset.filter(**{f"{source.date}__lte": date_to})
    if region is not None:
        queryset = queryset.filter(**{f"{source.region}__path__startswith": region.path})
    return queryset


def grouped(queryset: QuerySet, source: Source, dimensions: Sequence[str], **sums) -> dict[tuple, dict]:
    """One aggregate query: `sums` per combination of `dimensions` (None where a row lacks one). A dimension the
    source does not have (a ledger line has no office) groups all its rows under None."""
    present = {name: source.keys[name] for name in dimensions if source.keys.get(name)}
    # Aliased "<name>_sum": an annotation may not share a name with the model's fields (quantity, revenue).
    aliased = {f"{name}_sum": expression for name, expression in sums.items()}
    if present:
        rows = queryset.order_by().values(*present.values()).annotate(**aliased)
    else:
        rows = [queryset.aggregate(**aliased)]
    result = {}
    for row in rows:
        key = tuple(row[present[name]] if name in present else None for name in dimensions)
        result[key] = {name: row[f"{name}_sum"] or ZERO for name in sums}
    return result


def invoiced_sums(queryset: QuerySet, source: Source, dimensions: Sequence[str]) -> dict[tuple, dict]:
    return grouped(
        queryset,
        source,
        dimensions,
        revenue=Sum("net_amount", output_field=EXACT),
        quantity=Sum("quantity", output_field=EXACT),
        cost_of_goods=Sum(F("quantity") * cost_at("product", "invoice__issued_at"), output_field=EXACT),
    )


def credited_sums(queryset: QuerySet, source: Source, dimensions: Sequence[str]) -> dict[tuple, dict]:
    """Credit notes take back revenue (their net amount) and, for returned goods, quantity and cost of goods at
    the cost the goods went out at (the invoice's time)."""
    return grouped(
        queryset,
        source,
        dimensions,
        revenue=Sum("net_amount", output_field=EXACT),
        quantity=Sum("quantity", output_field=EXACT),
        cost_of_goods=Sum(
            F("quantity") * cost_at("invoice_line__product", "invoice_line__invoice__issued_at"), output_field=EXACT
        ),
    )


def ledger_sums(queryset: QuerySet, source: Source, dimensions: Sequence[str]) -> dict[tuple, dict]:
    return grouped(
        queryset,
        source,
        dimensions,
        revenue=Sum("revenue", output_field=EXACT),
        quantity=Sum("quantity", output_field=EXACT),
        cost_of_goods=Sum("cost_of_goods", output_field=EXACT),
    )


def confirmed_credit_lines() -> QuerySet:
    return CorrectionLine.objects.filter(request__status=CorrectionRequest.Status.CONFIRMED)


def sales_sums(
    dimensions: Sequence[str],
    *,
    paths: list[str] | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    region: OrgUnit | None = None,
) -> dict[tuple, dict]:
    """Revenue (net of tax, less credit notes), quantity and cost of goods per combination of `dimensions`:
    invoiced lines less credited lines, plus the imported ledger. Exact sums, not rounded."""
    period = {"paths": paths, "date_from": date_from, "date_to": date_to, "region": region}
    parts = [
        (1, invoiced_sums(narrowed(InvoiceLine.objects.all(), INVOICED, **period), INVOICED, dimensions)),
        (-1, credited_sums(narrowed(confirmed_credit_lines(), CREDITED, **period), CREDITED, dimensions)),
        (1, ledger_sums(narrowed(SalesLedgerLine.objects.all(), LEDGER, **period), LEDGER, dimensions)),
    ]
    result: dict[tuple, dict] = {}
    for sign, sums in parts:
        for key, values in sums.items():
            target = result.setdefault(key, {"revenue": ZERO, "quantity": ZERO, "cost_of_goods": ZERO})
            for name, value in values.items():
                target[name] += sign * value
    return result


def cost_sums(
    dimensions: Sequence[str],
    *,
    paths: list[str] | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> dict[tuple, dict]:
    period = {"paths": paths, "date_from": date_from, "date_to": date_to}
    return grouped(
        narrowed(CostEntry.objects.all(), COSTS, **period),
        COSTS,
        dimensions,
        direct_costs=Sum("amount", filter=Q(pool__isnull=True), output_field=EXACT),
        allocated_costs=Sum("amount", filter=Q(pool__isnull=False), output_field=EXACT),
    )


# --- the profitability report ---------------------------------------------------------------------------------


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """Exact sums for one slice; the properties round half up to 0.01 (the report's only rounding)."""

    revenue_exact: Decimal = ZERO
    cost_of_goods_exact: Decimal = ZERO
    quantity_exact: Decimal = ZERO
    direct_costs_exact: Decimal = ZERO
    allocated_costs_exact: Decimal = ZERO

    def add(self, other: "Figures") -> None:
        self.revenue_exact += other.revenue_exact
        self.cost_of_goods_exact += other.cost_of_goods_exact
        self.quantity_exact += other.quantity_exact
        self.direct_costs_exact += other.direct_costs_exact
        self.allocated_costs_exact += other.allocated_costs_exact

    @property
    def revenue(self) -> Decimal:
        return money(self.revenue_exact)

    @property
    def quantity(self) -> Decimal:
        return self.quantity_exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)

    @property
    def cost_of_goods(self) -> Decimal:
        return money(self.cost_of_goods_exact)

    @property
    def gross_margin(self) -> Decimal:
        return money(self.revenue_exact - self.cost_of_goods_exact)

    @property
    def direct_costs(self) -> Decimal:
        return money(self.direct_costs_exact)

    @property
    def allocated_costs(self) -> Decimal:
        return money(self.allocated_costs_exact)

    @property
    def costs(self) -> Decimal:
        return money(self.direct_costs_exact + self.allocated_costs_exact)

    @property
    def margin_exact(self) -> Decimal:
        costs = self.direct_costs_exact + self.allocated_costs_exact
        return self.revenue_exact - self.cost_of_goods_exact - costs

    @property
    def margin(self) -> Decimal:
        return money(self.margin_exact)

    @property
    def margin_percent(self) -> Decimal | None:
        """Margin as a percentage of revenue, two places; None without revenue."""
        return percent(self.margin_exact, self.revenue_exact)


@dataclass
class Member:
    """One value of a dimension in a row: the unit, line or person, or None for "unattributed"."""

    id: int | None
    name: str


@dataclass
class ProfitRow:
    members: dict[str, Member]
    figures: Figures

    def label(self) -> str:
        return " · ".join(member.name for member in self.members.values()) or str(_("All"))


@dataclass
class Profitability:
    group_by: list[str]
    date_from: datetime.date | None
    date_to: datetime.date | None
    rows: list[ProfitRow] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def names_of(dimension: str, ids: Iterable[int]) -> dict[int, str]:
    """Display names of the members of one dimension found in a report: one query per dimension."""
    wanted = [pk for pk in set(ids) if pk is not None]
    if not wanted:
        return {}
    if dimension in ("region", "office"):
        return dict(OrgUnit.objects.filter(pk__in=wanted).values_list("pk", "name"))
    if dimension == "product_line":
        return dict(ProductLine.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return {user.pk: str(user) for user in User.objects.filter(pk__in=wanted)}


def profitability(
    user: User,
    *,
    group_by: Sequence[str],
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Profitability:
    """Revenue, cost of goods, attributed costs and margin per combination of `group_by` (any of region,
    product_line, salesperson, in that order of columns) over the period, within what `user` may see.

    Revenue is invoiced lines net of tax (by invoice date) less confirmed credit notes (by credit note date), plus
    imported ledger lines; cost of goods is quantity times the standard cost at the invoice's time (less returned
    goods), plus the ledger's cost of goods; costs are direct and allocated cost entries dated in the period.
    A cost entry without a dimension the report groups by lands in that dimension's unattributed row, so the
    rows always add up to the total (before rounding)."""
    dimensions = [name for name in GROUPS if name in group_by]
    report = Profitability(group_by=dimensions, date_from=date_from, date_to=date_to)
    if not may_see_costs(user):
        return report
    paths = cost_paths(user)
    period = {"paths": paths, "date_from": date_from, "date_to": date_to}
    slices: dict[tuple, Figures] = {}
    for key, values in sales_sums(dimensions, **period).items():
        slices[key] = Figures(
            revenue_exact=values["revenue"],
            cost_of_goods_exact=values["cost_of_goods"],
            quantity_exact=values["quantity"],
        )
    for key, values in cost_sums(dimensions, **period).items():
        slices.setdefault(key, Figures()).add(
            Figures(direct_costs_exact=values["direct_costs"], allocated_costs_exact=values["allocated_costs"])
        )
    names = {
        dimension: names_of(dimension, (key[position] for key in slices))
        for position, dimension in enumerate(dimensions)
    }
    for key, figures in slices.items():
        members = {
            dimension: Member(pk, names[dimension].get(pk, "") if pk is not None else str(UNATTRIBUTED))
            for dimension, pk in zip(dimensions, key, strict=True)
        }
        report.rows.append(ProfitRow(members, figures))
        report.total.add(figures)
    report.rows.sort(
        key=lambda row: [(member.id is None, member.name, member.id or 0) for member in row.members.values()]
    )
    return report


# --- what pools are allocated on --------------------------------------------------------------------------------


def allocation_weights(pool: CostPool) -> dict[int, Decimal]:
    """The weight of each unit of the pool's dimension (org unit, product line or user id) in the pool's period and
    region: net revenue, net quantity sold, or the number of active sales reps. Units without the dimension
    (sales without a salesperson) carry no weight."""
    dimension = pool.dimension
    if pool.basis == AllocationBasis.HEADCOUNT:
        return headcount_weights(dimension, pool.region)
    sums = sales_sums([dimension], paths=None, date_from=pool.period_start, date_to=pool.period_end, region=pool.region)
    measure = "revenue" if pool.basis == AllocationBasis.REVENUE else "quantity"
    return {key[0]: values[measure] for key, values in sums.items() if key[0] is not None}


def headcount_weights(dimension: str, region: OrgUnit | None) -> dict[int, Decimal]:
    """Active sales reps per region or office (counted in one query), or one per rep for salespeople."""
    reps = User.objects.filter(role=Role.SALES_REP, is_active=True, org_unit__isnull=False)
    if region is not None:
        reps = reps.filter(org_unit__path__startswith=region.path)
    if dimension == Dimension.SALESPERSON:
        return {pk: Decimal(1) for pk in reps.values_list("pk", flat=True)}
    kind = OrgUnit.Kind.REGION if dimension == Dimension.REGION else OrgUnit.Kind.OFFICE
    units = OrgUnit.objects.filter(kind=kind)
    if region is not None:
        units = units.filter(path__startswith=region.path)
    counted = reps.filter(org_unit__path__startswith=OuterRef("path")).order_by().values("role")
    units = units.annotate(reps=Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), Value(0)))
    return {pk: Decimal(count) for pk, count in units.values_list("pk", "reps")}
