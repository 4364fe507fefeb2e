"""Approvals: policies written as rules, and the requests, steps and tasks that carry a document through them.

A policy (one per subject type, e.g. sales orders) has versions. Only drafts are edited; activating a draft
retires the version that was active, and every request keeps the version it started under. A version's rules
are a JSON document validated by `policy_document.py` (conditions compiled by `core.rules`).

At run time an `ApprovalRequest` holds the steps its route asked for. Steps with the same `stage` run side by side
(all must approve); stages run one after another. A step's `ApprovalTask`s are the people asked: a task's
`slot` orders them (the same slot: at the same time; a later slot: after), and `is_required` tells whether the
slot needs that task's approval or whether one approval among the slot's alternatives will do (或签).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesops.accounts.models import OrgUnit
from salesops.core.models import TimeStampedModel


class ApproverGroup(TimeStampedModel):
    """A named set of people a step can ask (any one of them or all of them), e.g. the credit committee."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="+")

    class Meta:
        verbose_name = _("approver group")
        verbose_name_plural = _("approver groups")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ApprovalPolicy(TimeStampedModel):
    """The approval policy of one subject type (sales orders, quotes, ...). Its active version routes every
    new request; drafts can be validated and simulated without changing anything."""

    subject_type = models.CharField(_("subject type"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active_version = models.ForeignKey(
        "PolicyVersion",
        verbose_name=_("active version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        ordering = ["subject_type"]

    def __str__(self):
        return self.name


class PolicyVersion(TimeStampedModel):
    """One version of a policy's rules. Drafts change; an active or retired version never does, so a request
    can always show the rules it was routed by."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("policy version", "draft")
        ACTIVE = "active", pgettext_lazy("policy version", "active")
        RETIRED = "retired", pgettext_lazy("policy version", "retired")

    policy = models.ForeignKey(
        ApprovalPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    document = models.JSONField(_("rules"), default=dict)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the version the installation starts with."),
    )
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("activated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number_unique"),
            models.UniqueConstraint(fields=["policy"], condition=Q(status="active"), name="policy_one_active_version"),
        ]

    def __str__(self):
        return f"{self.policy} v{self.number}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("approval", "pending")
    APPROVED = "approved", pgettext_lazy("approval", "approved")
    REJECTED = "rejected", pgettext_lazy("approval", "rejected")
    RETURNED = "returned", pgettext_lazy("approval", "sent back")
    WITHDRAWN = "withdrawn", pgettext_lazy("approval", "withdrawn")
    CANCELLED = "cancelled", pgettext_lazy("approval", "cancelled")


REQUEST_TRANSITIONS = {
    RequestStatus.PENDING: frozenset(
        {
            RequestStatus.APPROVED,
            RequestStatus.REJECTED,
            RequestStatus.RETURNED,
            RequestStatus.WITHDRAWN,
            RequestStatus.CANCELLED,
        }
    ),
}


class ApprovalRequest(TimeStampedModel):
    """One submission of one document for approval, routed by the policy version it keeps.

    `fingerprint` is the subject's decision-relevant content (amount, lines, discounts) when it was routed: an
    approval only counts for a document whose fingerprint still matches. `summary` is what an approver sees in
    the inbox without opening the document. `matched_rules` are the rules that caught it, with their reasons."""

    subject_type = models.CharField(_("subject type"), max_length=50)
    subject_id = models.BigIntegerField(_("subject id"))
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitter"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        OrgUnit, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    matched_rules = models.JSONField(_("matched rules"), default=list, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    has_decisions = models.BooleanField(
        _("decided in part"), default=False, help_text=_("Someone approved a step: it can no longer be withdrawn.")
    )

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="approval_request_subject_idx"),
            models.Index(fields=["status", "created_at"], name="approval_request_status_idx"),
        ]
        constraints = [
            # One open request per document: a second submission waits for (or replaces) the first.
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(status="pending"),
                name="approval_request_one_pending",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class StepMode(models.TextChoices):
    ANY = "any", _("any one (或签)")
    ALL = "all", _("all (会签)")
    SEQUENCE = "sequence", _("one after another (依次)")


class StepStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("approval step", "waiting")
    ACTIVE = "active", pgettext_lazy("approval step", "in progress")
    APPROVED = "approved", pgettext_lazy("approval step", "approved")
    REJECTED = "rejected", pgettext_lazy("approval step", "rejected")
    RETURNED = "returned", pgettext_lazy("approval step", "sent back")
    CANCELLED = "cancelled", pgettext_lazy("approval step", "cancelled")


class ApprovalStep(TimeStampedModel):
    """One step of a request's chain: who is asked (its tasks), how they decide (`mode`), and by when.

    `definition` is the step as the policy declared it (approver specifications, escalation settings), kept so
    a step sent back to can be asked again and analytics can group by it. `key` names the step across requests
    (the rule and step names) for analytics and simulation."""

    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.PositiveSmallIntegerField(_("stage"))
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(_("key"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=StepMode.choices, default=StepMode.ANY)
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    definition = models.JSONField(_("definition"), default=dict)
    due_hours = models.DecimalField(_("due in working hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "position"]
        indexes = [models.Index(fields=["status", "due_at"], name="approval_step_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="approval_step_position_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_overdue(self) -> bool:
        from salesops.core import clock

        return self.status == StepStatus.ACTIVE and self.due_at is not None and self.due_at < clock.now()


class TaskStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("approval task", "waiting")
    PENDING = "pending", pgettext_lazy("approval task", "to decide")
    APPROVED = "approved", pgettext_lazy("approval task", "approved")
    REJECTED = "rejected", pgettext_lazy("approval task", "rejected")
    RETURNED = "returned", pgettext_lazy("approval task", "sent back")
    TRANSFERRED = "transferred", pgettext_lazy("approval task", "transferred")
    CANCELLED = "cancelled", pgettext_lazy("approval task", "no longer needed")


class TaskOrigin(models.TextChoices):
    POLICY = "policy", _("the policy")
    TRANSFER = "transfer", _("transferred (转交)")
    ADDED_BEFORE = "added_before", _("added before (前加签)")
    ADDED_AFTER = "added_after", _("added after (后加签)")
    ADDED_ALONGSIDE = "added_alongside", _("added alongside (并加签)")
    REASSIGNED = "reassigned", _("reassigned by an administrator")
    ESCALATION = "escalation", _("escalation")


class ApprovalTask(TimeStampedModel):
    """One person asked to decide in one step. `on_behalf_of` is set when a delegate stands in for the person
    the policy named; `added_by` when someone added this approver (加签) or transferred the task."""

    step = models.ForeignKey(ApprovalStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="tasks")
    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="tasks"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    slot = models.PositiveSmallIntegerField(_("slot"), default=0)
    is_current = models.BooleanField(
        _("current"), default=True, help_text=_("False for the tasks of a round that was sent back: kept as history.")
    )
    is_required = models.BooleanField(_("required"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.WAITING)
    origin = models.CharField(_("origin"), max_length=20, choices=TaskOrigin.choices, default=TaskOrigin.POLICY)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("approval task")
        verbose_name_plural = _("approval tasks")
        ordering = ["step", "slot", "pk"]
        indexes = [
            models.Index(fields=["approver", "status"], name="approval_task_inbox_idx"),
            models.Index(fields=["on_behalf_of", "status"], name="approval_task_delegated_idx"),
        ]

    def __str__(self):
        return f"{self.step} · {self.approver}"


class Delegation(TimeStampedModel):
    """While `user` is away (from `starts_on` to `ends_on`, both included), `delegate` decides in their place:
    new tasks go to the delegate, and the delegate may decide the user's pending tasks."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="delegations"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("delegate"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_dates_ordered"),
            models.CheckConstraint(condition=~Q(user=models.F("delegate")), name="delegation_not_to_self"),
        ]

    def __str__(self):
        return f"{self.user} → {self.delegate}"
