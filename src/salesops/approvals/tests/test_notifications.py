"""Approval notices reach people in the app (exactly once) and by email, through a real SMTP server started on
localhost by the test."""

import email
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from salesops.approvals.actions import approve_task
from salesops.approvals.tests.helpers import MANAGER, request_of, rule, step, submit, task_of, use_policy
from salesops.core.dispatch import deliver_pending
from salesops.core.models import Notification
from salesops.core.notifications import mark_read


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_the_approver_is_told_by_email_and_in_the_app_and_the_submitter_hears_the_outcome(shop, smtp):
    org = shop.org
    manager, rep = org.a.user("sales_manager"), org.a.user("sales_rep")
    manager.email, rep.email = "manager@example.cn", "rep@example.cn"
    manager.save(update_fields=["email"])
    rep.save(update_fields=["email"])
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER)))
    deliver_pending()  # what happened before (the reps were given their customers) is told first
    smtp.messages.clear()
    order = submit(shop)
    request = request_of(order)
    deliver_pending()
    deliver_pending()  # a second run delivers nothing twice

    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "manager@example.cn"
    assert subject_of(mail) == f"待审批：{request.title}"
    assert mail["X-Salesops-Event"]
    body = email.message_from_string(mail.as_string()).get_payload(decode=True).decode()
    assert f"/approvals/requests/{request.pk}/" in body
    notes = Notification.objects.filter(recipient=manager)
    assert [n.title for n in notes] == [f"待审批：{request.title}"]

    approve_task(task_of(request, manager), actor=manager)
    deliver_pending()
    assert [m["To"] for m in smtp.messages] == ["manager@example.cn", "rep@example.cn"]
    assert subject_of(smtp.messages[1]) == f"已批准：{request.title}"
    assert Notification.objects.filter(recipient=rep, read_at__isnull=True).count() == 1
    assert mark_read(rep) == 1
    assert Notification.objects.filter(recipient=rep, read_at__isnull=True).count() == 0


def test_the_notifications_page_lists_and_marks_read(shop, client_for):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER)))
    request = request_of(submit(shop))
    deliver_pending()
    client = client_for(org.a.user("sales_manager"))
    page = client.get("/notifications/").content.decode()
    assert page.count('data-testid="notification"') == 1 and f"/approvals/requests/{request.pk}/" in page
    client.post("/notifications/")
    assert 'data-read="1"' in client.get("/notifications/").content.decode()
    assert (
        'data-testid="no-notifications"' in client_for(org.a.user("sales_rep")).get("/notifications/").content.decode()
    )
