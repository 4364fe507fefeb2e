"""What approval events tell whom: the notices behind the handlers in handlers.py.

- a task assigned: the approver ("please approve"), and the person they stand in for, if any;
- a request approved, rejected, sent back: the submitter;
- notify-only rules (approval.notified, approval_request.created with `notify`): the people the rules name;
- a step reminded: its pending approvers; escalated: the managers named in the event.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from salesops.approvals.models import ApprovalRequest, ApprovalTask
from salesops.core.models import Event
from salesops.core.notifications import Notice

User = get_user_model()
LANGUAGE = "zh-hans"  # notices are written in the interface's default language


def request_url(request_id) -> str:
    return reverse("approvals:request", args=[request_id])


def people(ids) -> list:
    return list(User.objects.filter(pk__in=[i for i in ids if i], is_active=True).order_by("pk"))


def notices_for(event: Event) -> list[Notice]:
    with translation.override(LANGUAGE):
        return build(event)


def build(event: Event) -> list[Notice]:
    data = event.payload.get("data", {})
    kind = event.type
    if kind == "approval_task.assigned":
        task = ApprovalTask.objects.select_related("request").filter(pk=event.subject_id).first()
        if task is None:
            return []
        title = _("Approval needed: %(title)s") % {"title": task.request.title}
        body = _("%(submitter)s asks for your approval.") % {"submitter": task.request.submitter}
        notices = [Notice(task.approver, title, body, request_url(task.request_id), event)]
        if task.on_behalf_of_id:
            notice = _("%(delegate)s decides this for you while you are away.") % {"delegate": task.approver}
            notices.append(Notice(task.on_behalf_of, title, notice, request_url(task.request_id), event))
        return notices
    if kind in ("approval_request.approved", "approval_request.rejected", "approval_request.returned"):
        request = ApprovalRequest.objects.filter(pk=event.subject_id).select_related("submitter").first()
        if request is None:
            return []
        titles = {
            "approval_request.approved": _("Approved: %(title)s"),
            "approval_request.rejected": _("Rejected: %(title)s"),
            "approval_request.returned": _("Sent back to you: %(title)s"),
        }
        body = (data or {}).get("reason", "")
        return [
            Notice(request.submitter, titles[kind] % {"title": request.title}, body, request_url(request.pk), event)
        ]
    if kind == "approval_request.created" and data.get("notify"):
        request = ApprovalRequest.objects.filter(pk=event.subject_id).first()
        if request is None:
            return []
        title = _("For your information: %(title)s") % {"title": request.title}
        body = _("Submitted for approval by %(submitter)s.") % {"submitter": request.submitter}
        return [Notice(person, title, body, request_url(request.pk), event) for person in people(data["notify"])]
    if kind == "approval.notified":
        title = _("For your information: %(title)s") % {"title": event.subject_label}
        body = ", ".join(rule["message"] or rule["name"] for rule in data.get("rules", []))
        return [Notice(person, title, body, "", event) for person in people(data.get("recipients", []))]
    if kind in ("approval_step.reminded", "approval_step.escalated"):
        request_id = data.get("request")
        title = (
            _("Reminder: an approval is due soon: %(title)s")
            if kind == "approval_step.reminded"
            else _("Overdue approval: %(title)s")
        ) % {"title": data.get("title", "")}
        body = data.get("message", "")
        return [
            Notice(person, title, body, request_url(request_id), event) for person in people(data.get("recipients", []))
        ]
    return []
