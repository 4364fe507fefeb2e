"""Approval pages: the inbox (phone first, one tap to approve), a request with its chain and every decision,
delegations, and the panel other apps show on a document's page."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesops.accounts.scopes import PORTAL_ROLES
from salesops.approvals import actions, delegation_actions
from salesops.approvals.models import ApprovalRequest, ApprovalStep, ApprovalTask, Delegation, StepStatus
from salesops.approvals.queries import inbox, latest_request, pending_task_for
from salesops.core.models import Event
from salesops.core.scoping import for_user, get_for_user
from salesops.core.timeline import Entry, verb_for

User = get_user_model()


def with_chain(requests):
    tasks = ApprovalTask.objects.select_related("approver", "on_behalf_of", "decided_by").order_by("slot", "pk")
    steps = ApprovalStep.objects.order_by("position").prefetch_related(Prefetch("tasks", queryset=tasks))
    return requests.select_related("submitter", "region").prefetch_related(Prefetch("steps", queryset=steps))


def approval_panel(document, user) -> dict | None:
    """The latest approval of `document` for its page: the request with its steps and tasks, and the task
    waiting for `user` there, if any. None when the document was never routed or the user may not see it."""
    latest = latest_request(document)
    if latest is None:
        return None
    visible = with_chain(for_user(ApprovalRequest.objects.filter(pk=latest.pk), user)).first()
    if visible is None:
        return None
    return {"request": visible, "my_task": pending_task_for(document, user) if visible.is_pending else None}


def staff_choices(exclude=()):
    return (
        User.objects.filter(is_active=True)
        .exclude(role__in=PORTAL_ROLES)
        .exclude(pk__in=list(exclude))
        .order_by("username")
    )


@login_required
def inbox_page(request):
    """What waits for the user's decision, oldest due first, each with the document's summary."""
    tasks = list(inbox(request.user))
    return render(request, "approvals/inbox.html", {"tasks": tasks})


def request_timeline(approval: ApprovalRequest) -> list[Entry]:
    step_ids = [str(step.pk) for step in approval.steps.all()]
    task_ids = [str(task.pk) for step in approval.steps.all() for task in step.tasks.all()]
    events = (
        Event.objects.filter(
            Q(subject_type="approvals.approvalrequest", subject_id=str(approval.pk))
            | Q(subject_type="approvals.approvalstep", subject_id__in=step_ids)
            | Q(subject_type="approvals.approvaltask", subject_id__in=task_ids)
        )
        .select_related("actor")
        .order_by("-occurred_at", "-pk")[:300]
    )
    return [Entry(event, str(event.actor) if event.actor else event.actor_label, describe(event)) for event in events]


def describe(event: Event) -> str:
    comment = event.payload.get("data", {}).get("comment") or event.payload.get("data", {}).get("reason") or ""
    text = f"{event.subject_label}: {verb_for(event.type)}"
    return f"{text} · {comment}" if comment else text


@login_required
def request_page(request, request_id: int):
    approval = get_for_user(with_chain(ApprovalRequest.objects.all()), request.user, pk=request_id)
    my_task = inbox(request.user).filter(request=approval).order_by("slot", "pk").first()
    earlier_steps = []
    if my_task is not None:
        earlier_steps = [
            step
            for step in approval.steps.all()
            if step.stage < my_task.step.stage and step.status == StepStatus.APPROVED
        ]
    return render(
        request,
        "approvals/request.html",
        {
            "approval": approval,
            "my_task": my_task,
            "earlier_steps": earlier_steps,
            "people": staff_choices(exclude=[approval.submitter_id, request.user.pk]),
            "may_withdraw": approval.is_pending
            and approval.submitter_id == request.user.pk
            and not approval.has_decisions,
            "may_reassign": approval.is_pending and request.user.is_admin_role,
            "open_tasks": [
                t for s in approval.steps.all() for t in s.tasks.all() if t.status in ("waiting", "pending")
            ],
            "timeline": request_timeline(approval),
        },
    )


def chosen_user(raw, field: str):
    user = User.objects.filter(pk=raw).first() if str(raw or "").isdigit() else None
    if user is None:
        raise ValidationError({field: [_("Choose a person.")]})
    return user


def run_decision(request, approval: ApprovalRequest, decision: str) -> str:
    """Carry out one decision from the request page's forms; returns the success message."""
    post, actor = request.POST, request.user
    comment = post.get("comment", "")
    if decision == "withdraw":
        actions.withdraw_request(approval, actor=actor, comment=comment)
        return _("Withdrawn.")
    if decision == "reassign":
        task = approval.tasks.filter(pk=post.get("task_id") if str(post.get("task_id", "")).isdigit() else None).first()
        if task is None:
            raise ValidationError({"task_id": [_("Choose a task.")]})
        actions.reassign_task(task, actor=actor, to=chosen_user(post.get("user_id"), "user_id"), comment=comment)
        return _("Reassigned.")
    task = inbox(actor).filter(request=approval).order_by("slot", "pk").first()
    if task is None:
        raise ValidationError({"decision": [_("This request is not waiting for your decision.")]})
    if decision == "approve":
        actions.approve_task(task, actor=actor, comment=comment)
        return _("Approved.")
    if decision == "reject":
        actions.reject_task(task, actor=actor, comment=comment)
        return _("Rejected.")
    if decision == "send_back":
        target = post.get("to_step", "")
        to_step = approval.steps.filter(pk=target).first() if target.isdigit() else None
        actions.send_back(task, actor=actor, comment=comment, to_step=to_step)
        return _("Sent back.")
    if decision == "transfer":
        actions.transfer_task(task, actor=actor, to=chosen_user(post.get("user_id"), "user_id"), comment=comment)
        return _("Transferred.")
    if decision == "add_approver":
        user = chosen_user(post.get("user_id"), "user_id")
        actions.add_approver(task, actor=actor, user=user, where=post.get("where", ""), comment=comment)
        return _("Approver added.")
    raise ValidationError({"decision": [_("Unknown decision.")]})


@login_required
@require_POST
def decide_page(request, request_id: int):
    approval = get_for_user(ApprovalRequest.objects.all(), request.user, pk=request_id)
    try:
        messages.success(request, run_decision(request, approval, request.POST.get("decision", "")))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    if request.POST.get("next") == "inbox":
        return redirect("approvals:inbox")
    return redirect("approvals:request", request_id=approval.pk)


@login_required
def delegations_page(request):
    """The user's delegations (administrators: everyone's), and a form to set one up."""
    rows = Delegation.objects.select_related("user", "delegate").order_by("-starts_on", "-pk")
    if not request.user.is_admin_role:
        rows = rows.filter(Q(user=request.user) | Q(delegate=request.user))
    if request.method == "POST":
        try:
            if request.POST.get("end"):
                delegation = rows.filter(pk=request.POST["end"] if request.POST["end"].isdigit() else None).first()
                if delegation is None:
                    raise ValidationError({"end": [_("Choose a delegation.")]})
                delegation_actions.end_delegation(delegation, actor=request.user)
                messages.success(request, _("Delegation ended."))
            else:
                delegation_actions.create_delegation(
                    user=request.user,
                    delegate=User.objects.filter(pk=request.POST.get("delegate") or None).first()
                    if str(request.POST.get("delegate", "")).isdigit()
                    else None,
                    starts_on=parse_date(request.POST.get("starts_on")),
                    ends_on=parse_date(request.POST.get("ends_on")),
                    note=request.POST.get("note", ""),
                    actor=request.user,
                )
                messages.success(request, _("Delegation saved."))
            return redirect("approvals:delegations")
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
    return render(
        request,
        "approvals/delegations.html",
        {"delegations": rows, "people": staff_choices(exclude=[request.user.pk])},
    )


def parse_date(raw) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None
