"""Read-side helpers of reporting: which alerts a user may see."""

from django.db.models import Q

from salesops.accounts.models import OrgUnit
from salesops.reporting.metrics import Reach, reach_of
from salesops.reporting.models import Alert


def visible_alerts(user):
    """Alerts of the regions the user may read (company-wide alerts: those who read everything, and owners)."""
    reach = reach_of(user)
    rows = Alert.objects.all()
    if reach == Reach():
        return rows
    regions = reach.regions or frozenset()
    if reach.offices:
        regions |= set(OrgUnit.objects.filter(pk__in=reach.offices).values_list("parent_id", flat=True))
    return rows.filter(Q(region_id__in=regions) | Q(owner=user) | Q(rule__owner=user))


# Briefings keep their own module; importing it here lets start-up discovery find it.
from salesops.reporting import briefing_queries  # noqa: E402, F401
