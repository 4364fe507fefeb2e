import datetime

import pytest
from django.db import connection

from salesops.core.dispatch import deliver_pending
from salesops.reporting.metrics import Slice, daily, documents, merged_histograms, stage_metrics
from salesops.reporting.models import StageDay, StageVisit
from salesops.reporting.tests.fixtures import at, catch_up, order_through

MONDAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


def lifecycle(shop, start: datetime.date, *, ship_after_hours: int, region="a"):
    """An order created at 09:00, submitted at 10:00, shipped `ship_after_hours` after confirmation, invoiced the
    next day and paid three days later."""
    confirmed = at(start, 10)
    shipped = confirmed + datetime.timedelta(hours=ship_after_hours)
    return order_through(
        shop,
        {
            "created": at(start, 9),
            "submitted": confirmed,
            "shipped": shipped,
            "invoiced": shipped + DAY,
            "paid": shipped + 4 * DAY,
        },
        region=region,
    )


def test_stage_visits_follow_an_order_through_the_process(shop):
    order = lifecycle(shop, MONDAY, ship_after_hours=30)
    catch_up()
    visits = {visit.stage: visit for visit in StageVisit.objects.filter(subject_id=order.pk)}
    assert set(visits) == {"submission", "confirmation", "shipment", "invoicing", "payment"}
    assert visits["submission"].duration_seconds == 3600
    assert visits["confirmation"].duration_seconds == 0
    assert visits["shipment"].duration_seconds == 30 * 3600
    assert visits["shipment"].is_delayed is False  # target 72 h
    assert visits["payment"].leave_event == "order.paid"
    assert visits["shipment"].region_id == shop.org.a.region.pk
    assert visits["shipment"].salesperson_id == shop.org.a.user("sales_rep").pk
    assert visits["shipment"].product_lines == f",{shop.product.line_id},"
    total = StageDay.objects.get(stage="shipment", day=MONDAY + DAY, dimension="all", office_id=0)
    assert (total.arrivals, total.completions) == (0, 1)


def test_a_redelivered_batch_is_not_counted_twice(shop):
    lifecycle(shop, MONDAY, ship_after_hours=5)
    catch_up()
    before = list(StageDay.objects.order_by("pk").values_list("arrivals", "completions"))
    assert deliver_pending(now=at(MONDAY, 0) + datetime.timedelta(days=3650)).delivered == 0
    assert list(StageDay.objects.order_by("pk").values_list("arrivals", "completions")) == before


def independent_figures(stage: str, start: datetime.date, end: datetime.date, region_id: int) -> dict:
    """The same figures straight from the visits, in SQL (percentiles by nearest rank)."""
    table = StageVisit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN is_delayed THEN 1 ELSE 0 END), 0) FROM {table} "
            "WHERE stage = %s AND region_id = %s AND leave_day BETWEEN %s AND %s",
            [stage, region_id, start, end],
        )
        completions, delayed = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE stage = %s AND region_id = %s AND enter_day BETWEEN %s AND %s",
            [stage, region_id, start, end],
        )
        (arrivals,) = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE stage = %s AND region_id = %s AND left_at IS NULL", [stage, region_id]
        )
        (in_stage,) = cursor.fetchone()
        cursor.execute(
            f"SELECT duration_seconds FROM {table} WHERE stage = %s AND region_id = %s AND leave_day BETWEEN %s AND %s "
            "ORDER BY duration_seconds",
            [stage, region_id, start, end],
        )
        durations = [row[0] for row in cursor.fetchall()]
    return {
        "arrivals": arrivals,
        "completions": completions,
        "delayed": delayed,
        "in_stage": in_stage,
        "median": durations[max(0, -(-len(durations) // 2) - 1)] / 3600 if durations else None,
        "p90": durations[max(0, -(-len(durations) * 9 // 10) - 1)] / 3600 if durations else None,
    }


def test_dashboard_figures_match_an_independent_query(shop):
    org = shop.org
    hours = [2, 5, 9, 20, 26, 50, 70, 80, 100, 3]
    for index, ship_after in enumerate(hours):
        lifecycle(shop, MONDAY + index % 5 * DAY, ship_after_hours=ship_after, region="a" if index % 3 else "b")
    order_through(shop, {"created": at(MONDAY, 11), "submitted": at(MONDAY, 12)})  # still waiting to ship
    catch_up()
    start, end = MONDAY, MONDAY + 9 * DAY
    for region in (org.a.region, org.b.region):
        figures = {item.stage: item for item in stage_metrics(org.admin, Slice(start, end, region=region.pk))}
        expected = independent_figures("shipment", start, end, region.pk)
        shipment = figures["shipment"]
        assert (shipment.arrivals, shipment.completions, shipment.delayed, shipment.in_stage) == (
            expected["arrivals"],
            expected["completions"],
            expected["delayed"],
            expected["in_stage"],
        )
        assert shipment.median_hours == pytest.approx(expected["median"], rel=0.01)
        assert shipment.p90_hours == pytest.approx(expected["p90"], rel=0.01)
        assert shipment.delay_rate == round(expected["delayed"] / expected["completions"], 4)
    by_region = {
        item.group: item
        for item in stage_metrics(org.admin, Slice(start, end, group_by="region"))
        if item.stage == "shipment"
    }
    assert by_region[org.a.region.pk].completions + by_region[org.b.region.pk].completions == len(hours)
    assert by_region[org.a.region.pk].in_stage == 1


def test_drill_down_lists_the_documents_behind_a_bar(shop):
    org = shop.org
    slow = lifecycle(shop, MONDAY, ship_after_hours=100)
    lifecycle(shop, MONDAY, ship_after_hours=4)
    catch_up()
    query = Slice(MONDAY, MONDAY + 9 * DAY, group_by="region")
    delayed = documents(org.admin, query, stage_key="shipment", measure="delayed", group=org.a.region.pk)
    assert [visit.subject_id for visit in delayed] == [slow.pk]
    assert documents(org.admin, query, stage_key="shipment", measure="delayed", group=org.b.region.pk).count() == 0


def test_scope_limits_the_figures_to_the_readers_region(shop):
    org = shop.org
    lifecycle(shop, MONDAY, ship_after_hours=4, region="a")
    lifecycle(shop, MONDAY, ship_after_hours=4, region="b")
    catch_up()
    query = Slice(MONDAY, MONDAY + 9 * DAY, group_by="region")
    director = org.a.user("regional_director")
    groups = {item.group for item in stage_metrics(director, query)}
    assert groups == {org.a.region.pk}
    rep = org.b.user("sales_rep")
    mine = [item for item in stage_metrics(rep, Slice(MONDAY, MONDAY + 9 * DAY)) if item.stage == "shipment"]
    assert [item.completions for item in mine] == [1]
    assert daily(rep, query)["shipment"][0]["completions"] == 1


def test_rebuild_from_the_event_log_gives_the_same_rollups(shop):
    from salesops.reporting.rollups import rebuild

    for index, hours in enumerate([3, 30, 90]):
        lifecycle(shop, MONDAY + index * DAY, ship_after_hours=hours, region="ab"[index % 2])
    catch_up()
    columns = (
        "stage",
        "day",
        "region_id",
        "office_id",
        "dimension",
        "value",
        "arrivals",
        "completions",
        "delayed",
        "histogram",
    )
    live = sorted(map(repr, StageDay.objects.values_list(*columns)))
    assert rebuild(chunk=7) > 0
    assert sorted(map(repr, StageDay.objects.values_list(*columns))) == live
    assert StageVisit.objects.filter(left_at__isnull=True).count() == 0


def test_the_largest_groups_keep_their_exact_figures(shop):
    org = shop.org
    for index, hours in enumerate([3, 30, 90, 5]):
        lifecycle(shop, MONDAY + index * DAY, ship_after_hours=hours, region="a" if index else "b")
    catch_up()
    query = Slice(MONDAY, MONDAY + 9 * DAY, group_by="region", stage_keys=("shipment",))
    every = {item.group: item for item in stage_metrics(org.admin, query)}
    largest = stage_metrics(org.admin, query, largest=1)
    assert [item.group for item in largest] == [org.a.region.pk]  # three completions against one
    kept = largest[0]
    assert (kept.completions, kept.delayed, kept.median_hours, kept.p90_hours) == (
        every[org.a.region.pk].completions,
        every[org.a.region.pk].delayed,
        every[org.a.region.pk].median_hours,
        every[org.a.region.pk].p90_hours,
    )
    before = Slice(MONDAY - 30 * DAY, MONDAY - 20 * DAY, group_by="region", stage_keys=("shipment",))
    assert [(item.completions, item.median_hours) for item in stage_metrics(org.admin, before, largest=1)] == [
        (0, None)
    ]
    assert merged_histograms([StageDay.objects.filter(pk__in=[])], ["stage", "region_id"]) == {}
