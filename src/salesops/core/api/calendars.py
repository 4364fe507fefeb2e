"""/api/v1/working-calendars: the company's working calendars, their dated exceptions (public holidays, make-up
workdays), loading a year's official holidays, and working-time arithmetic for integrators.

Reads need `calendars:read` and are open to every signed-in user; writes need `calendars:write` and an
administrator (403 `forbidden` otherwise)."""

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from salesops.accounts.auth import require_scope
from salesops.core import calendar_actions, working_time
from salesops.core.api.errors import READ_ERRORS, WRITE_ERRORS, errors
from salesops.core.api.events import EventOut, event_list
from salesops.core.api.idempotency import OPENAPI_EXTRA, idempotent
from salesops.core.api.listing import MAX_ID, ListParams, Page, Text, paginate
from salesops.core.calendars import cached_calendar
from salesops.core.models import CalendarDay, WorkingCalendar
from salesops.core.querying import InvalidParameter, order, ordering_pattern
from salesops.core.scoping import for_user, get_for_user

router = Router(tags=["working calendars"])

CALENDAR_ORDERING = {"name": "name", "is_default": "is_default", "created_at": "created_at", "updated_at": "updated_at"}
DAY_ORDERING = {"date": "date", "kind": "kind", "name": "name"}
TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"
FIRST_YEAR, LAST_YEAR = calendar_actions.FIRST_YEAR, calendar_actions.LAST_YEAR
MAX_HOURS = 100_000
Weekday = Annotated[int, Field(ge=1, le=7)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


class WorkingPeriod(Schema):
    start: str = Field(pattern=TIME_OF_DAY, description="HH:MM on the calendar's wall clock.", examples=["09:00"])
    end: str = Field(pattern=TIME_OF_DAY, description="HH:MM; 24:00 is midnight at the end of the day.")


class WorkingCalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    working_weekdays: list[int] = Field(description="ISO weekday numbers: Monday 1 … Sunday 7.")
    working_periods: list[WorkingPeriod]
    hours_per_day: Decimal = Field(description="Working hours of one working day.")
    is_default: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_hours_per_day(calendar: WorkingCalendar) -> Decimal:
        minutes = sum(
            working_time.minutes_of(period["end"], is_end=True) - working_time.minutes_of(period["start"], is_end=False)
            for period in calendar.working_periods
        )
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)


PERIODS_HELP = "At least one, in order of time, not overlapping."


class WorkingCalendarIn(Schema):
    name: Text = Field(min_length=1, max_length=100)
    time_zone: Text = Field(working_time.DEFAULT_TIME_ZONE, max_length=50, description="An IANA time zone name.")
    working_weekdays: list[Weekday] = Field(
        list(working_time.DEFAULT_WEEKDAYS), min_length=1, max_length=7, description="Monday 1 … Sunday 7."
    )
    working_periods: list[WorkingPeriod] = Field(
        [WorkingPeriod(**period) for period in working_time.DEFAULT_PERIODS],
        min_length=1,
        max_length=working_time.MAX_PERIODS,
        description=PERIODS_HELP,
    )
    is_default: bool = Field(False, description="true: this calendar becomes the default, replacing the current one.")


class WorkingCalendarPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=100)
    time_zone: Text | None = Field(None, max_length=50)
    working_weekdays: list[Weekday] | None = Field(None, min_length=1, max_length=7)
    working_periods: list[WorkingPeriod] | None = Field(
        None, min_length=1, max_length=working_time.MAX_PERIODS, description=PERIODS_HELP
    )
    is_default: bool | None = Field(None, description="Only true: make another calendar the default to clear it.")


class CalendarFilters(ListParams):
    ordering: str | None = Field(
        None, pattern=ordering_pattern(CALENDAR_ORDERING), description="Default -is_default,name."
    )


class CalendarDayOut(Schema):
    id: int
    date: datetime.date
    kind: str = Field(description="holiday (off, even on a working weekday) or workday (on, even on a weekend).")
    name: str
    created_at: datetime.datetime


class CalendarDayIn(Schema):
    date: datetime.date
    kind: Literal["holiday", "workday"]
    name: Text = Field("", max_length=100, description='Why: "春节", "春节调休".')


class CalendarDayFilters(ListParams):
    ordering: str | None = Field(None, pattern=ordering_pattern(DAY_ORDERING), description="Default date.")
    year: Year | None = Field(None, description="Only the days of this year.")
    kind: Literal["holiday", "workday"] | None = None


class LoadHolidaysIn(Schema):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="A year whose official schedule ships with salesops.")


class HolidayLoadOut(Schema):
    year: int
    source: str = Field(description="The State Council notice the dates come from.")
    created: int = Field(description="Official dates added to the calendar.")
    updated: int = Field(description="Dates the calendar had with another kind or name, now as the notice says.")
    unchanged: int = Field(description="Official dates the calendar had already.")


class WorkingTimeQuery(Schema):
    start: datetime.datetime = Field(
        description="ISO 8601; without an offset it is read on the calendar's wall clock (Asia/Shanghai)."
    )
    end: datetime.datetime | None = Field(None, description="Give `end` to get the working time from start to end.")
    hours: Decimal | None = Field(
        None,
        gt=0,
        le=MAX_HOURS,
        decimal_places=6,
        description="Give `hours` (working hours, decimals allowed) to get the moment they have passed.",
    )


class WorkingTimeOut(Schema):
    calendar_id: int
    start: datetime.datetime = Field(description="The start as given, in UTC.")
    work_starts_at: datetime.datetime = Field(description="The first working moment at or after start (UTC).")
    end: datetime.datetime = Field(description="The end as given, or the moment `hours` have passed (UTC).")
    working_seconds: int = Field(description="Working time from start to end, whole seconds (rounded down).")
    working_hours: Decimal = Field(description="The same in hours, rounded half up to 0.01.")


def get_calendar(request: HttpRequest, calendar_id: int) -> WorkingCalendar:
    return get_for_user(WorkingCalendar.objects.all(), request.user, pk=calendar_id)


def get_day(request: HttpRequest, calendar: WorkingCalendar, day_id: int) -> CalendarDay:
    days = CalendarDay.objects.filter(calendar=calendar).select_related("calendar")
    return get_for_user(days, request.user, pk=day_id)


# --- calendars ----------------------------------------------------------------------------------------------------


@router.get("/working-calendars", response={200: Page[WorkingCalendarOut], **READ_ERRORS}, summary="List calendars")
def list_calendars(request: HttpRequest, filters: Query[CalendarFilters]):
    require_scope(request, "calendars:read")
    calendars = for_user(WorkingCalendar.objects.all(), request.user)
    return paginate(order(calendars, filters.ordering, CALENDAR_ORDERING, "-is_default,name"), filters)


@router.post(
    "/working-calendars",
    response={201: WorkingCalendarOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Create a working calendar",
)
@idempotent
def create_calendar(request: HttpRequest, payload: WorkingCalendarIn):
    require_scope(request, "calendars:write")
    calendar = calendar_actions.create_working_calendar(actor=request.user, **payload.dict())
    return Status(201, WorkingCalendarOut.from_orm(calendar))


@router.get(
    "/working-calendars/{calendar_id}", response={200: WorkingCalendarOut, **READ_ERRORS}, summary="Read a calendar"
)
def read_calendar(request: HttpRequest, calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)]):
    require_scope(request, "calendars:read")
    return get_calendar(request, calendar_id)


@router.patch(
    "/working-calendars/{calendar_id}", response={200: WorkingCalendarOut, **WRITE_ERRORS}, summary="Update a calendar"
)
def update_calendar(
    request: HttpRequest, calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)], payload: WorkingCalendarPatch
):
    """Change the name, time zone, working weekdays or working periods, or make the calendar the default."""
    require_scope(request, "calendars:write")
    calendar = get_calendar(request, calendar_id)
    return calendar_actions.update_working_calendar(
        calendar, actor=request.user, changes=payload.dict(exclude_unset=True)
    )


@router.get(
    "/working-calendars/{calendar_id}/events",
    response={200: list[EventOut], **READ_ERRORS},
    summary="A calendar's event timeline",
)
def calendar_events(request: HttpRequest, calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)]):
    """Changes to the calendar and its days, newest first (at most 200)."""
    require_scope(request, "calendars:read")
    return event_list(get_calendar(request, calendar_id))


# --- days ---------------------------------------------------------------------------------------------------------


@router.get(
    "/working-calendars/{calendar_id}/days",
    response={200: Page[CalendarDayOut], **READ_ERRORS},
    summary="List a calendar's holidays and make-up workdays",
)
def list_days(
    request: HttpRequest, calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)], filters: Query[CalendarDayFilters]
):
    require_scope(request, "calendars:read")
    days = for_user(CalendarDay.objects.filter(calendar=get_calendar(request, calendar_id)), request.user)
    if filters.year is not None:
        days = days.filter(date__year=filters.year)
    if filters.kind is not None:
        days = days.filter(kind=filters.kind)
    return paginate(order(days, filters.ordering, DAY_ORDERING, "date"), filters)


@router.post(
    "/working-calendars/{calendar_id}/days",
    response={201: CalendarDayOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Add a holiday or a make-up workday",
)
@idempotent
def add_day(request: HttpRequest, calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)], payload: CalendarDayIn):
    """A date the calendar has already is refused (422 on `date`): remove it first."""
    require_scope(request, "calendars:write")
    calendar = get_calendar(request, calendar_id)
    day = calendar_actions.add_calendar_day(calendar, actor=request.user, **payload.dict())
    return Status(201, CalendarDayOut.from_orm(day))


@router.delete(
    "/working-calendars/{calendar_id}/days/{day_id}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Remove a holiday or make-up workday",
)
def remove_day(
    request: HttpRequest,
    calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)],
    day_id: Annotated[int, Field(ge=1, le=MAX_ID)],
):
    require_scope(request, "calendars:write")
    day = get_day(request, get_calendar(request, calendar_id), day_id)
    calendar_actions.remove_calendar_day(day, actor=request.user)
    return Status(204, None)


@router.post(
    "/working-calendars/{calendar_id}/load-holidays",
    response={200: HolidayLoadOut, **WRITE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    summary="Load a year's official public holidays",
)
@idempotent
def load_holidays(request: HttpRequest, calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)], payload: LoadHolidaysIn):
    """Add the year's official holidays and make-up workdays (State Council schedule) to the calendar; dates the
    calendar had otherwise take the official kind and name. Loading a year twice changes nothing."""
    require_scope(request, "calendars:write")
    calendar = get_calendar(request, calendar_id)
    result = calendar_actions.load_public_holidays(calendar, payload.year, actor=request.user)
    return Status(200, HolidayLoadOut.from_orm(result))


# --- arithmetic ---------------------------------------------------------------------------------------------------


def moment_parameter(name: str, value: datetime.datetime, zone) -> datetime.datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        message = f"Give a time between {FIRST_YEAR} and {LAST_YEAR}."
        raise InvalidParameter(message, {name: [message]})
    aware = value.replace(tzinfo=zone) if value.tzinfo is None or value.utcoffset() is None else value
    return aware.astimezone(datetime.UTC)


@router.get(
    "/working-calendars/{calendar_id}/working-time",
    response={200: WorkingTimeOut, **READ_ERRORS},
    summary="Working time between two moments, or the moment some working hours end",
)
def working_time_query(
    request: HttpRequest, calendar_id: Annotated[int, Field(ge=1, le=MAX_ID)], query: Query[WorkingTimeQuery]
):
    """Give `start` and either `end` (answers the working time in between) or `hours` (answers `end`, the moment
    that much working time has passed after `start`). A start outside working hours counts from the next working
    moment: Friday 17:00 plus 2 hours is Monday 10:00 on a 09:00-12:00, 13:00-18:00 calendar."""
    require_scope(request, "calendars:read")
    calendar = get_calendar(request, calendar_id)
    if (query.end is None) == (query.hours is None):
        message = "Give either end or hours."
        raise InvalidParameter(message, {"end": [message], "hours": [message]})
    snapshot = cached_calendar(calendar.pk)
    start = moment_parameter("start", query.start, snapshot.zone)
    if query.hours is not None:
        duration = datetime.timedelta(microseconds=int(query.hours * 3_600_000_000))
        end = working_time.add_working_time(snapshot, start, duration)
    else:
        end = moment_parameter("end", query.end, snapshot.zone)
        duration = working_time.working_time_between(snapshot, start, end)
    seconds = Decimal(duration // datetime.timedelta(microseconds=1)) / 1_000_000
    return {
        "calendar_id": calendar.pk,
        "start": start,
        "work_starts_at": working_time.next_working_moment(snapshot, start),
        "end": end,
        "working_seconds": int(seconds.to_integral_value(ROUND_DOWN)),
        "working_hours": (seconds / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP),
    }
