"""The open alerts of a region as a section of its daily briefing (see briefing_sections.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.core.notifications import absolute
from salesops.reporting.briefing_sections import BriefingScope, briefing_section
from salesops.reporting.models import Alert


def alert_rows(data: dict) -> list[list]:
    rows: list[list] = [[str(_("alert")), str(_("status")), str(_("day")), str(_("times fired"))]]
    rows.extend([item["message"], item["status"], item["day"], item["fired_count"]] for item in data["alerts"])
    return rows


@briefing_section(
    "alerts",
    title=_("Open alerts"),
    order=50,
    template="reporting/sections/alerts.html",
    rows=alert_rows,
)
def open_alerts(scope: BriefingScope) -> dict:
    """The region's alerts (and the company's) open or acknowledged at the moment the briefing is read."""
    live = (
        Alert.objects.filter(Q(region_id=scope.region.pk) | Q(region_id=0), opened_at__lte=scope.as_of)
        .exclude(status=Alert.Status.RESOLVED)
        .order_by("-opened_at", "-pk")
    )
    return {
        "alerts": [
            {
                "message": alert.message,
                "status": alert.get_status_display(),
                "day": alert.day,
                "fired_count": alert.fired_count,
                "url": absolute(f"/reporting/alerts/{alert.pk}/"),
            }
            for alert in live[:20]
        ]
    }
