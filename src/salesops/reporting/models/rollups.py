"""Stage visits and their per-day rollups, kept up to date from the event stream (see rollups.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StageVisit(models.Model):
    """One document's stay in one stage: from the event that entered it to the one that left it (open while it
    is still there). The facts behind the rollups, and what a drill-down from a chart lists."""

    stage = models.CharField(_("stage"), max_length=50)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.BigIntegerField(_("subject id"))
    label = models.CharField(_("document"), max_length=255, blank=True)
    entered_at = models.DateTimeField(_("entered at"))
    enter_day = models.DateField(_("entered on"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    leave_day = models.DateField(_("left on"), null=True, blank=True)
    leave_event = models.CharField(_("left by"), max_length=100, blank=True)
    duration_seconds = models.BigIntegerField(_("time in stage (s)"), null=True, blank=True)
    is_delayed = models.BooleanField(_("delayed"), default=False)
    region_id = models.IntegerField(_("region"), default=0)
    office_id = models.IntegerField(_("office"), default=0)
    salesperson_id = models.IntegerField(_("salesperson"), default=0)
    customer_group_id = models.IntegerField(_("customer group"), default=0)
    product_lines = models.CharField(_("product lines"), max_length=500, blank=True, help_text=",3,7, (ids)")

    class Meta:
        verbose_name = _("stage visit")
        verbose_name_plural = _("stage visits")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "subject_type", "subject_id"],
                condition=Q(left_at__isnull=True),
                name="one_open_visit_per_stage",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="visit_subject_idx"),
            models.Index(fields=["stage", "leave_day"], name="visit_leave_idx"),
            models.Index(fields=["stage", "enter_day"], name="visit_enter_idx"),
        ]

    def __str__(self):
        return f"{self.stage}: {self.label or self.subject_id}"


# A grouped view reads one stage of a dimension over a period: its sums (and the rows of the groups it shows) come
# from this index alone, without reading the rows and their histograms: at 1,000 salespeople and a year, half the
# page's time (the counts' updates move the index entries: the rollups write a little more for it).
STAGE_SLICE_COLUMNS = (
    "dimension",
    "stage",
    "day",
    "value",
    "region_id",
    "office_id",
    "arrivals",
    "completions",
    "delayed",
)


class StageTotals(models.Model):
    """Per stage, period (a day, or a month in `StageMonth`; company time zone), region, office and one more
    dimension value: how many documents arrived, how many left, how many of those were late, and the histogram of
    their times in stage (sketch.py).

    `dimension` is "all" (the total) or salesperson / customer_group / product_line with `value` the id. Totals,
    customer groups and product lines are kept twice: per office, and per region with office 0 (what company and
    region views read); salespeople per office only. Rows only ever grow by increments from the event stream;
    nothing recomputes them per page view."""

    class Dimension(models.TextChoices):
        ALL = "all", _("all")
        SALESPERSON = "salesperson", _("salesperson")
        CUSTOMER_GROUP = "customer_group", _("customer group")
        PRODUCT_LINE = "product_line", _("product line")

    stage = models.CharField(_("stage"), max_length=50)
    day = models.DateField(_("day"))
    region_id = models.IntegerField(_("region"), default=0)
    office_id = models.IntegerField(_("office"), default=0)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    value = models.IntegerField(_("value"), default=0)
    arrivals = models.IntegerField(_("arrivals"), default=0)
    completions = models.IntegerField(_("completions"), default=0)
    delayed = models.IntegerField(_("delayed"), default=0)
    duration_seconds = models.BigIntegerField(_("total time in stage (s)"), default=0)
    histogram = models.JSONField(_("times in stage"), default=dict)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.stage} {self.day} {self.dimension}={self.value}"


class StageDay(StageTotals):
    """Stage totals of one day."""

    class Meta:
        verbose_name = _("stage day")
        verbose_name_plural = _("stage days")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "day", "region_id", "office_id", "dimension", "value"], name="unique_stage_day"
            )
        ]
        # Company and region views read office 0 over a period; a grouped view one stage of a dimension over it
        # (STAGE_SLICE_COLUMNS).
        indexes = [
            models.Index(fields=["dimension", "office_id", "day"], name="stage_day_level_idx"),
            models.Index(fields=[*STAGE_SLICE_COLUMNS], name="stage_day_slice_idx"),
            models.Index(fields=["dimension", "day"], name="stage_day_period_idx"),
        ]


class StageMonth(StageTotals):
    """Stage totals of one calendar month (`day` is its first day): a year's view reads twelve of these per slice
    instead of 365 days, and day rows only for the months the period covers in part."""

    class Meta:
        verbose_name = _("stage month")
        verbose_name_plural = _("stage months")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "day", "region_id", "office_id", "dimension", "value"], name="unique_stage_month"
            )
        ]
        indexes = [
            models.Index(fields=["dimension", "office_id", "day"], name="stage_month_level_idx"),
            models.Index(fields=[*STAGE_SLICE_COLUMNS], name="stage_month_slice_idx"),
            models.Index(fields=["dimension", "day"], name="stage_month_period_idx"),
        ]


class StageNow(models.Model):
    """Documents in each stage now, per region, office and dimension value (the same keys as the totals, without
    a period): what "in stage now" reads, whatever the length of the history."""

    stage = models.CharField(_("stage"), max_length=50)
    region_id = models.IntegerField(_("region"), default=0)
    office_id = models.IntegerField(_("office"), default=0)
    dimension = models.CharField(_("dimension"), max_length=20, choices=StageTotals.Dimension.choices)
    value = models.IntegerField(_("value"), default=0)
    count = models.IntegerField(_("documents in stage"), default=0)

    class Meta:
        verbose_name = _("documents in stage now")
        verbose_name_plural = _("documents in stage now")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "region_id", "office_id", "dimension", "value"], name="unique_stage_now"
            )
        ]
        indexes = [models.Index(fields=["dimension", "stage"], name="stage_now_slice_idx")]

    def __str__(self):
        return f"{self.stage} {self.dimension}={self.value}: {self.count}"


class StageTarget(models.Model):
    """An administrator's target time for a stage, replacing the default its app registered. Changing it applies
    to documents leaving the stage from then on."""

    stage = models.CharField(_("stage"), max_length=50, unique=True)
    target_hours = models.PositiveIntegerField(_("target (hours)"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stage target")
        verbose_name_plural = _("stage targets")

    def __str__(self):
        return f"{self.stage}: {self.target_hours} h"
