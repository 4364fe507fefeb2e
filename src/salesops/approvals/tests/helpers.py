"""Approval test helpers: policies switched on through the actions, orders submitted through the order path."""

from salesops.approvals import actions as approval_actions
from salesops.approvals import policy_actions
from salesops.approvals.models import ApprovalPolicy, ApprovalRequest, ApprovalTask, TaskStatus
from salesops.approvals.subjects import subject_type
from salesops.orders import actions as order_actions
from salesops.orders.tests.fixtures import draft

ORDERS = "orders.salesorder"


def step(name, *approvers, mode="any", parallel=False, due_hours=None, **extra):
    spec = {"name": name, "approvers": [dict(a) for a in approvers], "mode": mode, "parallel": parallel}
    if due_hours is not None:
        spec["due_hours"] = str(due_hours)
    spec.update(extra)
    return spec


def rule(name, condition, *steps, outcome="route", notify=(), message="", stop=False):
    return {
        "name": name,
        "condition": condition,
        "outcome": outcome,
        "steps": list(steps),
        "notify": [dict(n) for n in notify],
        "message": message,
        "stop": stop,
    }


MANAGER = {"kind": "manager"}
DIRECTOR = {"kind": "director"}
GENERAL_MANAGER = {"kind": "general_manager"}


def role(name):
    return {"kind": "role", "value": name}


def user(username):
    return {"kind": "user", "value": username}


def group(code):
    return {"kind": "group", "value": code}


def installed_policy(key: str) -> ApprovalPolicy:
    """The installation's policy for the subject type `key`: the one the data migration loaded or, when a
    transactional test before this one has emptied the tables, the default one installed as a first submission
    installs it."""
    approval_actions.active_version(subject_type(key))
    return ApprovalPolicy.objects.get(subject_type=key)


def use_policy(admin, *rules, total_due_hours=None):
    """Make `rules` the active order policy (a new version of the installation's policy)."""
    policy = installed_policy(ORDERS)
    document = {"rules": list(rules)}
    if total_due_hours is not None:
        document["total_due_hours"] = str(total_due_hours)
    version = policy_actions.save_draft(policy, document=document, actor=admin)
    return policy_actions.activate_version(version, actor=admin)


def submit(shop, *, quantity="1", discount="0", actor=None, customer=None):
    actor = actor or shop.org.a.user("sales_rep")
    order = draft(shop, quantity=quantity, discount=discount, actor=actor, customer=customer)
    return order_actions.submit_order(order, actor=actor)


def request_of(order) -> ApprovalRequest:
    return ApprovalRequest.objects.filter(subject_type=ORDERS, subject_id=order.pk).latest("created_at", "pk")


def pending(request) -> list[tuple[str, str]]:
    """(step name, approver username) of the tasks waiting for a decision, in chain order."""
    tasks = ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING).order_by(
        "step__position", "slot", "pk"
    )
    return [(task.step.name, task.approver.username) for task in tasks]


def task_of(request, user) -> ApprovalTask:
    return ApprovalTask.objects.get(request=request, approver=user, status=TaskStatus.PENDING)
