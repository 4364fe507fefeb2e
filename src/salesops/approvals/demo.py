"""The demo company's order approval policy: a second version of the installation's policy, activated before
the history replay so the year's orders went through real chains (and simulation and analytics have data)."""

from django.contrib.auth import get_user_model

from salesops.approvals.models import ApprovalPolicy, PolicyVersion
from salesops.approvals.policy_actions import activate_version, save_draft

User = get_user_model()

MANAGER, DIRECTOR, GENERAL_MANAGER = {"kind": "manager"}, {"kind": "director"}, {"kind": "general_manager"}
DEMO_ORDER_POLICY = {
    "total_due_hours": "16",
    "rules": [
        {
            "name": "特殊折扣",
            "condition": "order.beyond_limit || order.lines.exists(l, l.beyond_limit)",
            "outcome": "route",
            "message": "折扣超出提交人的权限，需风控审核",
            "steps": [
                {
                    "name": "风控审核",
                    "approvers": [{"kind": "role", "value": "risk_officer"}],
                    "due_hours": "4",
                    "remind_before_hours": "1",
                }
            ],
            "notify": [MANAGER],
        },
        {
            "name": "信用受限客户",
            "condition": "customer.credit_status != 'active'",
            "outcome": "route",
            "message": "客户信用冻结或暂停，需财务审批",
            "steps": [{"name": "财务审批", "approvers": [{"kind": "role", "value": "finance"}], "due_hours": "4"}],
        },
        {
            "name": "特大订单",
            "condition": "order.total >= 500000",
            "outcome": "route",
            "message": "订单金额 50 万元及以上",
            "steps": [
                {"name": "大区总监审批", "approvers": [DIRECTOR], "due_hours": "8", "auto_escalate": False},
                {"name": "总经理审批", "approvers": [GENERAL_MANAGER], "due_hours": "8", "parallel": True},
            ],
            "stop": True,
        },
        {
            "name": "大额订单",
            "condition": "order.total > 100000",
            "outcome": "route",
            "message": "订单金额超过 10 万元",
            "steps": [
                {"name": "主管审批", "approvers": [MANAGER], "due_hours": "4", "remind_before_hours": "1"},
                {"name": "大区总监审批", "approvers": [DIRECTOR], "due_hours": "4", "auto_escalate": True},
            ],
        },
    ],
}


def load_demo_policy() -> bool:
    """Activate the demo policy once (as the administrator); False when it is active already."""
    policy = ApprovalPolicy.objects.get(subject_type="orders.salesorder")
    if policy.versions.filter(note="示例公司审批政策").exists():
        return False
    admin = User.objects.get(username="admin")
    draft = save_draft(policy, document=DEMO_ORDER_POLICY, note="示例公司审批政策", actor=admin)
    activate_version(PolicyVersion.objects.get(pk=draft.pk), actor=admin)
    return True
