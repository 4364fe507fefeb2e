"""Read side of core's own business records: who sees which import jobs."""

from django.db.models import QuerySet

from salesops.core.models import ImportJob
from salesops.core.scoping import scope_for


@scope_for(ImportJob)
def import_jobs_for_user(queryset: QuerySet, user) -> QuerySet:
    """An import job (its file name, counts and error report) is seen by the user who uploaded it and by
    administrators; nobody else, whatever their region or role."""
    if user.is_superuser or getattr(user, "is_admin_role", False):
        return queryset
    return queryset.filter(actor=user)
