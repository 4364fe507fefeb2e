"""The profitability report against independent sums, its scoping, the unattributed row and the Excel export."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import F, Sum

from salesops.billing.models import CorrectionLine, InvoiceLine
from salesops.catalog.actions import update_product
from salesops.core.dispatch import deliver_pending
from salesops.costs.actions import create_cost_entry, create_ledger_line
from salesops.costs.models import StandardCost
from salesops.costs.queries import profitability


def members(row) -> tuple:
    return tuple(member.id for member in row.members.values())


def test_revenue_and_cost_of_goods_match_an_independent_sum(sales):
    org = sales.shop.org
    report = profitability(org.admin, group_by=["region"])
    for region in (org.a, org.b):
        invoiced = InvoiceLine.objects.filter(invoice__region=region.region).aggregate(
            net=Sum("net_amount"), cost=Sum(F("quantity") * F("product__standard_cost"))
        )
        credited = CorrectionLine.objects.filter(
            invoice_line__invoice__region=region.region, request__status="confirmed"
        ).aggregate(net=Sum("net_amount"), cost=Sum(F("quantity") * F("invoice_line__product__standard_cost")))
        row = next(row for row in report.rows if members(row) == (region.region.pk,))
        assert row.figures.revenue == invoiced["net"] - (credited["net"] or 0)
        assert row.figures.cost_of_goods == (invoiced["cost"] - (credited["cost"] or 0)).quantize(Decimal("0.01"))
    assert [(members(row), row.figures.revenue, row.figures.cost_of_goods) for row in report.rows] == [
        ((org.a.region.pk,), Decimal("300.00"), Decimal("150.00")),
        ((org.b.region.pk,), Decimal("200.00"), Decimal("100.00")),
    ]
    assert (report.total.revenue, report.total.margin, report.total.margin_percent) == (
        Decimal("500.00"),
        Decimal("250.00"),
        Decimal("50.00"),
    )


def test_costs_lacking_a_grouped_dimension_go_to_the_unattributed_row(sales):
    org = sales.shop.org
    line = sales.shop.product.line
    create_cost_entry(actor=org.admin, kind="travel", amount="30.00", date="2026-01-05", region_id=org.a.region.pk)
    create_cost_entry(
        actor=org.admin,
        kind="samples",
        amount="20.00",
        date="2026-01-05",
        region_id=org.a.region.pk,
        product_line_id=line.pk,
    )
    create_cost_entry(actor=org.admin, kind="bad_debt", amount="7.50", date="2026-01-05")
    report = profitability(org.admin, group_by=["region", "product_line"])
    rows = {members(row): row.figures for row in report.rows}
    assert rows[(org.a.region.pk, line.pk)].costs == Decimal("20.00")
    assert rows[(org.a.region.pk, line.pk)].margin == Decimal("130.00")
    assert rows[(org.a.region.pk, None)].costs == Decimal("30.00")
    assert rows[(None, None)].costs == Decimal("7.50")
    assert report.rows[-1].members["region"].name == "未归属"
    assert sum((figures.margin for figures in rows.values()), Decimal(0)) == report.total.margin == Decimal("192.50")


def test_ledger_lines_keep_their_decimals_and_round_only_at_the_end(sales):
    org = sales.shop.org
    line = sales.shop.product.line
    for revenue in ("0.0049", "0.0049", "0.0049"):
        create_ledger_line(
            actor=org.admin,
            date="2019-03-01",
            region_id=org.b.region.pk,
            product_line_id=line.pk,
            quantity="1",
            revenue=revenue,
            profit="0.0012",
        )
    report = profitability(org.admin, group_by=["region"], date_from="2019-01-01", date_to="2019-12-31")
    # 3 x 0.0049 = 0.0147 -> 0.01 (each rounded first would give 0.00).
    assert [(members(row), row.figures.revenue, row.figures.gross_margin) for row in report.rows] == [
        ((org.b.region.pk,), Decimal("0.01"), Decimal("0.00"))
    ]


def test_cost_of_goods_uses_the_standard_cost_at_the_invoice_time(sales):
    org = sales.shop.org
    product = sales.shop.product
    StandardCost.objects.create(product=product, cost=Decimal("40.00"), valid_from=sales.invoice_a.issued_at)
    update_product(product, actor=org.admin, changes={"standard_cost": "90.00"})
    deliver_pending()  # the costs handler records the new cost from now on
    assert StandardCost.objects.filter(product=product, cost=Decimal("90.00")).count() == 1
    report = profitability(org.admin, group_by=["region"])
    # Region a: 3 units at the 40.00 valid when invoiced, not today's 90.00.
    assert report.rows[0].figures.cost_of_goods == Decimal("120.00")


@pytest.mark.parametrize(
    ("username", "regions"),
    [
        ("root", {"a", "b"}),
        ("regional_director_a", {"a"}),
        ("regional_director_b", {"b"}),
        ("finance_a", {"a"}),
        ("sales_manager_b", {"b"}),
        ("sales_rep_a", set()),
        ("warehouse_a", set()),
        ("dealer_a", set()),
    ],
)
def test_the_report_shows_only_the_callers_slice(sales, username, regions):
    org = sales.shop.org
    create_cost_entry(actor=org.admin, kind="travel", amount="11.00", date="2026-01-05", region_id=org.b.region.pk)
    user = (
        next(user for region in (org.a, org.b) for user in region.users.values() if user.username == username)
        if username != "root"
        else org.admin
    )
    report = profitability(user, group_by=["region"])
    names = {row.members["region"].name.removeprefix("Region ") for row in report.rows}
    assert names == regions
    expected = {"a": Decimal("300.00"), "b": Decimal("200.00")}
    assert report.total.revenue == sum((expected[name] for name in regions), Decimal("0.00"))
    # The cost sits at region b's level: its director sees it, the manager of a team inside it does not.
    sees_cost = username in ("root", "regional_director_b")
    assert report.total.costs == (Decimal("11.00") if sees_cost else Decimal("0.00"))


def test_excel_export_opens_and_has_the_numbers(sales, client_for):
    org = sales.shop.org
    response = client_for(org.admin).get("/costs/?group_by=region&format=xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("region", "revenue", "quantity", "cost_of_goods")
    assert [(row[0], row[1], row[3]) for row in rows[1:]] == [
        ("Region a", 300, 150),
        ("Region b", 200, 100),
        ("合计", 500, 250),
    ]
