import datetime

from salesops.reporting.models import StageVisit
from salesops.reporting.tests.fixtures import at, catch_up, order_through
from salesops.testing.api import api_key_for, bearer

MONDAY = datetime.date(2026, 3, 2)


def shipped(shop, region="a", hours=100):
    confirmed = at(MONDAY, 10)
    return order_through(
        shop,
        {"created": at(MONDAY, 9), "submitted": confirmed, "shipped": confirmed + datetime.timedelta(hours=hours)},
        region=region,
    )


def test_metrics_api_groups_by_region_and_drills_down(shop, client):
    org = shop.org
    slow = shipped(shop, "a", 100)
    shipped(shop, "b", 2)
    catch_up()
    headers = bearer(api_key_for(org.admin))
    response = client.get(
        "/api/v1/metrics",
        {"start": "2026-03-01", "end": "2026-03-31", "group_by": "region", "stage": "shipment"},
        **headers,
    )
    assert response.status_code == 200, response.content
    rows = {row["group"]: row for row in response.json()["stages"]}
    assert rows[org.a.region.pk]["delayed"] == 1 and rows[org.a.region.pk]["delay_rate"] == 1.0
    assert rows[org.b.region.pk]["delayed"] == 0 and rows[org.b.region.pk]["completions"] == 1
    assert rows[org.a.region.pk]["group_label"] == org.a.region.name
    drill = client.get(
        "/api/v1/metrics/documents",
        {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "group_by": "region",
            "group": org.a.region.pk,
            "stage": "shipment",
            "measure": "delayed",
        },
        **headers,
    )
    assert drill.status_code == 200, drill.content
    assert [row["subject_id"] for row in drill.json()["results"]] == [slow.pk]
    assert drill.json()["results"][0]["url"] == f"/orders/{slow.pk}/"


def test_metrics_api_rejects_bad_slices_with_the_field(shop, client):
    headers = bearer(api_key_for(shop.org.admin))
    bad_group = client.get("/api/v1/metrics", {"group_by": "planet"}, **headers)
    assert bad_group.status_code == 400 and "group_by" in bad_group.json()["error"]["fields"]
    two_dimensions = client.get("/api/v1/metrics", {"group_by": "product_line", "salesperson": 1}, **headers)
    assert two_dimensions.status_code == 400 and "group_by" in two_dimensions.json()["error"]["fields"]
    backwards = client.get("/api/v1/metrics", {"start": "2026-03-10", "end": "2026-03-01"}, **headers)
    assert backwards.status_code == 400 and "start" in backwards.json()["error"]["fields"]


def test_only_administrators_change_stage_targets(shop, client):
    org = shop.org
    response = client.put(
        "/api/v1/stages/shipment/target",
        {"target_hours": 10},
        content_type="application/json",
        **bearer(api_key_for(org.a.user("regional_director"))),
    )
    assert response.status_code == 403
    response = client.put(
        "/api/v1/stages/shipment/target",
        {"target_hours": 10},
        content_type="application/json",
        **bearer(api_key_for(org.admin)),
    )
    assert response.status_code == 200 and response.json()["target_hours"] == 10
    shipped(shop, "a", 20)  # 20 h: late against 10 h, on time against the default 72 h
    catch_up()
    rows = client.get(
        "/api/v1/metrics",
        {"start": "2026-03-01", "end": "2026-03-31", "stage": "shipment"},
        **bearer(api_key_for(org.admin)),
    ).json()["stages"]
    assert rows[0]["delayed"] == 1


def test_dashboard_page_shows_stages_and_links_each_figure(shop, client_for):
    shipped(shop, "a", 100)
    catch_up()
    client = client_for(shop.org.a.user("regional_director"))
    page = client.get(
        "/reporting/", {"start": "2026-03-01", "end": "2026-03-31", "group_by": "region", "stage": "shipment"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="stage-shipment"' in html and "in-stage-chart" in html and "group-chart" in html
    row = html[
        html.index('data-testid="stage-shipment"') : html.index("</tr>", html.index('data-testid="stage-shipment"'))
    ]
    completions = StageVisit.objects.filter(stage="shipment", leave_day__month=3).count()
    assert f">{completions}</a>" in row and "100%" in row  # one completion, late: the same as the visits say
    by_line = client.get(
        "/reporting/", {"start": "2026-03-01", "end": "2026-03-31", "product_line": shop.product.line_id}
    )
    assert by_line.status_code == 200 and 'data-testid="stage-shipment"' in by_line.content.decode()
    drill = client.get(
        "/reporting/documents/", {"stage": "shipment", "measure": "delayed", "start": "2026-03-01", "end": "2026-03-31"}
    )
    assert drill.status_code == 200 and drill.content.decode().count('data-testid="visit"') == 1
    other = client_for(shop.org.b.user("regional_director")).get(
        "/reporting/documents/", {"stage": "shipment", "measure": "delayed", "start": "2026-03-01", "end": "2026-03-31"}
    )
    assert other.content.decode().count('data-testid="visit"') == 0
