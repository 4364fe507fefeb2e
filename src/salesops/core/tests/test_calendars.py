"""Working calendars: model constraints, the actions (events, refusals that change nothing), loading official
holidays, the fresh install's default calendar, and the per-process cache of snapshots."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from salesops.core import calendars
from salesops.core.calendar_actions import (
    add_calendar_day,
    create_working_calendar,
    load_public_holidays,
    remove_calendar_day,
    update_working_calendar,
)
from salesops.core.calendars import STANDARD, cached_calendar, default_calendar
from salesops.core.holidays import official_schedule
from salesops.core.models import CalendarDay, WorkingCalendar
from salesops.core.working_time import add_working_time, is_working_day
from salesops.testing.calendars import calendar_events, calendar_state

SHANGHAI_NOON = datetime.timezone(datetime.timedelta(hours=8))
FESTIVAL_FRIDAY_17 = datetime.datetime(2026, 2, 13, 17, tzinfo=SHANGHAI_NOON)


def event_types(calendar) -> list[str]:
    return list(calendar_events(calendar).values_list("type", flat=True))


# --- the fresh install --------------------------------------------------------------------------------------------


def test_a_fresh_install_gets_a_default_calendar_with_2025_and_2026_loaded(db):
    migration = importlib.import_module("salesops.core.migrations.0005_default_working_calendar")
    WorkingCalendar.objects.all().delete()

    migration.create_default_calendar(apps, None)
    migration.create_default_calendar(apps, None)  # a second run leaves an installation with a default alone

    calendar = WorkingCalendar.objects.get()
    assert (calendar.name, calendar.is_default, calendar.time_zone) == ("公司工作日历", True, "Asia/Shanghai")
    assert calendar.working_weekdays == [1, 2, 3, 4, 5]
    assert calendar.working_periods == [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]
    expected = {
        (d.date, "workday" if d.is_working else "holiday", d.name)
        for y in (2025, 2026)
        for d in official_schedule(y).days
    }
    assert set(calendar.days.values_list("date", "kind", "name")) == expected
    assert event_types(calendar) == ["working_calendar.created"]
    assert shanghai(add_working_time(default_calendar(), FESTIVAL_FRIDAY_17, datetime.timedelta(hours=2))) == (
        datetime.datetime(2026, 2, 14, 10, tzinfo=SHANGHAI_NOON)
    )


def shanghai(moment):
    return moment.astimezone(SHANGHAI_NOON)


# --- model constraints --------------------------------------------------------------------------------------------


def test_the_database_allows_one_default_calendar_only(calendar, org):
    other = create_working_calendar(actor=org.admin, name="门店日历")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingCalendar.objects.filter(pk=other.pk).update(is_default=True)


def test_the_database_allows_one_entry_per_calendar_and_date(calendar):
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(calendar=calendar, date=datetime.date(2026, 2, 14), kind="holiday")


def test_the_database_refuses_an_unknown_day_kind(calendar):
    with pytest.raises(IntegrityError), transaction.atomic():
        calendar.days.filter(date=datetime.date(2026, 2, 14)).update(kind="weekend")


def test_every_save_checks_the_calendar_data(calendar):
    before = calendar_state()
    calendar.working_periods = [{"start": "13:00", "end": "12:00"}]
    calendar.working_weekdays = [0]
    with pytest.raises(ValidationError) as refused:
        calendar.save()
    assert set(refused.value.message_dict) == {"working_periods", "working_weekdays"}
    assert calendar_state() == before


# --- creating and updating calendars ------------------------------------------------------------------------------


def test_creating_a_default_calendar_moves_the_flag_and_records_both_changes(calendar, org):
    store = create_working_calendar(
        actor=org.admin,
        name="门店日历",
        working_weekdays=[1, 2, 3, 4, 5, 6, 7],
        working_periods=[{"start": "10:00", "end": "22:00"}],
        is_default=True,
    )
    calendar.refresh_from_db()
    assert list(WorkingCalendar.objects.filter(is_default=True)) == [store]
    assert event_types(store) == ["working_calendar.created"]
    event = calendar_events(calendar).filter(type="working_calendar.updated").get()
    assert event.payload == {"before": {"is_default": True}, "after": {"is_default": False}}
    created = calendar_events(store).get()
    assert created.payload["after"] == {
        "name": "门店日历",
        "time_zone": "Asia/Shanghai",
        "working_weekdays": [1, 2, 3, 4, 5, 6, 7],
        "working_periods": [{"start": "10:00", "end": "22:00"}],
        "is_default": True,
    }
    assert created.actor == org.admin


def test_a_calendar_with_bad_fields_is_refused_naming_each_field(calendar, org):
    before = calendar_state()
    with pytest.raises(ValidationError) as refused:
        create_working_calendar(
            actor=org.admin,
            name=calendar.name,
            time_zone="Asia/Beijing",
            working_weekdays=[],
            working_periods=[{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}],
        )
    assert set(refused.value.message_dict) == {"name", "time_zone", "working_weekdays", "working_periods"}
    assert calendar_state() == before


def test_updating_working_hours_records_what_changed_and_raises_the_version(calendar, org):
    version = calendar.version
    update_working_calendar(
        calendar,
        actor=org.admin,
        changes={"working_periods": [{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]},
    )
    calendar.refresh_from_db()
    assert calendar.version == version + 1
    event = calendar_events(calendar).last()
    assert event.type == "working_calendar.updated"
    assert event.payload == {
        "before": {"working_periods": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]},
        "after": {"working_periods": [{"start": "08:30", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]},
    }


def test_an_update_that_changes_nothing_records_nothing(calendar, org):
    before = calendar_state()
    update_working_calendar(
        calendar, actor=org.admin, changes={"name": calendar.name, "working_weekdays": [5, 4, 3, 2, 1]}
    )
    assert calendar_state() == before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"is_default": False}, "is_default"),
        ({"name": "  "}, "name"),
        ({"name": None}, "name"),
        ({"time_zone": None}, "time_zone"),
        ({"working_periods": [{"start": "18:00", "end": "09:00"}]}, "working_periods"),
        ({"working_weekdays": [1, 8]}, "working_weekdays"),
        ({"version": 7}, "version"),
    ],
)
def test_bad_updates_change_nothing(calendar, org, changes, field):
    before = calendar_state()
    with pytest.raises(ValidationError) as refused:
        update_working_calendar(calendar, actor=org.admin, changes=changes)
    assert list(refused.value.message_dict) == [field]
    assert calendar_state() == before


def test_making_another_calendar_the_default(calendar, org):
    store = create_working_calendar(actor=org.admin, name="门店日历")
    update_working_calendar(store, actor=org.admin, changes={"is_default": True})
    assert list(WorkingCalendar.objects.filter(is_default=True)) == [store]
    assert event_types(calendar)[-1] == "working_calendar.updated"


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager", "finance", "regional_director", "dealer"])
def test_only_administrators_change_calendars(calendar, org, role):
    user = org.a.user(role)
    day = calendar.days.first()
    before = calendar_state()
    for attempt in (
        lambda: create_working_calendar(actor=user, name="x"),
        lambda: update_working_calendar(calendar, actor=user, changes={"name": "x"}),
        lambda: add_calendar_day(calendar, actor=user, date=datetime.date(2026, 3, 3), kind="holiday"),
        lambda: remove_calendar_day(day, actor=user),
        lambda: load_public_holidays(calendar, 2025, actor=user),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert calendar_state() == before


def test_a_user_with_the_administrator_role_may_change_calendars(calendar, org):
    update_working_calendar(calendar, actor=org.a.user("admin"), changes={"name": "总部日历"})
    calendar.refresh_from_db()
    assert calendar.name == "总部日历"


# --- days ---------------------------------------------------------------------------------------------------------


def test_adding_and_removing_a_day(calendar, org):
    day = add_calendar_day(calendar, actor=org.admin, date="2026-03-03", kind="holiday", name="公司年会")
    assert (day.date, day.kind, day.name) == (datetime.date(2026, 3, 3), "holiday", "公司年会")
    assert not is_working_day(default_calendar(), datetime.date(2026, 3, 3))
    remove_calendar_day(day, actor=org.admin)
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert is_working_day(default_calendar(), datetime.date(2026, 3, 3))
    added, removed = list(calendar_events(calendar))[-2:]
    assert (added.type, added.payload) == (
        "working_calendar.day_added",
        {"after": {"date": "2026-03-03", "kind": "holiday", "name": "公司年会"}},
    )
    assert (removed.type, removed.payload) == (
        "working_calendar.day_removed",
        {"before": {"date": "2026-03-03", "kind": "holiday", "name": "公司年会"}},
    )


@pytest.mark.parametrize(
    "values, fields",
    [
        ({"date": "2026-02-14", "kind": "holiday"}, {"date"}),  # the calendar has the make-up Saturday already
        ({"date": "2026-02-30", "kind": "holiday"}, {"date"}),
        ({"date": datetime.datetime(2026, 3, 3, 9), "kind": "holiday"}, {"date"}),
        ({"date": "3000-01-01", "kind": "holiday"}, {"date"}),
        ({"date": "2026-03-03", "kind": "weekend"}, {"kind"}),
        ({"date": "2026-03-03", "kind": "holiday", "name": "x" * 101}, {"name"}),
        ({"date": None, "kind": None, "name": 5}, {"date", "kind", "name"}),
    ],
)
def test_bad_days_change_nothing(calendar, org, values, fields):
    before = calendar_state()
    with pytest.raises(ValidationError) as refused:
        add_calendar_day(calendar, actor=org.admin, **{"name": "", **values})
    assert set(refused.value.message_dict) == fields
    assert calendar_state() == before


# --- loading official holidays ------------------------------------------------------------------------------------


def test_loading_a_year_adds_its_days_once(org):
    calendar = create_working_calendar(actor=org.admin, name="空日历")
    first = load_public_holidays(calendar, 2025, actor=org.admin)
    expected = len(official_schedule(2025).days)
    assert (first.year, first.created, first.updated, first.unchanged) == (2025, expected, 0, 0)
    assert first.source == "国务院办公厅关于2025年部分节假日安排的通知"
    before = calendar_state()
    second = load_public_holidays(calendar, 2025, actor=org.admin)
    assert (second.created, second.updated, second.unchanged) == (0, 0, expected)
    assert calendar_state() == before
    assert event_types(calendar) == ["working_calendar.created", "working_calendar.holidays_loaded"]


def test_loading_corrects_official_dates_and_leaves_other_dates_alone(org):
    calendar = create_working_calendar(actor=org.admin, name="空日历")
    add_calendar_day(calendar, actor=org.admin, date="2026-02-14", kind="holiday", name="公司不调休")
    add_calendar_day(calendar, actor=org.admin, date="2026-03-03", kind="holiday", name="公司年会")
    result = load_public_holidays(calendar, 2026, actor=org.admin)
    assert (result.created, result.updated) == (len(official_schedule(2026).days) - 1, 1)
    assert calendar.days.get(date="2026-02-14").kind == "workday"
    assert calendar.days.get(date="2026-03-03").name == "公司年会"
    event = calendar_events(calendar).filter(type="working_calendar.holidays_loaded").get()
    assert event.payload["data"]["changed"] == [
        {
            "before": {"date": "2026-02-14", "kind": "holiday", "name": "公司不调休"},
            "after": {"date": "2026-02-14", "kind": "workday", "name": "春节调休"},
        }
    ]
    assert len(event.payload["data"]["added"]) == result.created


@pytest.mark.parametrize("year", [2019, "2026", None, True])
def test_a_year_without_a_schedule_is_refused_and_changes_nothing(calendar, org, year):
    before = calendar_state()
    with pytest.raises(ValidationError) as refused:
        load_public_holidays(calendar, year, actor=org.admin)
    assert list(refused.value.message_dict) == ["year"]
    assert calendar_state() == before


# --- the cache ----------------------------------------------------------------------------------------------------


def test_the_default_calendar_is_read_once_then_served_from_memory(calendar, django_assert_num_queries):
    with django_assert_num_queries(2):  # the version stamp, then the calendar and its days
        first = default_calendar()
    with django_assert_num_queries(0):
        assert default_calendar() is first
    assert first.calendar_id == calendar.pk
    assert is_working_day(first, datetime.date(2026, 2, 14))


def test_every_action_clears_the_cache_of_its_process(calendar, org):
    assert default_calendar().periods[0][0] == datetime.timedelta(hours=9)
    update_working_calendar(
        calendar, actor=org.admin, changes={"working_periods": [{"start": "08:00", "end": "12:00"}]}
    )
    assert default_calendar().periods == ((datetime.timedelta(hours=8), datetime.timedelta(hours=12)),)
    add_calendar_day(calendar, actor=org.admin, date="2026-03-03", kind="holiday")
    assert not is_working_day(default_calendar(), datetime.date(2026, 3, 3))
    load_public_holidays(calendar, 2025, actor=org.admin)
    assert not is_working_day(default_calendar(), datetime.date(2025, 1, 28))
    store = create_working_calendar(actor=org.admin, name="门店日历", is_default=True)
    assert default_calendar().calendar_id == store.pk


def test_a_change_made_by_another_process_is_seen_after_the_recheck_interval(calendar, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(calendars, "monotonic", lambda: clock[0])
    assert is_working_day(default_calendar(), datetime.date(2026, 3, 3))
    # Another process adds a holiday (its actions raise the version; this process's cache is not told).
    CalendarDay.objects.create(calendar=calendar, date=datetime.date(2026, 3, 3), kind="holiday")
    WorkingCalendar.objects.filter(pk=calendar.pk).update(version=calendar.version + 1)

    clock[0] += calendars.RECHECK_SECONDS - 1
    assert is_working_day(default_calendar(), datetime.date(2026, 3, 3))  # still the cached copy
    clock[0] += 1
    assert not is_working_day(default_calendar(), datetime.date(2026, 3, 3))


def test_an_unchanged_calendar_is_rechecked_with_one_query(calendar, monkeypatch, django_assert_num_queries):
    clock = [1000.0]
    monkeypatch.setattr(calendars, "monotonic", lambda: clock[0])
    first = default_calendar()
    clock[0] += calendars.RECHECK_SECONDS
    with django_assert_num_queries(1):
        assert default_calendar() is first


def test_without_a_default_calendar_the_standard_hours_apply(db):
    WorkingCalendar.objects.all().delete()
    assert default_calendar() is STANDARD
    assert shanghai(add_working_time(STANDARD, FESTIVAL_FRIDAY_17, datetime.timedelta(hours=2))) == (
        datetime.datetime(2026, 2, 16, 10, tzinfo=SHANGHAI_NOON)
    )


def test_a_calendar_is_cached_by_id_too(calendar, org):
    store = create_working_calendar(actor=org.admin, name="门店日历", working_weekdays=[6, 7])
    assert cached_calendar(store.pk).weekdays == frozenset({6, 7})
    with pytest.raises(WorkingCalendar.DoesNotExist):
        cached_calendar(store.pk + 1000)
