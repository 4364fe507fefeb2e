"""/api/v1/working-calendars: reads for everyone, writes for administrators with `calendars:write`, idempotent
creates, 4xx naming the field with nothing changed, 404 for what is not there, and the working-time answers."""

import json

import pytest
from django.test import Client

from salesops.core.models import CalendarDay, Event, WorkingCalendar
from salesops.testing.api import api_key_for, bearer, post_json
from salesops.testing.calendars import calendar_state

BASE = "/api/v1/working-calendars"


def patch_json(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def test_create_read_update_and_timeline(calendar, admin_client):
    created = post_json(
        admin_client,
        BASE,
        {
            "name": "门店日历",
            "working_weekdays": [1, 2, 3, 4, 5, 6, 7],
            "working_periods": [{"start": "10:00", "end": "22:00"}],
        },
        HTTP_IDEMPOTENCY_KEY="cal-1",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {
        key: body[key]
        for key in ("name", "time_zone", "working_weekdays", "working_periods", "hours_per_day", "is_default")
    } == {
        "name": "门店日历",
        "time_zone": "Asia/Shanghai",
        "working_weekdays": [1, 2, 3, 4, 5, 6, 7],
        "working_periods": [{"start": "10:00", "end": "22:00"}],
        "hours_per_day": "12.00",
        "is_default": False,
    }
    url = f"{BASE}/{body['id']}"
    assert admin_client.get(url).json() == body

    patched = patch_json(
        admin_client,
        url,
        {
            "working_periods": [{"start": "10:00", "end": "14:00"}, {"start": "15:00", "end": "21:30"}],
            "is_default": True,
        },
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["hours_per_day"], patched.json()["is_default"]) == ("10.50", True)
    assert list(WorkingCalendar.objects.filter(is_default=True).values_list("pk", flat=True)) == [body["id"]]
    timeline = admin_client.get(f"{url}/events").json()
    assert [event["type"] for event in timeline] == ["working_calendar.updated", "working_calendar.created"]
    assert timeline[0]["payload"]["after"]["is_default"] is True


def test_a_create_retried_with_its_key_creates_one_calendar(calendar, admin_client):
    body = {"name": "门店日历"}
    first = post_json(admin_client, BASE, body, HTTP_IDEMPOTENCY_KEY="cal-2")
    again = post_json(admin_client, BASE, body, HTTP_IDEMPOTENCY_KEY="cal-2")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert WorkingCalendar.objects.filter(name="门店日历").count() == 1
    other = post_json(admin_client, BASE, {"name": "别的"}, HTTP_IDEMPOTENCY_KEY="cal-2")
    assert other.status_code == 409


def test_list_calendars(calendar, org, client_for):
    response = client_for(org.a.user("sales_rep")).get(BASE)
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names[0] == calendar.name  # the default first
    assert response.json()["count"] == WorkingCalendar.objects.count()


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"name": ""}, {"name"}),
        ({"name": "x", "time_zone": "Asia/Beijing"}, {"time_zone"}),
        ({"name": "x", "working_weekdays": [0]}, {"working_weekdays.0"}),
        ({"name": "x", "working_weekdays": []}, {"working_weekdays"}),
        ({"name": "x", "working_periods": [{"start": "9:00", "end": "12:00"}]}, {"working_periods.0.start"}),
        ({"name": "x", "working_periods": [{"start": "13:00", "end": "12:00"}]}, {"working_periods"}),
        (
            {"name": "x", "working_periods": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}]},
            {"working_periods"},
        ),
        ({"name": "测试日历"}, {"name"}),
    ],
)
def test_bad_calendars_are_422_naming_the_field_and_change_nothing(calendar, admin_client, body, fields):
    before = calendar_state()
    response = post_json(admin_client, BASE, body)
    assert response.status_code == 422, response.content
    assert set(response.json()["error"]["fields"]) == fields
    assert calendar_state() == before


def test_clearing_the_default_flag_is_refused(calendar, admin_client):
    response = patch_json(admin_client, f"{BASE}/{calendar.pk}", {"is_default": False})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["is_default"]


def test_days_list_filter_add_and_remove(calendar, admin_client):
    days = admin_client.get(f"{BASE}/{calendar.pk}/days?year=2026&kind=workday").json()
    assert [(row["date"], row["name"]) for row in days["results"]] == [
        ("2026-01-04", "元旦调休"),
        ("2026-02-14", "春节调休"),
        ("2026-02-28", "春节调休"),
        ("2026-05-09", "劳动节调休"),
        ("2026-09-20", "国庆节调休"),
        ("2026-10-10", "国庆节调休"),
    ]
    assert admin_client.get(f"{BASE}/{calendar.pk}/days?year=2025").json()["count"] == 0

    added = post_json(
        admin_client, f"{BASE}/{calendar.pk}/days", {"date": "2026-03-03", "kind": "holiday", "name": "公司年会"}
    )
    assert added.status_code == 201, added.content
    assert {key: added.json()[key] for key in ("date", "kind", "name")} == {
        "date": "2026-03-03",
        "kind": "holiday",
        "name": "公司年会",
    }
    again = post_json(admin_client, f"{BASE}/{calendar.pk}/days", {"date": "2026-03-03", "kind": "workday"})
    assert again.status_code == 422 and list(again.json()["error"]["fields"]) == ["date"]

    removed = admin_client.delete(f"{BASE}/{calendar.pk}/days/{added.json()['id']}")
    assert removed.status_code == 204
    assert not CalendarDay.objects.filter(pk=added.json()["id"]).exists()


def test_load_holidays_twice_changes_nothing_the_second_time(calendar, admin_client):
    url = f"{BASE}/{calendar.pk}/load-holidays"
    first = post_json(admin_client, url, {"year": 2025})
    assert first.status_code == 200, first.content
    assert first.json() == {
        "year": 2025,
        "source": "国务院办公厅关于2025年部分节假日安排的通知",
        "created": 33,
        "updated": 0,
        "unchanged": 0,
    }
    before = calendar_state()
    second = post_json(admin_client, url, {"year": 2025})
    assert second.json()["unchanged"] == 33 and second.json()["created"] == 0
    assert calendar_state() == before
    missing = post_json(admin_client, url, {"year": 2031})
    assert missing.status_code == 422 and list(missing.json()["error"]["fields"]) == ["year"]


def test_working_time_answers(calendar, org, client_for):
    client = client_for(org.a.user("sales_rep"))
    url = f"{BASE}/{calendar.pk}/working-time"
    moment = client.get(url, {"start": "2026-02-13T17:00:00+08:00", "hours": "10"}).json()
    assert moment == {
        "calendar_id": calendar.pk,
        "start": "2026-02-13T09:00:00Z",
        "work_starts_at": "2026-02-13T09:00:00Z",
        "end": "2026-02-24T02:00:00Z",
        "working_seconds": 36000,
        "working_hours": "10.00",
    }
    # Without an offset the start is read in the calendar's zone; the end may be given in any zone.
    between = client.get(url, {"start": "2026-03-06T17:00:00", "end": "2026-03-09T02:00:00Z"}).json()
    assert (between["working_seconds"], between["working_hours"]) == (7200, "2.00")
    lunch = client.get(url, {"start": "2026-03-04T12:30:00+08:00", "hours": "0.25"}).json()
    assert (lunch["work_starts_at"], lunch["end"]) == ("2026-03-04T05:00:00Z", "2026-03-04T05:15:00Z")


@pytest.mark.parametrize(
    "query, field",
    [
        ({"start": "2026-03-06T17:00:00Z"}, "end"),
        ({"start": "2026-03-06T17:00:00Z", "end": "2026-03-07T00:00:00Z", "hours": "1"}, "end"),
        ({"start": "2026-03-06T17:00:00Z", "hours": "0"}, "hours"),
        ({"start": "2026-03-06T17:00:00Z", "hours": "100001"}, "hours"),
        ({"start": "0001-01-01T00:00:00+14:00", "hours": "1"}, "start"),
        ({"start": "2026-03-06T17:00:00Z", "end": "9999-12-31T23:59:59-12:00"}, "end"),
        ({"start": "tomorrow", "hours": "1"}, "start"),
    ],
)
def test_bad_working_time_queries_are_400_naming_the_parameter(calendar, admin_client, query, field):
    response = admin_client.get(f"{BASE}/{calendar.pk}/working-time", query)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("role", ["sales_rep", "finance", "regional_director", "dealer", "supplier"])
def test_only_administrators_write(calendar, org, client_for, role):
    client = client_for(org.a.user(role))
    day = calendar.days.first()
    before = calendar_state()
    assert client.get(f"{BASE}/{calendar.pk}").status_code == 200
    for response in (
        post_json(client, BASE, {"name": "x"}),
        patch_json(client, f"{BASE}/{calendar.pk}", {"name": "x"}),
        post_json(client, f"{BASE}/{calendar.pk}/days", {"date": "2026-03-03", "kind": "holiday"}),
        client.delete(f"{BASE}/{calendar.pk}/days/{day.pk}"),
        post_json(client, f"{BASE}/{calendar.pk}/load-holidays", {"year": 2025}),
    ):
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "forbidden"
    assert calendar_state() == before


def test_an_api_key_needs_the_calendars_write_scope_to_write(calendar, org):
    reader = Client(**bearer(api_key_for(org.admin, scopes=["calendars:read"])))
    assert reader.get(f"{BASE}/{calendar.pk}/days").status_code == 200
    refused = post_json(reader, f"{BASE}/{calendar.pk}/days", {"date": "2026-03-03", "kind": "holiday"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "insufficient_scope")
    writer = Client(**bearer(api_key_for(org.admin, scopes=["calendars:write"])))
    assert post_json(writer, f"{BASE}/{calendar.pk}/days", {"date": "2026-03-03", "kind": "holiday"}).status_code == 201
    other = Client(**bearer(api_key_for(org.admin, scopes=["customers:read"])))
    assert other.get(BASE).status_code == 403


def test_what_is_not_there_is_404(calendar, org, admin_client):
    other = WorkingCalendar.objects.create(name="别的日历")
    foreign_day = CalendarDay.objects.create(calendar=other, date="2026-03-03", kind="holiday")
    before = calendar_state()
    assert admin_client.get(f"{BASE}/{calendar.pk + 1000}").status_code == 404
    assert admin_client.get(f"{BASE}/abc").status_code == 404
    assert admin_client.get(f"{BASE}/{calendar.pk + 1000}/days").status_code == 404
    assert (
        admin_client.get(f"{BASE}/{calendar.pk + 1000}/working-time?start=2026-03-06T17:00:00Z&hours=1").status_code
        == 404
    )
    assert admin_client.delete(f"{BASE}/{calendar.pk}/days/{foreign_day.pk}").status_code == 404
    assert post_json(admin_client, f"{BASE}/{calendar.pk + 1000}/load-holidays", {"year": 2026}).status_code == 404
    assert Event.objects.count() == before["events"]
    assert calendar_state() == before


def test_anonymous_callers_are_401(calendar):
    assert Client().get(BASE).status_code == 401
