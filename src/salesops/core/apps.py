from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "salesops.core"
    label = "core"
    verbose_name = _("platform")

    def ready(self):
        # Each app registers its scoping functions in queries.py, its event handlers in handlers.py, its
        # periodic jobs in tasks.py and its file importers in imports.py; importing them all at start-up means no
        # registry depends on import order.
        autodiscover_modules("queries", "handlers", "tasks", "imports")
