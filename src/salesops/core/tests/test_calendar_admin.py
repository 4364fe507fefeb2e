"""Administration → Working calendars: the year page renders the month grid, and its forms (working hours, add and
remove a day, load a year's holidays) write through the actions, with errors next to the fields."""

import re

import pytest

from salesops.core.models import CalendarDay, WorkingCalendar
from salesops.testing.calendars import calendar_events, calendar_state

ADMIN = "/admin/core/workingcalendar"


def cell(page: str, date: str) -> str:
    """The class of a date's cell in the month grid."""
    match = re.search(rf'<td class="(\w+)" data-date="{date}"', page)
    assert match, f"no cell for {date}"
    return match.group(1)


def test_the_year_page_marks_holidays_and_make_up_workdays(calendar, admin_client):
    response = admin_client.get(f"{ADMIN}/{calendar.pk}/year/2026/")
    assert response.status_code == 200
    page = response.content.decode()
    assert cell(page, "2026-02-14") == "makeup"
    assert cell(page, "2026-02-16") == "holiday"
    assert cell(page, "2026-03-07") == "off"
    assert cell(page, "2026-03-09") == "workday"
    assert page.count('<table class="calendar-month">') == 12
    assert "248" in re.search(r'data-testid="calendar-summary">(.*?)</p>', page, re.S).group(1)
    assert "春节调休" in page and "国庆节" in page
    # CSP: no inline scripts, no event-handler attributes.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert not re.search(r"\son[a-z]+=", page)


def test_a_year_without_a_shipped_schedule_says_so(calendar, admin_client):
    page = admin_client.get(f"{ADMIN}/{calendar.pk}/year/2031/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No official holiday schedule for 2031 is shipped with salesops" in page
    assert cell(page, "2031-01-01") == "workday"


def test_the_list_and_the_change_page_link_to_the_year_page(calendar, admin_client):
    assert f"{ADMIN}/{calendar.pk}/year/" in admin_client.get(f"{ADMIN}/").content.decode()
    assert f"{ADMIN}/{calendar.pk}/year/" in admin_client.get(f"{ADMIN}/{calendar.pk}/change/").content.decode()


def form_values(calendar, **overrides) -> dict:
    return {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "working_weekdays": [str(day) for day in calendar.working_weekdays],
        "working_periods": "09:00-12:00, 13:00-18:00",
        **({"is_default": "on"} if calendar.is_default else {}),
        **overrides,
    }


def test_editing_working_hours_goes_through_the_action(calendar, admin_client):
    response = admin_client.post(
        f"{ADMIN}/{calendar.pk}/change/", form_values(calendar, working_periods="08:30-12:00，13:00-17:30")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar.refresh_from_db()
    assert calendar.working_periods == [{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]
    event = calendar_events(calendar).last()
    assert event.type == "working_calendar.updated"
    assert list(event.payload["after"]) == ["working_periods"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"working_periods": "13:00-12:00"}, "working_periods"),
        ({"working_periods": "09:00-13:00, 12:00-18:00"}, "working_periods"),
        ({"time_zone": "Asia/Beijing"}, "time_zone"),
        ({"working_weekdays": []}, "working_weekdays"),
        ({"is_default": ""}, "is_default"),
    ],
)
def test_bad_working_hours_are_shown_next_to_the_field(calendar, admin_client, overrides, field):
    before = calendar_state()
    values = {key: value for key, value in form_values(calendar, **overrides).items() if value != ""}
    response = admin_client.post(f"{ADMIN}/{calendar.pk}/change/", values)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert calendar_state() == before


def test_adding_a_default_calendar_in_the_admin_moves_the_flag(calendar, admin_client):
    response = admin_client.post(
        f"{ADMIN}/add/",
        {
            "name": "门店日历",
            "time_zone": "Asia/Shanghai",
            "working_weekdays": ["1", "2", "3", "4", "5", "6", "7"],
            "working_periods": "10:00-22:00",
            "is_default": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    store = WorkingCalendar.objects.get(name="门店日历")
    assert list(WorkingCalendar.objects.filter(is_default=True)) == [store]
    assert store.working_weekdays == [1, 2, 3, 4, 5, 6, 7]


def test_adding_and_removing_a_day_on_the_year_page(calendar, admin_client):
    response = admin_client.post(
        f"{ADMIN}/{calendar.pk}/days/add/", {"date": "2026-03-03", "kind": "holiday", "name": "公司年会"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}/{calendar.pk}/year/2026/"
    day = calendar.days.get(date="2026-03-03")
    assert (day.kind, day.name) == ("holiday", "公司年会")
    assert cell(admin_client.get(response["Location"]).content.decode(), "2026-03-03") == "holiday"

    removed = admin_client.post(f"{ADMIN}/{calendar.pk}/days/{day.pk}/remove/")
    assert removed.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_a_date_the_calendar_has_is_an_error_next_to_the_date(calendar, admin_client):
    before = calendar_state()
    response = admin_client.post(f"{ADMIN}/{calendar.pk}/days/add/", {"date": "2026-02-14", "kind": "holiday"})
    assert response.status_code == 200
    assert "date" in response.context["day_form"].errors
    assert calendar_state() == before


def test_loading_a_years_holidays_on_the_year_page(org, admin_client):
    from salesops.core.calendar_actions import create_working_calendar

    calendar = create_working_calendar(actor=org.admin, name="空日历")
    response = admin_client.post(f"{ADMIN}/{calendar.pk}/load-holidays/", {"year": "2025"}, follow=True)
    assert response.status_code == 200
    assert calendar.days.filter(date__year=2025).count() == 33
    assert cell(response.content.decode(), "2025-01-26") == "makeup"
    refused = admin_client.post(f"{ADMIN}/{calendar.pk}/load-holidays/", {"year": "2019"})
    assert refused.status_code == 200 and "year" in refused.context["load_form"].errors


def test_staff_who_are_not_administrators_cannot_change_the_calendar(calendar, org, client_for):
    manager = org.a.user("sales_manager")
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    client = client_for(manager)
    day = calendar.days.first()
    before = calendar_state()
    assert client.get(f"{ADMIN}/{calendar.pk}/year/2026/").status_code == 403
    assert client.post(f"{ADMIN}/{calendar.pk}/days/add/", {"date": "2026-03-03", "kind": "holiday"}).status_code == 403
    assert client.post(f"{ADMIN}/{calendar.pk}/days/{day.pk}/remove/").status_code == 403
    assert client.post(f"{ADMIN}/{calendar.pk}/load-holidays/", {"year": "2025"}).status_code == 403
    assert calendar_state() == before


def test_removing_needs_a_post_and_unknown_calendars_are_404(calendar, admin_client):
    day = calendar.days.first()
    assert admin_client.get(f"{ADMIN}/{calendar.pk}/days/{day.pk}/remove/").status_code == 403
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    assert admin_client.get(f"{ADMIN}/{calendar.pk + 1000}/year/2026/").status_code == 404
    assert admin_client.get(f"{ADMIN}/{calendar.pk}/year/3000/").status_code == 404
