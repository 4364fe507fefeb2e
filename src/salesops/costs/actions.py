"""Writes for costs: cost entries, cost pools and their allocation, sales ledger lines, the standard cost history.

Finance and administrators write (`may_edit_costs`); finance placed in a region writes only within it. Validation
errors are one ValidationError keyed by the API's field names (`amount`, `region_id`, ...), raised before
anything is written. Every change records its event in the same transaction.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from salesops.accounts.models import OrgUnit, Role, User
from salesops.accounts.scopes import within
from salesops.catalog.actions import clean_decimal, clean_money, clean_text, collect
from salesops.catalog.models import ProductLine
from salesops.core import clock, events
from salesops.core.events import record_event, snapshot
from salesops.core.scoping import for_user
from salesops.costs.allocation import NothingToAllocateOn, split
from salesops.costs.models import (
    LEDGER_AMOUNT,
    AllocationBasis,
    CostEntry,
    CostKind,
    CostPool,
    Dimension,
    SalesLedgerLine,
    StandardCost,
)
from salesops.costs.queries import allocation_weights, cost_paths, may_edit_costs
from salesops.customers.models import Customer
from salesops.inventory.models import QUANTITY

LEDGER_PLACES = LEDGER_AMOUNT["decimal_places"]
LEDGER_INTEGER_DIGITS = LEDGER_AMOUNT["max_digits"] - LEDGER_PLACES
QUANTITY_PLACES = QUANTITY["decimal_places"]
SELLER_ROLES = {Role.SALES_REP, Role.SALES_MANAGER, Role.REGIONAL_DIRECTOR}


def check_may_edit(actor: User) -> None:
    if not may_edit_costs(actor):
        raise PermissionDenied(_("Only finance and administrators may enter costs."))


# --- field checks -------------------------------------------------------------------------------------------------


def clean_date(raw: Any) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raise ValidationError(_("Enter a date, for example 2026-03-31."))
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, str):
        try:
            return datetime.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ValidationError(_("Enter a date, for example 2026-03-31."))


def clean_choice(raw: Any, choices) -> str:
    if raw not in choices.values:
        raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)})
    return raw


def clean_positive_money(raw: Any) -> Decimal:
    value = clean_money(raw)
    if value <= 0:
        raise ValidationError(_("Must be more than zero."))
    return value


def clean_ledger_amount(raw: Any) -> Decimal:
    """An amount as the file gives it: any sign, up to 15 decimal places, never rounded."""
    return clean_decimal(
        raw, places=LEDGER_PLACES, integer_digits=LEDGER_INTEGER_DIGITS, low=-(Decimal(10) ** 15), high=None
    )


def clean_quantity(raw: Any) -> Decimal:
    return clean_decimal(
        raw,
        places=QUANTITY_PLACES,
        integer_digits=QUANTITY["max_digits"] - QUANTITY_PLACES,
        low=-(Decimal(10) ** 11),
        high=None,
    )


def find(queryset: QuerySet, raw: Any, message: str) -> Model:
    """The row with primary key `raw` in `queryset`, else a ValidationError with `message`."""
    if isinstance(raw, Model):
        raw = raw.pk
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValidationError(message)
    found = queryset.filter(pk=raw).first()
    if found is None:
        raise ValidationError(message)
    return found


def clean_dimensions(values: dict[str, Any], *, actor: User, errors: dict[str, list[str]]) -> dict[str, Any]:
    """Region, office, product line, salesperson and customer from their ids (each optional). An office fills in
    its region; an office and a region must agree. What the actor places must lie within their remit."""
    paths = cost_paths(actor)
    cleaned: dict[str, Any] = {}
    checks = {
        "region": (OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION), _("Choose a region.")),
        "office": (OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE), _("Choose an office.")),
        "product_line": (ProductLine.objects.all(), _("Choose a product line.")),
        "salesperson": (
            User.objects.filter(role__in=SELLER_ROLES).select_related("org_unit"),
            _("Choose a salesperson."),
        ),
        "customer": (for_user(Customer.objects.all(), actor), _("Choose a customer you may see.")),
    }
    for name, (queryset, message) in checks.items():
        raw = values.get(f"{name}_id")
        cleaned[name] = None if raw is None else collect(errors, f"{name}_id", find, queryset, raw, message)
    region, office = cleaned["region"], cleaned["office"]
    if office is not None:
        if region is None:
            cleaned["region"] = region = OrgUnit.objects.filter(pk=office.parent_id).first()
        elif office.parent_id != region.pk:
            errors["office_id"] = [_("This office is not in the chosen region.")]
    if paths is not None:
        outside = _("Choose one within your remit.")
        for name, unit in (("region", region), ("office", office)):
            if unit is not None and f"{name}_id" in values and not within(unit.path, paths):
                errors[f"{name}_id"] = [outside]
        person = cleaned["salesperson"]
        if person is not None and not within(person.org_unit.path if person.org_unit_id else None, paths):
            errors["salesperson_id"] = [outside]
        if region is None and office is None and person is None and not errors:
            errors["region_id"] = [_("Choose the region, office or salesperson within your remit.")]
    return cleaned


def clean_cost_fields(values: dict[str, Any], *, actor: User) -> dict[str, Any]:
    """Validate a cost entry's fields; raise one ValidationError naming every field at fault."""
    errors: dict[str, list[str]] = {}
    cleaned = {
        "kind": collect(errors, "kind", clean_choice, values.get("kind"), CostKind),
        "amount": collect(errors, "amount", clean_positive_money, values.get("amount")),
        "date": collect(errors, "date", clean_date, values.get("date")),
        "description": values.get("description") or "",
    }
    if not isinstance(cleaned["description"], str) or len(cleaned["description"]) > 500:
        errors["description"] = [_("At most %(n)d characters.") % {"n": 500}]
    elif "\x00" in cleaned["description"]:
        errors["description"] = [_("Text may not contain NUL characters.")]
    cleaned.update(clean_dimensions(values, actor=actor, errors=errors))
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- cost entries ---------------------------------------------------------------------------------------------


def create_cost_entry(
    *,
    actor: User,
    kind: str,
    amount: Decimal | str,
    date: datetime.date | str,
    description: str = "",
    region_id: int | None = None,
    office_id: int | None = None,
    product_line_id: int | None = None,
    salesperson_id: int | None = None,
    customer_id: int | None = None,
) -> CostEntry:
    """Record a cost with whatever dimensions are known, and `cost_entry.created`. Finance in a region places it
    within that region. Nothing is written when any field is wrong."""
    check_may_edit(actor)
    cleaned = clean_cost_fields(
        {
            "kind": kind,
            "amount": amount,
            "date": date,
            "description": description,
            "region_id": region_id,
            "office_id": office_id,
            "product_line_id": product_line_id,
            "salesperson_id": salesperson_id,
            "customer_id": customer_id,
        },
        actor=actor,
    )
    with events.atomic():
        entry = CostEntry.objects.create(created_by=actor, **cleaned)
        record_event("cost_entry.created", entry, actor=actor, after=snapshot(entry))
    return entry


def delete_cost_entry(entry: CostEntry, *, actor: User) -> None:
    """Delete a directly entered cost (allocated ones change only by allocating their pool again) and record
    `cost_entry.deleted` with what it was."""
    check_may_edit(actor)
    if entry.pool_id is not None:
        raise ValidationError({"pool_id": [_("Allocated costs change only by allocating their pool again.")]})
    with events.atomic():
        locked = CostEntry.objects.select_for_update().get(pk=entry.pk)
        record_event("cost_entry.deleted", locked, actor=actor, before=snapshot(locked))
        locked.delete()


# --- cost pools -----------------------------------------------------------------------------------------------


def clean_pool_fields(values: dict[str, Any], *, actor: User) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = {
        "name": collect(
            errors, "name", clean_text, values.get("name"), max_length=200, required_message=_("Enter a name.")
        ),
        "kind": collect(errors, "kind", clean_choice, values.get("kind"), CostKind),
        "period_start": collect(errors, "period_start", clean_date, values.get("period_start")),
        "period_end": collect(errors, "period_end", clean_date, values.get("period_end")),
        "total_amount": collect(errors, "total_amount", clean_positive_money, values.get("total_amount")),
        "basis": collect(errors, "basis", clean_choice, values.get("basis"), AllocationBasis),
        "dimension": collect(errors, "dimension", clean_choice, values.get("dimension"), Dimension),
    }
    start, end = cleaned["period_start"], cleaned["period_end"]
    if start is not None and end is not None and end < start:
        errors["period_end"] = [_("The end must come after the start.")]
    if cleaned["basis"] == AllocationBasis.HEADCOUNT and cleaned["dimension"] == Dimension.PRODUCT_LINE:
        errors["dimension"] = [_("Headcount is counted per region, office or salesperson, not per product line.")]
    region = None
    if values.get("region_id") is not None:
        queryset = OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION)
        region = collect(errors, "region_id", find, queryset, values["region_id"], _("Choose a region."))
    paths = cost_paths(actor)
    if paths is not None and "region_id" not in errors and (region is None or not within(region.path, paths)):
        errors["region_id"] = [_("Choose a region within your remit.")]
    cleaned["region"] = region
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_cost_pool(
    *,
    actor: User,
    name: str,
    kind: str,
    period_start: datetime.date | str,
    period_end: datetime.date | str,
    total_amount: Decimal | str,
    basis: str,
    dimension: str,
    region_id: int | None = None,
) -> CostPool:
    """Define a pool and its allocation rule, and record `cost_pool.created`. It holds no entries until
    `allocate_cost_pool` runs."""
    check_may_edit(actor)
    cleaned = clean_pool_fields(
        {
            "name": name,
            "kind": kind,
            "period_start": period_start,
            "period_end": period_end,
            "total_amount": total_amount,
            "basis": basis,
            "dimension": dimension,
            "region_id": region_id,
        },
        actor=actor,
    )
    with events.atomic():
        pool = CostPool.objects.create(created_by=actor, **cleaned)
        record_event("cost_pool.created", pool, actor=actor, after=snapshot(pool))
    return pool


def entry_dimensions(dimension: str, keys: list[int]) -> dict[int, dict[str, Any]]:
    """The dimension fields of the entry each unit receives: an office brings its region, a salesperson the region
    their team lies in (three queries at most, whatever the number of units)."""
    if dimension == Dimension.PRODUCT_LINE:
        return {key: {"product_line_id": key} for key in keys}
    if dimension == Dimension.REGION:
        return {key: {"region_id": key} for key in keys}
    if dimension == Dimension.OFFICE:
        parents = dict(OrgUnit.objects.filter(pk__in=keys).values_list("pk", "parent_id"))
        return {key: {"office_id": key, "region_id": parents.get(key)} for key in keys}
    regions = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION).values_list("pk", "path"))
    units = dict(User.objects.filter(pk__in=keys).values_list("pk", "org_unit__path"))
    result = {}
    for key in keys:
        path = units.get(key) or ""
        region = next((pk for pk, prefix in regions if prefix and path.startswith(prefix)), None)
        result[key] = {"salesperson_id": key, "region_id": region}
    return result


def allocate_cost_pool(pool: CostPool, *, actor: User) -> CostPool:
    """Spread the pool's total over the units of its dimension by its basis, measured in its period (and region),
    as one cost entry per unit with a share, linked to the pool. The shares sum to the total exactly, to the
    cent (largest remainder, `allocation.split`). Allocating again replaces the previous entries in the same
    transaction: a failed allocation (nothing to allocate on) leaves the previous one as it was.

    Records `cost_entry.deleted` for each replaced entry, `cost_entry.created` for each new one and
    `cost_pool.allocated` with the shares."""
    check_may_edit(actor)
    with events.atomic():
        locked = CostPool.objects.select_for_update(of=("self",)).select_related("region").get(pk=pool.pk)
        weights = allocation_weights(locked)
        try:
            shares = split(locked.total_amount, dict(sorted(weights.items())))
        except NothingToAllocateOn:
            raise ValidationError(
                {"basis": [_("Nothing in the pool's period and region to allocate on: no unit has a share.")]}
            ) from None
        shares = {key: share for key, share in shares.items() if share > 0}
        previous = list(locked.entries.all())
        for entry in previous:
            record_event("cost_entry.deleted", entry, actor=actor, before=snapshot(entry))
        locked.entries.all().delete()
        dimensions = entry_dimensions(locked.dimension, list(shares))
        entries = CostEntry.objects.bulk_create(
            [
                CostEntry(
                    kind=locked.kind,
                    amount=share,
                    date=locked.period_end,
                    description=locked.name[:500],
                    pool=locked,
                    created_by=actor,
                    **dimensions[key],
                )
                for key, share in shares.items()
            ]
        )
        for entry in entries:
            record_event("cost_entry.created", entry, actor=actor, after=snapshot(entry))
        before = {"allocated_at": locked.allocated_at, "entries": len(previous)}
        locked.allocated_at = clock.now()
        locked.save(update_fields=["allocated_at", "updated_at"])
        record_event(
            "cost_pool.allocated",
            locked,
            actor=actor,
            before=events.to_json(before),
            after=events.to_json({"allocated_at": locked.allocated_at, "entries": len(entries)}),
            data={
                "basis": locked.basis,
                "dimension": locked.dimension,
                "total": locked.total_amount,
                "shares": {str(key): share for key, share in shares.items()},
            },
        )
    return locked


# --- the sales ledger -----------------------------------------------------------------------------------------


def clean_ledger_fields(values: dict[str, Any], *, actor: User) -> dict[str, Any]:
    """Validate one ledger line: a date, a region and a product line, quantity and revenue, and cost of goods or
    profit (exactly one); amounts keep their decimal places. Raises one ValidationError naming every problem."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "date": collect(errors, "date", clean_date, values.get("date")),
        "order_ref": values.get("order_ref") or "",
        "quantity": collect(errors, "quantity", clean_quantity, values.get("quantity")),
        "revenue": collect(errors, "revenue", clean_ledger_amount, values.get("revenue")),
    }
    if not isinstance(cleaned["order_ref"], str) or len(cleaned["order_ref"]) > 100:
        errors["order_ref"] = [_("At most %(n)d characters.") % {"n": 100}]
    cost, profit = values.get("cost_of_goods"), values.get("profit")
    if (cost is None) == (profit is None):
        errors["cost_of_goods"] = [_("Give either the cost of goods or the profit.")]
    elif cost is not None:
        cleaned["cost_of_goods"] = collect(errors, "cost_of_goods", clean_ledger_amount, cost)
    else:
        profit_value = collect(errors, "profit", clean_ledger_amount, profit)
        if profit_value is not None and cleaned["revenue"] is not None:
            cleaned["cost_of_goods"] = cleaned["revenue"] - profit_value
    for required in ("region_id", "product_line_id"):
        if values.get(required) is None:
            errors[required] = [_("Fill in this field.")]
    dimensions = clean_dimensions(values, actor=actor, errors=errors)
    cleaned.update({name: dimensions[name] for name in ("region", "product_line", "salesperson", "customer")})
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_ledger_line(
    *,
    actor: User,
    date: datetime.date | str,
    region_id: int,
    product_line_id: int,
    quantity: Decimal | str,
    revenue: Decimal | str,
    cost_of_goods: Decimal | str | None = None,
    profit: Decimal | str | None = None,
    order_ref: str = "",
    salesperson_id: int | None = None,
    customer_id: int | None = None,
) -> SalesLedgerLine:
    """Record one historical sales line exactly as given and `sales_ledger_line.created`."""
    check_may_edit(actor)
    cleaned = clean_ledger_fields(
        {
            "date": date,
            "order_ref": order_ref,
            "region_id": region_id,
            "product_line_id": product_line_id,
            "salesperson_id": salesperson_id,
            "customer_id": customer_id,
            "quantity": quantity,
            "revenue": revenue,
            "cost_of_goods": cost_of_goods,
            "profit": profit,
        },
        actor=actor,
    )
    with events.atomic():
        line = SalesLedgerLine.objects.create(created_by=actor, **cleaned)
        record_event("sales_ledger_line.created", line, actor=actor, after=snapshot(line))
    return line


# --- standard cost history ------------------------------------------------------------------------------------


def record_standard_cost(*, product_id: int, cost: Decimal | str, valid_from: datetime.datetime) -> StandardCost:
    """Remember that the product's standard cost is `cost` from `valid_from` on (idempotent for one time). Called
    by the handler of the catalog's product events; the history is derived data, so it records no event."""
    entry, _created = StandardCost.objects.update_or_create(
        product_id=product_id, valid_from=valid_from, defaults={"cost": Decimal(str(cost))}
    )
    return entry
