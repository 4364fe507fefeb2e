"""A fresh install gets its default working calendar: Monday to Friday, 09:00-12:00 and 13:00-18:00 in
Asia/Shanghai, with the official holidays and make-up working days of 2025 and 2026 loaded.

An installation that has a default calendar already is left alone. The years are fixed here on purpose: a
later year's file must not change what this migration did. Administrators load later years with
"Load official holidays" (`load_public_holidays`).
"""

import uuid

from django.db import migrations
from django.utils import timezone

from salesops.core.holidays import official_schedule

NAME = "公司工作日历"
YEARS = (2025, 2026)


def create_default_calendar(apps, schema_editor):
    WorkingCalendar = apps.get_model("core", "WorkingCalendar")
    CalendarDay = apps.get_model("core", "CalendarDay")
    Event = apps.get_model("core", "Event")
    if WorkingCalendar.objects.filter(is_default=True).exists():
        return
    calendar = WorkingCalendar.objects.create(
        name=NAME,
        time_zone="Asia/Shanghai",
        working_weekdays=[1, 2, 3, 4, 5],
        working_periods=[{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
        is_default=True,
    )
    days = [
        CalendarDay(calendar=calendar, date=day.date, kind="workday" if day.is_working else "holiday", name=day.name)
        for year in YEARS
        for day in official_schedule(year).days
    ]
    CalendarDay.objects.bulk_create(days)
    Event.objects.create(
        uuid=uuid.uuid4(),
        type="working_calendar.created",
        subject_type="core.workingcalendar",
        subject_id=str(calendar.pk),
        subject_label=NAME,
        actor_label="system",
        occurred_at=timezone.now(),
        payload={
            "after": {
                "name": NAME,
                "time_zone": calendar.time_zone,
                "working_weekdays": calendar.working_weekdays,
                "working_periods": calendar.working_periods,
                "is_default": True,
            },
            "data": {"holidays_loaded": list(YEARS), "days": len(days), "by": "migration core.0005"},
        },
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_working_calendar")]

    operations = [migrations.RunPython(create_default_calendar, migrations.RunPython.noop)]
