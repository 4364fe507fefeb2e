"""The sales order policy a new installation starts with (approvals/default_policies.py), active.

An installation that had set its own approval threshold in the order policy this replaces keeps it: the large
order rule uses that amount."""

import copy
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

from salesops.approvals.default_policies import ORDER_POLICY


def load(apps, schema_editor):
    ApprovalPolicy = apps.get_model("approvals", "ApprovalPolicy")
    PolicyVersion = apps.get_model("approvals", "PolicyVersion")
    OrderPolicy = apps.get_model("orders", "OrderPolicy")
    if ApprovalPolicy.objects.filter(subject_type="orders.salesorder").exists():
        return
    document = copy.deepcopy(ORDER_POLICY)
    threshold = OrderPolicy.objects.values_list("approval_threshold", flat=True).first()
    if threshold is not None and threshold != Decimal("200000.00"):
        large = document["rules"][1]
        large["condition"] = f"order.total > {threshold.normalize():f}"
        large["message"] = f"订单金额超过 {threshold:,.2f} 元"
    policy = ApprovalPolicy.objects.create(subject_type="orders.salesorder", name="销售订单审批")
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        status="active",
        document=document,
        note="初始版本",
        activated_at=timezone.now(),
    )
    policy.active_version = version
    policy.save(update_fields=["active_version"])


def unload(apps, schema_editor):
    ApprovalPolicy = apps.get_model("approvals", "ApprovalPolicy")
    for policy in ApprovalPolicy.objects.filter(subject_type="orders.salesorder"):
        policy.active_version = None
        policy.save(update_fields=["active_version"])
        policy.versions.all().delete()
        policy.delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial"), ("orders", "0004_quotes")]
    operations = [migrations.RunPython(load, unload)]
