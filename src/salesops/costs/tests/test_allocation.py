"""Allocation: shares add up to the pool exactly, to the cent, whatever the split; re-allocating replaces."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from salesops.accounts.models import OrgUnit
from salesops.core.models import Event
from salesops.costs.actions import allocate_cost_pool, create_cost_pool
from salesops.costs.allocation import NothingToAllocateOn, split
from salesops.costs.models import CostEntry
from salesops.testing.org import make_user

cents = st.integers(min_value=1, max_value=10**12).map(lambda n: Decimal(n).scaleb(-2))
weights = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10**9).map(Decimal),
        st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1e9"), places=6, allow_nan=False),
    ),
    min_size=1,
    max_size=40,
).filter(lambda values: any(value > 0 for value in values))


@given(total=cents, values=weights)
def test_split_sums_to_the_total_exactly(total, values):
    shares = split(total, dict(enumerate(values)))
    assert sum(shares.values()) == total
    assert all(share == share.quantize(Decimal("0.01")) and share >= 0 for share in shares.values())
    assert set(shares) == {index for index, value in enumerate(values) if value > 0}


@given(total=cents, values=weights)
def test_each_share_is_within_a_cent_of_its_exact_share(total, values):
    shares = split(total, dict(enumerate(values)))
    whole = sum(values)
    for key, share in shares.items():
        exact = total * values[key] / whole
        assert abs(share - exact) < Decimal("0.01")


def test_awkward_splits_go_to_the_largest_remainders():
    assert split(Decimal("100.00"), {"a": 1, "b": 1, "c": 1}) == {
        "a": Decimal("33.34"),
        "b": Decimal("33.33"),
        "c": Decimal("33.33"),
    }
    assert split(Decimal("0.01"), {"a": 1, "b": 2}) == {"a": Decimal("0.00"), "b": Decimal("0.01")}
    assert split(Decimal("10.00"), {"a": Decimal("0.3333"), "b": Decimal("0.6667")}) == {
        "a": Decimal("3.33"),
        "b": Decimal("6.67"),
    }


def test_nothing_to_split_on_is_refused():
    with pytest.raises(NothingToAllocateOn):
        split(Decimal("1.00"), {"a": 0, "b": Decimal("-5")})


def pool(org, **overrides):
    values = {
        "actor": org.admin,
        "name": "Q1 freight",
        "kind": "logistics",
        "period_start": "2000-01-01",
        "period_end": "2999-12-31",
        "total_amount": "1000.00",
        "basis": "revenue",
        "dimension": "region",
    }
    return create_cost_pool(**{**values, **overrides})


def test_revenue_allocation_by_region_sums_to_the_pool(sales):
    org = sales.shop.org
    cost_pool = pool(org)
    allocate_cost_pool(cost_pool, actor=org.admin)
    # Net revenue: region a 300.00 (400 invoiced, 100 credited), region b 200.00.
    entries = {entry.region_id: entry.amount for entry in CostEntry.objects.filter(pool=cost_pool)}
    assert entries == {org.a.region.pk: Decimal("600.00"), org.b.region.pk: Decimal("400.00")}
    assert sum(entries.values()) == cost_pool.total_amount


def test_awkward_quantity_split_over_salespeople_reconciles(sales):
    org = sales.shop.org
    cost_pool = pool(org, total_amount="100.00", basis="quantity", dimension="salesperson")
    allocate_cost_pool(cost_pool, actor=org.admin)
    entries = {entry.salesperson_id: entry for entry in CostEntry.objects.filter(pool=cost_pool)}
    # Quantities 3 (4 less 1 returned) and 2: 60.00 and 40.00; each entry carries the rep's region.
    assert {key: entry.amount for key, entry in entries.items()} == {
        org.a.user("sales_rep").pk: Decimal("60.00"),
        org.b.user("sales_rep").pk: Decimal("40.00"),
    }
    assert entries[org.a.user("sales_rep").pk].region_id == org.a.region.pk


def test_headcount_thirds_reconcile_to_the_cent(org):
    # Three offices, one rep each in a and b plus a third office with one rep: 100.00 / 3.
    office = OrgUnit.objects.create(kind="office", name="Office c", code="office-c", parent=org.a.region)
    make_user("rep_c", "sales_rep", office)
    cost_pool = pool(org, total_amount="100.00", basis="headcount", dimension="office")
    allocate_cost_pool(cost_pool, actor=org.admin)
    amounts = sorted(CostEntry.objects.filter(pool=cost_pool).values_list("amount", flat=True))
    assert amounts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_reallocating_replaces_the_previous_entries(sales):
    org = sales.shop.org
    cost_pool = pool(org)
    allocate_cost_pool(cost_pool, actor=org.admin)
    first = set(CostEntry.objects.filter(pool=cost_pool).values_list("pk", flat=True))
    cost_pool.basis = "headcount"
    cost_pool.save(update_fields=["basis"])
    allocate_cost_pool(cost_pool, actor=org.admin)
    entries = CostEntry.objects.filter(pool=cost_pool)
    assert not first & set(entries.values_list("pk", flat=True))
    assert sorted(entries.values_list("amount", flat=True)) == [Decimal("500.00"), Decimal("500.00")]
    assert Event.objects.filter(type="cost_pool.allocated", subject_id=str(cost_pool.pk)).count() == 2
    assert Event.objects.filter(type="cost_entry.deleted").count() == 2


def test_a_failed_reallocation_keeps_the_previous_one(sales):
    org = sales.shop.org
    cost_pool = pool(org)
    allocate_cost_pool(cost_pool, actor=org.admin)
    before = list(CostEntry.objects.filter(pool=cost_pool).values_list("pk", "amount"))
    events = Event.objects.count()
    cost_pool.period_start = cost_pool.period_end = "1990-01-01"
    cost_pool.save(update_fields=["period_start", "period_end"])
    with pytest.raises(ValidationError) as error:
        allocate_cost_pool(cost_pool, actor=org.admin)
    assert "basis" in error.value.message_dict
    assert list(CostEntry.objects.filter(pool=cost_pool).values_list("pk", "amount")) == before
    assert Event.objects.count() == events


def test_headcount_over_product_lines_is_refused(org):
    with pytest.raises(ValidationError) as error:
        pool(org, basis="headcount", dimension="product_line")
    assert list(error.value.message_dict) == ["dimension"]
