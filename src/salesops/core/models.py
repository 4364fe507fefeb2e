"""Platform models every domain app builds on: the event outbox, custom fields, idempotency, job runs and the
working calendar."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from salesops.core import clock, customfields, working_time

# SQLite keeps decimals as binary floating point, so a CHECK that adds or subtracts columns can fail by a rounding
# hair (0.3 - 0.1 < 0.2). Constraints that do arithmetic allow this much slack: less than a cent or a thousandth
# of a unit, so on PostgreSQL (exact numerics) they still forbid every value the columns can hold.
MONEY_SLACK = models.Value(Decimal("0.001"))
QUANTITY_SLACK = models.Value(Decimal("0.0001"))


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-change times, stored in UTC."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding and clock.is_simulated():
            self.created_at = clock.now()  # a replayed history keeps its own times
        super().save(*args, **kwargs)


class CustomFieldsModel(TimeStampedModel):
    """Abstract base for models an administrator may extend with custom fields.

    Values live in one JSON column keyed by the definition's name. Every save validates them against the
    active definitions, so no write path (action, admin, shell) can store a value that breaks a definition.
    """

    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        definitions = CustomFieldDefinition.objects.for_model(type(self))
        self.custom_fields = customfields.validate_values(
            definitions, self.custom_fields or {}, reject_unknown=False, require="none"
        )
        super().save(*args, **kwargs)


class Event(models.Model):
    """A domain event, written in the same transaction as the change it describes (transactional outbox).

    Events are the audit trail: they are never updated or deleted by the product. `uuid` is the stable id a
    receiver deduplicates on; `id` orders events in commit order for the dispatcher.
    """

    uuid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=64)
    subject_label = models.CharField(_("subject"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("actor"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "id"], name="event_subject_idx")]

    def __str__(self):
        return f"{self.type} {self.subject_type}:{self.subject_id}"


class EventDelivery(models.Model):
    """One event to one registered handler: claimed under a lease, retried with backoff until delivered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(_("handler"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="unique_delivery_per_handler")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.event_id} → {self.handler} ({self.status})"


class ConsumerLock(models.Model):
    """One row per batch event handler: the dispatcher locks it while it applies a batch, so one consumer at a
    time applies that handler's events, in order (see dispatch.deliver_batch)."""

    name = models.CharField(max_length=200, primary_key=True)

    class Meta:
        verbose_name = _("event consumer lock")
        verbose_name_plural = _("event consumer locks")

    def __str__(self):
        return self.name


class CustomFieldDefinitionQuerySet(models.QuerySet):
    def for_model(self, model) -> list["CustomFieldDefinition"]:
        """Active definitions for a model class, in display order."""
        return list(self.filter(model=model._meta.label_lower, is_active=True).order_by("order", "name"))


class CustomFieldDefinition(TimeStampedModel):
    """A field an administrator adds to a core model (e.g. customers), without a migration."""

    class FieldType(models.TextChoices):
        TEXT = "text", _("text")
        NUMBER = "number", _("whole number")
        DECIMAL = "decimal", _("decimal")
        DATE = "date", _("date")
        CHOICE = "choice", _("choice")
        BOOLEAN = "boolean", _("yes/no")

    model = models.CharField(_("model"), max_length=100, help_text=_("The model this field extends."))
    name = models.SlugField(
        _("name"), max_length=50, help_text=_("Key in the API and exports: lowercase letters, digits, underscores.")
    )
    label = models.CharField(_("label (Chinese)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100, blank=True)
    field_type = models.CharField(_("type"), max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    is_required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_('For choice fields: ["A", "B"]'))
    min_value = models.DecimalField(_("minimum"), max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=20, decimal_places=6, null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    pattern = models.CharField(_("pattern (regular expression)"), max_length=200, blank=True)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    order = models.PositiveIntegerField(pgettext_lazy("sort order", "order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CustomFieldDefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["model", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["model", "name"], name="unique_custom_field_name")]

    def __str__(self):
        return f"{self.model}.{self.name}"

    def clean(self):
        customfields.validate_definition(self)

    def display_label(self, language: str | None = None) -> str:
        language = language or get_language() or ""
        if language.startswith("en") and self.label_en:
            return self.label_en
        return self.label


class IdempotencyRecord(models.Model):
    """The first response to an API POST carrying an Idempotency-Key, replayed for retries of the same request."""

    principal = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    response_content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="unique_idempotency_key")]

    def __str__(self):
        return f"{self.principal} {self.key}"


class ScheduledRun(models.Model):
    """A claim on one run of a periodic job at one scheduled time.

    The unique (job, scheduled_at) constraint is what makes a second scheduler, or a restart that catches up,
    harmless: only the process whose insert succeeds enqueues the run.
    """

    job = models.CharField(_("job"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=200)
    task_result_id = models.CharField(_("task result id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-scheduled_at"]
        constraints = [models.UniqueConstraint(fields=["job", "scheduled_at"], name="unique_job_run")]

    def __str__(self):
        return f"{self.job} @ {self.scheduled_at:%Y-%m-%d %H:%M}"


class DocumentCounter(models.Model):
    """The last number handed out per document series and year (shipments, invoices, credit notes, …).

    Bumped with one conditional UPDATE inside the transaction that creates the document: the row lock serialises
    concurrent creates until commit, and a rolled-back create gives its number back, so a series has no gaps.
    """

    series = models.CharField(_("series"), max_length=20)
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_document_counter")]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_number}"


class ImportJob(TimeStampedModel):
    """One uploaded file of customers, products or opening stock, validated whole and then applied whole.

    The file itself is kept in `content` (at most 10 MB, see core/imports.py), so any worker process can run the
    job without shared file storage. `errors` is the row-by-row report: a list of
    `{"row": 3, "column": "名称", "message": "..."}`, `row` being the spreadsheet row the user sees (the header is
    row 1) or null for a problem with the file as a whole. A job writes all its rows or none of them.

    Housekeeping (`core/tasks.py`): a job left validating or applying by a worker that died is marked failed, and
    the file and the error report of a finished job are deleted after `IMPORT_RETENTION` (`purged_at`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        VALIDATING = "validating", _("validating")
        REJECTED = "rejected", _("rejected")
        APPLYING = "applying", _("applying")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.APPLYING)

    kind = models.CharField(_("kind"), max_length=30)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"), editable=False)
    language = models.CharField(_("language"), max_length=10, help_text=_("The language of the error messages."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_processed = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    purged_at = models.DateTimeField(
        _("files deleted at"),
        null=True,
        blank=True,
        help_text=_("When the uploaded file and the error report were deleted; the job itself is kept."),
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "-id"], name="import_job_actor_idx")]

    def __str__(self):
        return f"{self.kind} {self.filename}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class Notification(models.Model):
    """An in-app message to one person (the bell in the header), created from an event by a handler.

    One per (event, recipient): a handler delivering the same event twice creates it once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, verbose_name=_("event"), null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once_per_event"),
        ]

    def __str__(self):
        return self.title


def default_weekdays() -> list[int]:
    return list(working_time.DEFAULT_WEEKDAYS)


def default_periods() -> list[dict[str, str]]:
    return [dict(period) for period in working_time.DEFAULT_PERIODS]


class WorkingCalendar(TimeStampedModel):
    """When the company works: the clock that approval due times, process targets and SLAs run on.

    Guarantees: `working_weekdays` are ISO weekday numbers (Monday 1 … Sunday 7), at least one, sorted;
    `working_periods` are `[{"start": "09:00", "end": "12:00"}, ...]`, at least one, each starting before it ends,
    in order and not overlapping, read on the wall clock of `time_zone` (a known IANA zone). Every save checks
    them, whatever the write path. At most one calendar is the default (a database constraint); the actions keep
    exactly one by moving the flag, never just clearing it. `version` goes up with every change to the calendar
    or its days, so cached snapshots (`core/calendars.py`) know when they are stale.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=50, default=working_time.DEFAULT_TIME_ZONE)
    working_weekdays = models.JSONField(
        _("working weekdays"), default=default_weekdays, help_text=_("ISO weekday numbers: Monday 1 … Sunday 7.")
    )
    working_periods = models.JSONField(_("working periods"), default=default_periods)
    is_default = models.BooleanField(_("default calendar"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_working_calendar"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        errors = self.data_errors()
        if errors:
            raise ValidationError(errors)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        errors = self.data_errors()
        if errors:
            raise ValidationError(errors)

    def data_errors(self) -> dict[str, list[str]]:
        """Problems with the zone, weekdays and periods, keyed by field (empty when they are valid)."""
        errors: dict[str, list[str]] = {}
        for name, check in (
            ("time_zone", working_time.clean_time_zone),
            ("working_weekdays", working_time.clean_weekdays),
            ("working_periods", working_time.clean_periods),
        ):
            try:
                setattr(self, name, check(getattr(self, name)))
            except ValueError as exc:
                errors[name] = [str(exc)]
        return errors


class CalendarDay(models.Model):
    """A dated exception to a working calendar's weekday rule: a holiday (off, even on a working weekday) or a
    workday (on, even on a weekend: the make-up working days, 调休上班, of the Chinese holiday schedule).

    At most one per calendar and date (a database constraint), so a date is never both. `name` says why
    ("春节", "春节调休").
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday")
        WORKDAY = "workday", _("make-up workday")

    calendar = models.ForeignKey(
        WorkingCalendar, verbose_name=_("working calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="unique_calendar_day"),
            models.CheckConstraint(condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.WORKDAY
