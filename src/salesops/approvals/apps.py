from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "salesops.approvals"
    label = "approvals"
    verbose_name = _("approvals")

    def ready(self):
        # Apps whose documents can be approved register them in approval_subjects.py (see subjects.py).
        autodiscover_modules("approval_subjects")
