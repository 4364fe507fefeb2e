"""Alert rules (data an administrator edits) and the alerts they raise."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AlertRule(models.Model):
    """Watch one metric (of a process stage, per day; or stock below safety, or overdue receivables, now), for the
    company or per region: fire when it crosses a fixed threshold, or (stage metrics) when it is an anomaly against
    its own history (more than `deviations` robust standard deviations above the median of the same weekday over
    the trailing `history_weeks` weeks). Days with fewer than `min_volume` documents behind the figure never fire,
    so tiny samples don't raise alarms."""

    class Metric(models.TextChoices):
        DELAY_RATE = "delay_rate", _("delay rate")
        IN_STAGE = "in_stage", _("documents in stage")
        ARRIVALS = "arrivals", _("arrivals per day")
        COMPLETIONS = "completions", _("completions per day")
        MEDIAN_HOURS = "median_hours", _("median hours in stage")
        P90_HOURS = "p90_hours", _("90th percentile hours in stage")
        STOCK_BELOW_SAFETY = "stock_below_safety", _("stock levels below safety stock")
        RECEIVABLES_OVERDUE = "receivables_overdue", _("overdue receivables (CNY)")

    class Per(models.TextChoices):
        COMPANY = "company", _("the whole company")
        REGION = "region", _("each region")

    class Condition(models.TextChoices):
        ABOVE = "above", _("above a threshold")
        BELOW = "below", _("below a threshold")
        ANOMALY = "anomaly", _("unusually high for the weekday")

    name = models.CharField(_("name"), max_length=200)
    stage = models.CharField(_("stage"), max_length=50, blank=True, help_text=_("For stage metrics."))
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    per = models.CharField(_("per"), max_length=20, choices=Per.choices, default=Per.REGION)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    threshold = models.DecimalField(
        _("threshold"), max_digits=14, decimal_places=4, null=True, blank=True, help_text=_("Rates as fractions: 0.15")
    )
    deviations = models.DecimalField(
        _("robust standard deviations"), max_digits=6, decimal_places=2, default=Decimal(3)
    )
    history_weeks = models.PositiveSmallIntegerField(_("weeks of history"), default=8)
    min_volume = models.PositiveIntegerField(_("minimum documents"), default=20)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_alert_rules"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Alert(models.Model):
    """A rule that fired for one slice (the company or a region) on one day. While it is open or acknowledged, the
    same rule and slice raise no second alert (a unique constraint): repeated firings update `last_value`."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")

    rule = models.ForeignKey(AlertRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="alerts")
    region_id = models.IntegerField(_("region"), default=0)
    day = models.DateField(_("day"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    expected = models.DecimalField(_("usual value"), max_digits=16, decimal_places=4, null=True, blank=True)
    volume = models.IntegerField(_("documents"), default=0)
    message = models.CharField(_("message"), max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_alerts"
    )
    opened_at = models.DateTimeField(_("opened at"))
    fired_count = models.PositiveIntegerField(_("times fired"), default=1)
    last_value = models.DecimalField(_("latest value"), max_digits=16, decimal_places=4)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "region_id"], condition=~Q(status="resolved"), name="one_live_alert_per_rule_and_slice"
            )
        ]

    def __str__(self):
        return self.message
