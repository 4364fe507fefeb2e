"""Writes for working calendars: create and update a calendar, add and remove a dated exception, load a year's
official public holidays. Only administrators may call them (PermissionDenied otherwise).

Each action runs in one transaction: it validates (a ValidationError keyed by the field names the caller sent:
`name`, `working_periods`, `date`, `year`...; nothing is written when any field is wrong), locks the calendar row
(so changes to one calendar are serialised), changes it, raises its `version`, records one event about the
calendar (its timeline is the calendar's audit trail) and drops this process's cached calendars, at once and
again after commit (see `core/calendars.py`).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from salesops.core import holidays, working_time
from salesops.core.actions import apply_changes, refuse_unknown_fields
from salesops.core.calendars import forget_calendars
from salesops.core.events import record_event, snapshot
from salesops.core.models import CalendarDay, WorkingCalendar
from salesops.core.queries import may_change_calendars

CALENDAR_FIELDS = ("name", "time_zone", "working_weekdays", "working_periods", "is_default")
DAY_FIELDS = ("date", "kind", "name")
FIRST_YEAR, LAST_YEAR = 1900, 2200


@dataclass(frozen=True)
class HolidayLoad:
    """What `load_public_holidays` did: how many official dates it added, changed and found already right."""

    year: int
    source: str
    created: int
    updated: int
    unchanged: int


def check_may_change(actor) -> None:
    if actor is None or not may_change_calendars(actor):
        raise PermissionDenied(_("Only administrators may change working calendars."))


def calendar_changed(calendar: WorkingCalendar) -> None:
    """Raise the version of a calendar locked by the caller and drop the cached snapshots."""
    WorkingCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1)
    calendar.version += 1
    forget_calendars()  # a read later in this transaction must not see the old snapshot
    transaction.on_commit(forget_calendars)  # nor one read by another thread before the commit


def lock(calendar: WorkingCalendar) -> WorkingCalendar:
    return WorkingCalendar.objects.select_for_update().get(pk=calendar.pk)


# --- field checks -------------------------------------------------------------------------------------------------


def clean_text(raw: Any, *, max_length: int, required: bool) -> str:
    if not isinstance(raw, str):
        raise ValidationError(_("Enter text."))
    value = raw.strip()
    if required and not value:
        raise ValidationError(_("This field is required."))
    if "\x00" in value:
        raise ValidationError(_("Text may not contain NUL characters."))
    if len(value) > max_length:
        raise ValidationError(_("At most %(n)d characters.") % {"n": max_length})
    return value


def clean_calendar_fields(values: dict[str, Any], *, instance: WorkingCalendar | None) -> dict[str, Any]:
    """Check the given calendar fields; returns them cleaned, or raises one ValidationError naming each bad one."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "name" in values:
        try:
            cleaned["name"] = clean_text(values["name"], max_length=100, required=True)
        except ValidationError as exc:
            errors["name"] = exc.messages
        else:
            clash = WorkingCalendar.objects.filter(name=cleaned["name"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["name"] = [_("Another working calendar has this name.")]
    for name, check in (
        ("time_zone", working_time.clean_time_zone),
        ("working_weekdays", working_time.clean_weekdays),
        ("working_periods", working_time.clean_periods),
    ):
        if name in values:
            try:
                cleaned[name] = check(values[name])
            except ValueError as exc:
                errors[name] = [str(exc)]
    if "is_default" in values:
        if not isinstance(values["is_default"], bool):
            errors["is_default"] = [_("Enter true or false.")]
        elif instance is not None and instance.is_default and not values["is_default"]:
            errors["is_default"] = [_("There is always one default calendar: make another calendar the default.")]
        else:
            cleaned["is_default"] = values["is_default"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_day_fields(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    day = values.get("date")
    if isinstance(day, str):
        try:
            day = datetime.date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        errors["date"] = [_("Enter a date as YYYY-MM-DD.")]
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors["date"] = [_("Enter a date between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}]
    else:
        cleaned["date"] = day
    if values.get("kind") not in CalendarDay.Kind.values:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(CalendarDay.Kind.values)}]
    else:
        cleaned["kind"] = values["kind"]
    try:
        cleaned["name"] = clean_text(values.get("name", ""), max_length=100, required=False)
    except ValidationError as exc:
        errors["name"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def day_data(day: CalendarDay) -> dict[str, Any]:
    return snapshot(day, DAY_FIELDS)


# --- calendars ----------------------------------------------------------------------------------------------------


def take_default(*, actor, keep: WorkingCalendar | None) -> None:
    """Clear the flag on the current default calendar (other than `keep`), recording its update."""
    current = WorkingCalendar.objects.select_for_update().filter(is_default=True)
    if keep is not None and keep.pk is not None:
        current = current.exclude(pk=keep.pk)
    for previous in current:
        previous.is_default = False
        previous.save(update_fields=["is_default", "updated_at"])
        calendar_changed(previous)
        record_event(
            "working_calendar.updated", previous, actor=actor, before={"is_default": True}, after={"is_default": False}
        )


def clash_error(calendar: WorkingCalendar) -> ValidationError:
    """The field error for a unique constraint that a concurrent transaction won: the name, or the default."""
    if WorkingCalendar.objects.filter(name=calendar.name).exclude(pk=calendar.pk).exists():
        return ValidationError({"name": [_("Another working calendar has this name.")]})
    return ValidationError({"is_default": [_("Another calendar was made the default at the same moment; try again.")]})


def create_working_calendar(
    *,
    actor,
    name: str,
    time_zone: str = working_time.DEFAULT_TIME_ZONE,
    working_weekdays=working_time.DEFAULT_WEEKDAYS,
    working_periods=working_time.DEFAULT_PERIODS,
    is_default: bool = False,
) -> WorkingCalendar:
    """Create a calendar; with `is_default` it replaces the current default (which records its own update).
    Records `working_calendar.created`."""
    check_may_change(actor)
    values = {
        "name": name,
        "time_zone": time_zone,
        "working_weekdays": list(working_weekdays) if isinstance(working_weekdays, tuple) else working_weekdays,
        "working_periods": list(working_periods) if isinstance(working_periods, tuple) else working_periods,
        "is_default": is_default,
    }
    cleaned = clean_calendar_fields(values, instance=None)
    with transaction.atomic():
        if cleaned["is_default"]:
            take_default(actor=actor, keep=None)
        calendar = WorkingCalendar(**cleaned)
        try:
            with transaction.atomic():
                calendar.save()
        except IntegrityError:
            raise clash_error(calendar) from None
        record_event("working_calendar.created", calendar, actor=actor, after=snapshot(calendar, CALENDAR_FIELDS))
        forget_calendars()
        transaction.on_commit(forget_calendars)
    return calendar


def update_working_calendar(calendar: WorkingCalendar, *, actor, changes: dict[str, Any]) -> WorkingCalendar:
    """Change some of a calendar's fields; records `working_calendar.updated` with what changed (nothing when
    nothing did). Making it the default clears the previous default; clearing the default flag is refused."""
    check_may_change(actor)
    refuse_unknown_fields(changes, CALENDAR_FIELDS)
    with transaction.atomic():
        locked = lock(calendar)
        cleaned = clean_calendar_fields(changes, instance=locked)
        if cleaned.get("is_default") and not locked.is_default:
            take_default(actor=actor, keep=locked)
        try:
            with transaction.atomic():
                changed, before, after = apply_changes(locked, cleaned)
        except IntegrityError:
            raise clash_error(locked) from None
        if changed:
            calendar_changed(locked)
            record_event("working_calendar.updated", locked, actor=actor, before=before, after=after)
    return locked


# --- days ---------------------------------------------------------------------------------------------------------


def add_calendar_day(calendar: WorkingCalendar, *, actor, date, kind: str, name: str = "") -> CalendarDay:
    """Add a dated exception: a holiday or a make-up workday. A date the calendar has already is refused (remove
    it first), so a date is never both. Records `working_calendar.day_added`."""
    check_may_change(actor)
    cleaned = clean_day_fields({"date": date, "kind": kind, "name": name})
    with transaction.atomic():
        locked = lock(calendar)
        existing = locked.days.filter(date=cleaned["date"]).first()
        if existing is not None:
            raise ValidationError(
                {"date": [_("The calendar has this date already (%(day)s); remove it first.") % {"day": existing}]}
            )
        day = CalendarDay.objects.create(calendar=locked, **cleaned)
        calendar_changed(locked)
        record_event("working_calendar.day_added", locked, actor=actor, after=day_data(day))
    return day


def remove_calendar_day(day: CalendarDay, *, actor) -> None:
    """Remove a dated exception: the date follows its weekday again. Records `working_calendar.day_removed` with
    the day as it was."""
    check_may_change(actor)
    with transaction.atomic():
        locked = lock(day.calendar)
        before = day_data(day)
        deleted, _counts = CalendarDay.objects.filter(pk=day.pk, calendar=locked).delete()
        if not deleted:
            raise CalendarDay.DoesNotExist("the day was removed already")
        calendar_changed(locked)
        record_event("working_calendar.day_removed", locked, actor=actor, before=before)


def clean_year(raw: Any) -> holidays.OfficialSchedule:
    available = holidays.available_years()
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in available:
        raise ValidationError(
            {
                "year": [
                    _("No official holiday schedule for that year is shipped with salesops. Available: %(years)s.")
                    % {"years": ", ".join(str(year) for year in available)}
                ]
            }
        )
    return holidays.official_schedule(raw)


def load_public_holidays(calendar: WorkingCalendar, year: int, *, actor) -> HolidayLoad:
    """Make the calendar's dates of `year` that the official schedule names match it: its holidays and make-up
    workdays are added, a date the calendar had otherwise is changed to the official kind and name, other dates
    are left alone. Loading a year twice changes nothing (and records nothing the second time); a change records
    `working_calendar.holidays_loaded` with the dates added and changed."""
    check_may_change(actor)
    schedule = clean_year(year)
    with transaction.atomic():
        locked = lock(calendar)
        existing = {day.date: day for day in locked.days.filter(date__in=[official.date for official in schedule.days])}
        created, updated = [], []
        for official in schedule.days:
            kind = CalendarDay.Kind.WORKDAY if official.is_working else CalendarDay.Kind.HOLIDAY
            day = existing.get(official.date)
            if day is None:
                created.append(CalendarDay(calendar=locked, date=official.date, kind=kind, name=official.name))
            elif (day.kind, day.name) != (kind, official.name):
                updated.append((day, day_data(day)))
                day.kind, day.name = kind, official.name
        if created:
            CalendarDay.objects.bulk_create(created)
        if updated:
            CalendarDay.objects.bulk_update([day for day, _before in updated], ["kind", "name"])
        if created or updated:
            calendar_changed(locked)
            record_event(
                "working_calendar.holidays_loaded",
                locked,
                actor=actor,
                data={
                    "year": schedule.year,
                    "source": schedule.title,
                    "added": [day_data(day) for day in created],
                    "changed": [{"before": before, "after": day_data(day)} for day, before in updated],
                },
            )
    return HolidayLoad(
        year=schedule.year,
        source=schedule.title,
        created=len(created),
        updated=len(updated),
        unchanged=len(schedule.days) - len(created) - len(updated),
    )
