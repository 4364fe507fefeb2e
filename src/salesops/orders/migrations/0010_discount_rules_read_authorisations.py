"""Installed order and quote policies whose discount rule still compares with the submitter's limit alone (the
default rule before special discount authorisations) get a new active version reading `beyond_limit`, which
counts the authorisations valid at submission (catalog/authorisations.py); the old version is retired, so
requests keep the version they were routed by. A draft using the old rule is updated in place. A policy an
administrator wrote otherwise is left alone (docs/approvals.md says how to read authorisations)."""

import copy

from django.db import migrations
from django.utils import timezone

from salesops.approvals.default_policies import OLD_DISCOUNT_CONDITIONS

SUBJECTS = ("orders.salesorder", "orders.quote")
NOTE = "折扣规则计入特殊折扣授权"


def upgraded(document: dict) -> dict | None:
    document = copy.deepcopy(document)
    changed = False
    for rule in document.get("rules", []):
        new = OLD_DISCOUNT_CONDITIONS.get(rule.get("condition"))
        if new is not None:
            rule["condition"], changed = new, True
    return document if changed else None


def upgrade(apps, schema_editor):
    ApprovalPolicy = apps.get_model("approvals", "ApprovalPolicy")
    PolicyVersion = apps.get_model("approvals", "PolicyVersion")
    Event = apps.get_model("core", "Event")
    for policy in ApprovalPolicy.objects.filter(subject_type__in=SUBJECTS):
        for draft in PolicyVersion.objects.filter(policy=policy, status="draft"):
            document = upgraded(draft.document)
            if document is not None:
                draft.document = document
                draft.save(update_fields=["document"])
        active = PolicyVersion.objects.filter(policy=policy, status="active").first()
        document = upgraded(active.document) if active is not None else None
        if document is None:
            continue
        now = timezone.now()
        active.status = "retired"
        active.save(update_fields=["status"])
        number = max(PolicyVersion.objects.filter(policy=policy).values_list("number", flat=True)) + 1
        version = PolicyVersion.objects.create(
            policy=policy, number=number, status="active", document=document, note=NOTE, activated_at=now
        )
        policy.active_version = version
        policy.save(update_fields=["active_version"])
        Event.objects.create(
            type="policy_version.activated",
            subject_type="approvals.policyversion",
            subject_id=str(version.pk),
            subject_label=f"{policy.name} v{number}",
            actor_label="migration",
            payload={"before": {"active_version": active.number}, "after": {"active_version": number}, "data": {}},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0002_default_order_policy"),
        ("catalog", "0002_discount_authorisation"),
        ("core", "0001_initial"),
        ("orders", "0009_prepayment_credit"),
    ]
    operations = [migrations.RunPython(upgrade, migrations.RunPython.noop)]
