"""Daily briefings: one record per region and day with the figures it showed, who it went to and how each
delivery went; and who subscribes to a region's briefing.

A briefing's `figures` are computed once, when it is first prepared, and never change: every e-mail, page, PDF
and workbook of that briefing shows the same numbers. Deliveries come in rounds: the scheduled send is round 1;
"send now" adds a round. A delivery row is claimed (pending → sending) before its e-mail goes out, so running the
job again, or two workers at once, never sends one twice (see docs/decisions/0014-briefing-delivery-once.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesops.accounts.models import OrgUnit
from salesops.core.models import TimeStampedModel


def language_choices():
    return settings.LANGUAGES


class Briefing(TimeStampedModel):
    """The daily briefing of one region for one day (`date`, the day the figures are about, company time zone).

    `figures` is the JSON of every section in order (`{"sections": [{"key": ..., "data": {...}}, ...]}`), with
    money as decimal strings. `as_of` is the moment the queue-like sections (approvals) were read."""

    region = models.ForeignKey(OrgUnit, verbose_name=_("region"), on_delete=models.PROTECT, related_name="briefings")
    date = models.DateField(_("date"))
    as_of = models.DateTimeField(_("as of"))
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-date", "region__name"]
        constraints = [models.UniqueConstraint(fields=["region", "date"], name="unique_briefing_region_date")]
        indexes = [models.Index(fields=["date"], name="briefing_date_idx")]

    def __str__(self):
        return f"{self.region} {self.date:%Y-%m-%d}"


class BriefingDelivery(models.Model):
    """One e-mail of a briefing to one person in one round. Unique per (briefing, round, recipient)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery", "pending")
        SENDING = "sending", pgettext_lazy("delivery", "sending")
        SENT = "sent", pgettext_lazy("delivery", "sent")
        FAILED = "failed", pgettext_lazy("delivery", "failed")
        SKIPPED = "skipped", pgettext_lazy("delivery", "skipped")

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="deliveries")
    round = models.PositiveIntegerField(_("round"), default=1)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    message_id = models.CharField(_("message id"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who asked to send it now; empty for the scheduled send."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("briefing delivery")
        verbose_name_plural = _("briefing deliveries")
        ordering = ["briefing", "round", "recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "round", "recipient"], name="unique_briefing_delivery_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="briefing_delivery_status_idx")]

    def __str__(self):
        return f"{self.briefing} #{self.round} → {self.recipient_id}: {self.status}"


class BriefingSubscription(TimeStampedModel):
    """Someone who receives a region's daily briefing, in `language`. When a region has no subscription, its
    director (the region's manager) and the managers of its offices receive it in the default language."""

    region = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="briefing_subscriptions",
        limit_choices_to={"kind": OrgUnit.Kind.REGION},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices, default=settings.LANGUAGE_CODE)

    class Meta:
        verbose_name = _("briefing subscription")
        verbose_name_plural = _("briefing subscriptions")
        ordering = ["region__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["region", "user"], name="unique_briefing_subscription")]

    def __str__(self):
        return f"{self.region}: {self.user}"
