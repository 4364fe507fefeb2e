from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "salesops.reporting"
    label = "reporting"
    verbose_name = _("reporting")

    def ready(self):
        # Apps declare their process stages in reporting_stages.py (see stages.py); the rollup handler listens
        # to the events that enter and leave them.
        autodiscover_modules("reporting_stages")
        # alerts registers its evaluation after each rollup batch; alert_briefing adds open alerts to the briefing
        from salesops.reporting import alert_briefing, alerts, rollups  # noqa: F401

        rollups.install()
