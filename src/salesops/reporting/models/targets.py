"""Sales targets: what a region is expected to book and invoice in a month, set by an administrator."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.accounts.models import OrgUnit
from salesops.core.models import TimeStampedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class SalesTarget(TimeStampedModel):
    """A region's target for one calendar month (company time zone): order intake (order totals including VAT)
    and revenue (invoiced amounts excluding VAT). One per region and month; `month` is the month's first day.
    The daily briefing compares month-to-date figures with it."""

    region = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="sales_targets",
        limit_choices_to={"kind": OrgUnit.Kind.REGION},
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    orders_amount = models.DecimalField(_("order intake target"), validators=[MinValueValidator(Decimal(0))], **MONEY)
    revenue_amount = models.DecimalField(_("revenue target"), validators=[MinValueValidator(Decimal(0))], **MONEY)

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-month", "region__name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="unique_sales_target_month"),
            models.CheckConstraint(
                condition=Q(orders_amount__gte=0) & Q(revenue_amount__gte=0), name="sales_target_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.month:%Y-%m}"
