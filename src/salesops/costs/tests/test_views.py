"""The costs pages: who opens them, entering a cost and allocating a pool through the forms, the menu link."""

from decimal import Decimal

import pytest

from salesops.costs.models import CostEntry, CostPool


@pytest.mark.parametrize(
    ("role", "status"),
    [("finance", 200), ("regional_director", 200), ("sales_manager", 200), ("sales_rep", 403), ("warehouse", 403)],
)
def test_who_opens_the_report(org, client_for, role, status):
    response = client_for(org.a.user(role)).get("/costs/")
    assert response.status_code == status
    home = client_for(org.a.user(role)).get("/")
    assert (b'href="/costs/"' in home.content) == (status == 200)


def test_the_report_page_shows_the_table_and_the_chart(sales, client_for):
    response = client_for(sales.shop.org.admin).get("/costs/?group_by=region&group_by=product_line")
    content = response.content.decode()
    assert content.count('data-testid="profit-row"') == 2
    assert 'data-chart="margin-chart"' in content
    assert "¥300.00" in content and "¥500.00" in content


def test_finance_enters_a_cost_and_allocates_a_pool(sales, client_for):
    org = sales.shop.org
    client = client_for(org.admin)
    response = client.post(
        "/costs/entries/new/",
        {"kind": "travel", "amount": "88.80", "date": "2026-03-01", "region": org.a.region.pk},
    )
    assert response.status_code == 302
    assert CostEntry.objects.get().amount == Decimal("88.80")
    client.post(
        "/costs/pools/new/",
        {
            "name": "Freight",
            "kind": "logistics",
            "period_start": "2000-01-01",
            "period_end": "2999-12-31",
            "total_amount": "10.00",
            "basis": "quantity",
            "dimension": "region",
        },
    )
    pool = CostPool.objects.get()
    assert client.post(f"/costs/pools/{pool.pk}/allocate/").status_code == 302
    assert sorted(pool.entries.values_list("amount", flat=True)) == [Decimal("4.00"), Decimal("6.00")]


def test_a_wrong_office_is_shown_on_the_form_and_nothing_is_written(org, client_for):
    response = client_for(org.admin).post(
        "/costs/entries/new/",
        {
            "kind": "travel",
            "amount": "1.00",
            "date": "2026-03-01",
            "region": org.a.region.pk,
            "office": org.b.office.pk,
        },
    )
    assert response.status_code == 200
    assert "该办事处不在所选大区内。" in response.content.decode()
    assert CostEntry.objects.count() == 0


def test_a_director_may_not_enter_costs(org, client_for):
    assert client_for(org.a.user("regional_director")).get("/costs/entries/new/").status_code == 403
