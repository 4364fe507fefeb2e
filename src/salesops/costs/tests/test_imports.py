"""The sales ledger import: exact amounts, all rows or none, row errors."""

from decimal import Decimal

from salesops.core.models import Event, ImportJob
from salesops.costs.models import SalesLedgerLine
from salesops.costs.queries import profitability
from salesops.testing.imports import csv_file, problems, run_import

HEADER = ["date", "order_ref", "region", "product_line", "quantity", "revenue", "profit"]


def test_a_ledger_file_is_imported_exactly(shop):
    org = shop.org
    rows = [
        HEADER,
        ["2017-11-08", "CA-1", "region-a", "pumps", "2", "957.5775", "-383.031"],
        ["2017-11-09", "CA-2", "Region a", "工业泵", "3", "0.0049", "-8.5794000000001"],
    ]
    job = run_import("sales_ledger", csv_file(rows), org.admin)
    assert job.status == ImportJob.Status.DONE, job.errors
    lines = list(SalesLedgerLine.objects.order_by("date").values_list("revenue", "cost_of_goods"))
    assert lines == [(Decimal("957.5775"), Decimal("1340.6085")), (Decimal("0.0049"), Decimal("8.5843000000001"))]
    report = profitability(org.admin, group_by=["region"])
    assert report.total.revenue == Decimal("957.58")  # 957.5824 rounded once, at the end
    assert report.total.gross_margin == Decimal("-391.61")


def test_a_file_with_errors_is_refused_as_a_whole(shop):
    org = shop.org
    rows = [
        HEADER,
        ["2017-11-08", "CA-1", "region-a", "pumps", "2", "957.5775", "10"],
        ["2017-13-01", "CA-2", "nowhere", "pumps", "x", "1", "1"],
        ["2017-11-10", "CA-3", "region-b", "pumps", "1", "5", ""],
    ]
    events = Event.objects.count()
    job = run_import("sales_ledger", csv_file(rows), org.admin)
    assert job.status == ImportJob.Status.REJECTED
    assert sorted(problems(job)) == [
        (3, "date", "Enter a date, for example 2026-03-31."),
        (3, "quantity", "Enter a number."),
        (3, "region", "No region has this code or name."),
        (4, "cost_of_goods", "Give either the cost of goods or the profit."),
    ]
    assert SalesLedgerLine.objects.count() == 0
    assert Event.objects.count() == events


def test_only_finance_and_administrators_import_ledgers(org):
    rows = [HEADER, ["2017-11-08", "", "region-a", "pumps", "1", "1", "1"]]
    job = run_import("sales_ledger", csv_file(rows), org.a.user("finance"))
    assert job.status == ImportJob.Status.REJECTED  # no such product line, but the finance user may import
    assert problems(job) == [(2, "product_line", "No product line has this code or name.")]
