"""Writing policies: drafts, validation, activation. Only administrators write policies.

Editing never touches an active version: `save_draft` writes the policy's one draft (creating it, numbered
after the latest version, when there is none), and `activate_version` switches the draft on, retiring the
version that was active. Requests keep the version they started under, so history stays explainable.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from salesops.accounts.scopes import sees_everything
from salesops.approvals.models import ApprovalPolicy, PolicyVersion
from salesops.approvals.policy_document import Problem, validate_document
from salesops.approvals.subjects import subject_type, subject_types
from salesops.core import clock
from salesops.core.events import record_event


def check_admin(actor) -> None:
    if not sees_everything(actor):
        raise PermissionDenied(_("Only an administrator may change approval policies."))


def problems_error(problems: list[Problem], prefix: str = "document") -> ValidationError:
    """The problems as field errors ("document.rules.0.condition": ["line 1, column 9: ..."])."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        where = f" {_('(line %(line)s, column %(column)s)') % {'line': problem.line, 'column': problem.column}}"
        fields.setdefault(f"{prefix}.{problem.field}", []).append(problem.message + (where if problem.line else ""))
    return ValidationError(fields)


def validate_for(policy: ApprovalPolicy, document) -> list[Problem]:
    _parsed, problems = validate_document(document, subject_type(policy.subject_type).schema())
    return problems


def create_policy(*, subject_key: str, name: str, actor) -> ApprovalPolicy:
    """A policy for a registered subject type (one each), with no version yet: documents are approved
    automatically until a version is activated."""
    check_admin(actor)
    errors = {}
    if subject_key not in subject_types():
        errors["subject_type"] = [_("Unknown subject type.")]
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Give the policy a name (up to 100 characters).")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            policy = ApprovalPolicy.objects.create(subject_type=subject_key, name=name)
            record_event("approval_policy.created", policy, actor=actor, after={"name": name, "subject": subject_key})
    except IntegrityError:
        raise ValidationError({"subject_type": [_("This subject type has a policy already.")]}) from None
    return policy


def save_draft(policy: ApprovalPolicy, *, document, actor, note: str = "") -> PolicyVersion:
    """Validate `document` and write it as the policy's draft (every problem at once, with positions; an
    invalid document changes nothing)."""
    check_admin(actor)
    problems = validate_for(policy, document)
    if problems:
        raise problems_error(problems)
    with transaction.atomic():
        policy = ApprovalPolicy.objects.select_for_update().get(pk=policy.pk)
        draft = policy.versions.filter(status=PolicyVersion.Status.DRAFT).first()
        if draft is None:
            latest = policy.versions.aggregate(latest=Max("number"))["latest"] or 0
            draft = PolicyVersion(policy=policy, number=latest + 1, created_by=actor)
        draft.document, draft.note = document, (note or "").strip()[:500]
        draft.save()
        record_event(
            "policy_version.saved",
            draft,
            actor=actor,
            after={"number": draft.number, "rules": len(document.get("rules", []))},
        )
        return draft


def activate_version(version: PolicyVersion, *, actor) -> PolicyVersion:
    """Switch a valid draft on: the active version (if any) is retired, new requests route by this one."""
    check_admin(actor)
    with transaction.atomic():
        policy = ApprovalPolicy.objects.select_for_update().get(pk=version.policy_id)
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != PolicyVersion.Status.DRAFT:
            raise ValidationError({"status": [_("Only a draft can be activated.")]})
        problems = validate_for(policy, version.document)
        if problems:
            raise problems_error(problems)
        previous = policy.versions.filter(status=PolicyVersion.Status.ACTIVE).first()
        if previous is not None:
            previous.status = PolicyVersion.Status.RETIRED
            previous.save(update_fields=["status", "updated_at"])
        version.status, version.activated_by, version.activated_at = PolicyVersion.Status.ACTIVE, actor, clock.now()
        version.save(update_fields=["status", "activated_by", "activated_at", "updated_at"])
        policy.active_version = version
        policy.save(update_fields=["active_version", "updated_at"])
        record_event(
            "policy_version.activated",
            version,
            actor=actor,
            before={"active_version": getattr(previous, "number", None)},
            after={"active_version": version.number},
        )
        return version


def deactivate_policy(policy: ApprovalPolicy, *, actor) -> ApprovalPolicy:
    """Switch the policy off: its active version is retired; documents are approved automatically."""
    check_admin(actor)
    with transaction.atomic():
        policy = ApprovalPolicy.objects.select_for_update().get(pk=policy.pk)
        active = policy.versions.filter(status=PolicyVersion.Status.ACTIVE).first()
        if active is None:
            raise ValidationError({"status": [_("The policy is not active.")]})
        active.status = PolicyVersion.Status.RETIRED
        active.save(update_fields=["status", "updated_at"])
        policy.active_version = None
        policy.save(update_fields=["active_version", "updated_at"])
        record_event("approval_policy.deactivated", policy, actor=actor, before={"active_version": active.number})
        return policy
