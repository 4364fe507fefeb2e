"""Read side of core's own records: who sees which import jobs and working calendars."""

from django.db.models import QuerySet

from salesops.core.models import CalendarDay, ImportJob, WorkingCalendar
from salesops.core.scoping import scope_for


def is_administrator(user) -> bool:
    """Superusers and users with the administrator role (core cannot name accounts' roles, so it asks the user)."""
    return bool(user.is_superuser or getattr(user, "is_admin_role", False))


@scope_for(ImportJob)
def import_jobs_for_user(queryset: QuerySet, user) -> QuerySet:
    """An import job (its file name, counts and error report) is seen by the user who uploaded it and by
    administrators; nobody else, whatever their region or role."""
    if is_administrator(user):
        return queryset
    return queryset.filter(actor=user)


@scope_for(WorkingCalendar)
@scope_for(CalendarDay)
def calendars_for_user(queryset: QuerySet, user) -> QuerySet:
    """Working calendars and their days are company-wide facts (when the company works, which days are public
    holidays): every signed-in user may read them, as anyone waiting for a due time may want to know why."""
    return queryset


def may_change_calendars(user) -> bool:
    """Only administrators change working calendars."""
    return is_administrator(user)
