"""Administration → Working calendars: working hours per calendar, and a year page (a month grid marking public
holidays and make-up workdays) to add and remove days and load a year's official holidays.

Every save goes through `calendar_actions`, so it is validated as in the API, refused for anyone but
administrators and recorded as an event. Calendars are not deleted: make another one the default instead."""

import calendar as month_calendar
import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesops.core import calendar_actions, clock, holidays, working_time
from salesops.core.models import CalendarDay, WorkingCalendar
from salesops.core.queries import may_change_calendars

WEEKDAY_CHOICES = [(number, WEEKDAYS_ABBR[number - 1]) for number in working_time.ISO_WEEKDAYS]
FORM_FIELDS = ("name", "time_zone", "working_weekdays", "working_periods", "is_default")


class WorkingCalendarForm(forms.ModelForm):
    working_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Working weekdays"), choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    working_periods = forms.CharField(
        label=gettext_lazy("Working hours"),
        help_text=gettext_lazy("Periods of the working day, separated by commas: 09:00-12:00, 13:00-18:00"),
    )

    class Meta:
        model = WorkingCalendar
        fields = FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["working_periods"] = working_time.periods_text(
            self.instance.working_periods if self.instance.pk else working_time.DEFAULT_PERIODS
        )
        self.initial.setdefault("working_weekdays", list(working_time.DEFAULT_WEEKDAYS))

    def _get_validation_exclusions(self):
        # The action moves the default flag from the previous default calendar, so the one-default constraint
        # must not refuse a new default here.
        return {*super()._get_validation_exclusions(), "is_default"}

    def clean_working_periods(self):
        try:
            return working_time.parse_periods_text(self.cleaned_data["working_periods"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned[name] for name in FORM_FIELDS if name in cleaned}
        try:
            calendar_actions.clean_calendar_fields(values, instance=self.instance if self.instance.pk else None)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, required=False, help_text=gettext_lazy("For example 公司年会.")
    )


class LoadHolidaysForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in holidays.available_years()]


def month_grids(year: int, weekdays, days: dict[datetime.date, CalendarDay]) -> list[dict]:
    """Twelve months as weeks of seven cells (Monday first); a cell is None outside the month or says what the
    date is: a working day, a day off, a holiday or a make-up workday."""
    months = []
    for month in range(1, 13):
        weeks = []
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                entry = days.get(day)
                if entry is not None:
                    css = "makeup" if entry.is_working else "holiday"
                    label = entry.name or entry.get_kind_display()
                else:
                    css = "workday" if day.isoweekday() in weekdays else "off"
                    label = ""
                cells.append({"date": day, "css": css, "label": label})
            weeks.append(cells)
        months.append({"name": MONTHS[month], "weeks": weeks})
    return months


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    form = WorkingCalendarForm
    fields = FORM_FIELDS
    list_display = ("name", "time_zone", "hours", "weekdays", "is_default", "year_link")
    change_form_template = "admin/core/workingcalendar/change_form.html"

    def has_add_permission(self, request):
        return may_change_calendars(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_change_calendars(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("working hours"))
    def hours(self, calendar: WorkingCalendar) -> str:
        return working_time.periods_text(calendar.working_periods)

    @admin.display(description=gettext_lazy("working weekdays"))
    def weekdays(self, calendar: WorkingCalendar) -> str:
        return " ".join(str(WEEKDAYS_ABBR[number - 1]) for number in calendar.working_weekdays)

    @admin.display(description=gettext_lazy("calendar"))
    def year_link(self, calendar: WorkingCalendar) -> str:
        year = clock.today().year
        return format_html('<a href="{}">{}</a>', year_url(calendar, year), _("%(year)d by month") % {"year": year})

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in FORM_FIELDS}
        if change:
            saved = calendar_actions.update_working_calendar(
                WorkingCalendar.objects.get(pk=obj.pk), actor=request.user, changes=values
            )
        else:
            saved = calendar_actions.create_working_calendar(actor=request.user, **values)
        obj.pk = saved.pk

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "calendar_year": clock.today().year}
        return super().change_view(request, object_id, form_url, extra_context)

    # --- the year page ----------------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:calendar_id>/year/<int:year>/", view(self.year_view), name="core_workingcalendar_year"),
            path("<int:calendar_id>/days/add/", view(self.add_day_view), name="core_workingcalendar_add_day"),
            path(
                "<int:calendar_id>/days/<int:day_id>/remove/",
                view(self.remove_day_view),
                name="core_workingcalendar_remove_day",
            ),
            path(
                "<int:calendar_id>/load-holidays/",
                view(self.load_holidays_view),
                name="core_workingcalendar_load_holidays",
            ),
            *super().get_urls(),
        ]

    def calendar_for(self, request, calendar_id: int, *, writing: bool) -> WorkingCalendar:
        calendar = get_object_or_404(WorkingCalendar, pk=calendar_id)
        if not self.has_view_or_change_permission(request, calendar):
            raise PermissionDenied
        if writing and (request.method != "POST" or not self.has_change_permission(request, calendar)):
            raise PermissionDenied
        return calendar

    def year_view(self, request, calendar_id: int, year: int, *, day_form=None, load_form=None):
        calendar = self.calendar_for(request, calendar_id, writing=False)
        if not calendar_actions.FIRST_YEAR <= year <= calendar_actions.LAST_YEAR:
            raise Http404("no such year")
        entries = {day.date: day for day in calendar.days.filter(date__year=year)}
        months = month_grids(year, set(calendar.working_weekdays), entries)
        rule = working_time.CalendarSnapshot.build(
            weekdays=calendar.working_weekdays, exceptions={day: entry.is_working for day, entry in entries.items()}
        )
        working = rule.working_days_in(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
        available = holidays.available_years()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("%(calendar)s in %(year)d") % {"calendar": calendar, "year": year},
            "calendar": calendar,
            "year": year,
            "previous_url": year_url(calendar, year - 1),
            "next_url": year_url(calendar, year + 1),
            "months": months,
            "weekday_names": [WEEKDAYS_ABBR[number] for number in range(7)],
            "entries": sorted(entries.values(), key=lambda day: day.date),
            "working_days": working,
            "hours": working_time.periods_text(calendar.working_periods),
            "has_official_schedule": year in available,
            "can_change": self.has_change_permission(request, calendar),
            "day_form": day_form or CalendarDayForm(initial={"kind": CalendarDay.Kind.HOLIDAY}),
            "load_form": load_form or LoadHolidaysForm(initial={"year": year if year in available else None}),
        }
        return TemplateResponse(request, "admin/core/workingcalendar/year.html", context)

    def add_day_view(self, request, calendar_id: int):
        calendar = self.calendar_for(request, calendar_id, writing=True)
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                day = calendar_actions.add_calendar_day(calendar, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Added %(day)s.") % {"day": day})
                return HttpResponseRedirect(year_url(calendar, day.date.year))
        year = form.cleaned_data["date"].year if form.cleaned_data.get("date") else clock.today().year
        return self.year_view(request, calendar.pk, year, day_form=form)

    def remove_day_view(self, request, calendar_id: int, day_id: int):
        calendar = self.calendar_for(request, calendar_id, writing=True)
        day = get_object_or_404(CalendarDay, pk=day_id, calendar=calendar)
        calendar_actions.remove_calendar_day(day, actor=request.user)
        messages.success(request, _("Removed %(day)s.") % {"day": day})
        return HttpResponseRedirect(year_url(calendar, day.date.year))

    def load_holidays_view(self, request, calendar_id: int):
        calendar = self.calendar_for(request, calendar_id, writing=True)
        form = LoadHolidaysForm(request.POST)
        if form.is_valid():
            result = calendar_actions.load_public_holidays(calendar, form.cleaned_data["year"], actor=request.user)
            messages.success(
                request,
                _("%(source)s: %(created)d days added, %(updated)d changed, %(unchanged)d already there.")
                % {
                    "source": result.source,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return HttpResponseRedirect(year_url(calendar, result.year))
        return self.year_view(request, calendar.pk, clock.today().year, load_form=form)


def year_url(calendar: WorkingCalendar, year: int) -> str:
    return reverse("admin:core_workingcalendar_year", args=[calendar.pk, year])


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
