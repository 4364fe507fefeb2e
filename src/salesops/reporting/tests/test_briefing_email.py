"""The 09:00 job sends each region's briefing through a real SMTP server started on localhost: HTML in Chinese
with inline PNG charts referenced by cid, a PDF whose text reads back in Chinese and a workbook with the figures;
once per day however often the job runs or schedulers claim the slot, and a missed 09:00 is caught up."""

import datetime
import email
import io
import re
import socket
from decimal import Decimal
from email import policy
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from openpyxl import load_workbook
from pypdf import PdfReader

from salesops.core import scheduling
from salesops.core.dispatch import deliver_pending
from salesops.core.models import ScheduledRun
from salesops.reporting.briefing_actions import send_briefing_now
from salesops.reporting.briefing_tasks import daily_briefings
from salesops.reporting.models import Briefing, BriefingDelivery
from salesops.reporting.tests.briefing_fixtures import DAY, NINE
from salesops.testing.imports import run_queued_tasks

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        # Only briefings: the history's approvals also notify the director by e-mail.
        if message["X-Salesops-Briefing"]:
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


@pytest.fixture
def addresses(org):
    """The directors have e-mail addresses; region a's office has a manager (the b team's manager is none)."""
    for region, address in ((org.a, "director-a@example.cn"), (org.b, "director-b@example.cn")):
        director = region.user("regional_director")
        director.email = address
        director.save(update_fields=["email"])
    manager = org.a.user("sales_manager")
    manager.email = "manager-a@example.cn"
    manager.save(update_fields=["email"])
    org.a.office.manager = manager
    org.a.office.save()


def parsed(raw) -> email.message.EmailMessage:
    return email.message_from_bytes(raw.as_bytes(), policy=policy.default)


def flat_text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_the_daily_job_mails_each_region_its_briefing_with_charts_pdf_and_workbook(history, smtp, addresses):
    report = daily_briefings.call(scheduled_at=NINE)

    assert report == {"region-a": {"sent": 2, "failed": 0}, "region-b": {"sent": 1, "failed": 0}}
    assert sorted(m["To"] for m in smtp.messages) == [
        "director-a@example.cn",
        "director-b@example.cn",
        "manager-a@example.cn",
    ]
    mail = parsed(next(m for m in smtp.messages if m["To"] == "director-a@example.cn"))
    assert str(make_header(decode_header(mail["Subject"]))) == "每日简报 Region a 2026-11-18"
    assert mail.get_content_type() == "multipart/mixed"

    html_part = mail.get_body(preferencelist=("html",))
    html = html_part.get_content()
    related = next(part for part in mail.walk() if part.get_content_type() == "multipart/related")
    images = [part for part in related.iter_parts() if part.get_content_type() == "image/png"]
    assert len(images) == 3  # the daily comparison, product lines and reps (no target: no month chart)
    for image in images:
        content_id = image["Content-ID"].strip("<>")
        assert f'src="cid:{content_id}"' in html
        assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    for chinese in ("销售订单", "已开票", "发货单", "收款", "逾期", "产品线", "销售代表", "审批单", "工业泵", "阀门"):
        assert chinese in html, chinese
    assert 'data-testid="measure-orders_count"' in html

    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    assert sorted(attachments) == ["briefing-region-a-20261118.pdf", "briefing-region-a-20261118.xlsx"]
    text = flat_text(attachments["briefing-region-a-20261118.pdf"].get_content())
    for chinese in ("销售订单", "已开票", "逾期", "工业泵", "审批单"):
        assert chinese in text, chinese
    assert "7797.00" in text and "741.50" in text

    workbook = load_workbook(io.BytesIO(attachments["briefing-region-a-20261118.xlsx"].get_content()))
    daily = workbook[workbook.sheetnames[0]]
    rows = {row[0]: row[1:] for row in daily.iter_rows(min_row=2, values_only=True)}
    assert rows["销售订单"][:3] == (4, 2, 2)
    assert rows["已开票"][:3] == (300, 1200, -900)
    assert rows["逾期"][:3] == (741.5, 1130, -388.5)
    assert rows["发货单"][:2] == (1, 2)


def test_running_the_job_twice_sends_nothing_twice(history, smtp, addresses):
    daily_briefings.call(scheduled_at=NINE)
    again = daily_briefings.call(scheduled_at=NINE)

    assert again == {"region-a": {"sent": 0, "failed": 0}, "region-b": {"sent": 0, "failed": 0}}
    assert len(smtp.messages) == 3
    assert Briefing.objects.count() == 2
    assert BriefingDelivery.objects.filter(status="sent").count() == 3


def test_two_schedulers_claiming_the_same_nine_oclock_send_once(history, smtp, addresses):
    job = scheduling.registered_jobs()["reporting.daily_briefings"]
    nine = datetime.datetime.fromisoformat(NINE)

    assert scheduling.claim_run(job, nine) is True
    assert scheduling.claim_run(job, nine) is False  # the second scheduler loses the unique row
    run_queued_tasks()

    assert ScheduledRun.objects.filter(job=job.name).count() == 1
    assert len(smtp.messages) == 3


def test_a_missed_nine_oclock_is_caught_up_for_the_day_it_was_meant_for(history, smtp, addresses):
    # The scheduler last ran the job on 17 November and was down until 15:00 on the 19th.
    ScheduledRun.objects.create(
        job="reporting.daily_briefings",
        scheduled_at=datetime.datetime(2026, 11, 17, 1, 0, tzinfo=datetime.UTC),
        claimed_by="old",
    )
    ScheduledRun.objects.create(
        job="reporting.retry_briefing_deliveries",
        scheduled_at=datetime.datetime(2026, 11, 19, 7, 0, tzinfo=datetime.UTC),
        claimed_by="old",
    )
    claimed = scheduling.run_due_jobs(datetime.datetime(2026, 11, 19, 7, 0, 30, tzinfo=datetime.UTC))
    run_queued_tasks()

    assert "reporting.daily_briefings@2026-11-19T09:00:00+08:00" in claimed
    assert list(Briefing.objects.order_by("region__code").values_list("region__code", "date")) == [
        ("region-a", DAY),
        ("region-b", DAY),
    ]
    assert len(smtp.messages) == 3


def test_send_now_sends_again_deliberately_and_a_retried_event_sends_nothing_more(history, smtp, addresses, org):
    daily_briefings.call(scheduled_at=NINE)
    briefing = Briefing.objects.get(region=org.a.region)
    smtp.messages.clear()

    send_briefing_now(briefing, actor=org.a.user("regional_director"))
    deliver_pending()
    deliver_pending()

    assert sorted(m["To"] for m in smtp.messages) == ["director-a@example.cn", "manager-a@example.cn"]
    assert list(briefing.deliveries.order_by("round", "email").values_list("round", "status")) == [
        (1, "sent"),
        (1, "sent"),
        (2, "sent"),
        (2, "sent"),
    ]


def test_a_refused_email_is_retried_and_sent_once(history, smtp, addresses, settings):
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    report = daily_briefings.call(scheduled_at=NINE)
    assert report["region-a"] == {"sent": 0, "failed": 2}
    assert set(BriefingDelivery.objects.values_list("status", flat=True)) == {"failed"}

    settings.MAILERS = working
    from salesops.reporting.briefing_tasks import retry_briefing_deliveries

    assert retry_briefing_deliveries.call(scheduled_at="2026-11-19T09:15:00+08:00") == {"sent": 3, "failed": 0}
    assert retry_briefing_deliveries.call(scheduled_at="2026-11-19T09:30:00+08:00") == {"sent": 0, "failed": 0}
    assert len(smtp.messages) == 3


def test_subscribers_replace_the_default_recipients_in_their_language(history, smtp, addresses, org):
    from salesops.reporting.briefing_actions import subscribe

    finance = org.a.user("finance")
    finance.email = "finance-a@example.cn"
    finance.save(update_fields=["email"])
    subscribe(actor=org.admin, region=org.a.region, user=finance, language="en")

    daily_briefings.call(scheduled_at=NINE)

    to_a = [m for m in smtp.messages if m["To"] != "director-b@example.cn"]
    assert [m["To"] for m in to_a] == ["finance-a@example.cn"]
    html = parsed(to_a[0]).get_body(preferencelist=("html",)).get_content()
    assert "sales orders" in html and "销售订单" not in html


def test_a_regions_open_alerts_are_in_its_briefing_only(history, smtp, addresses, org):
    from salesops.core import clock
    from salesops.reporting.actions import save_alert_rule
    from salesops.reporting.alerts import raise_alert

    rule = save_alert_rule(
        None,
        actor=org.admin,
        data={
            "name": "发货延迟",
            "stage": "shipment",
            "metric": "delay_rate",
            "condition": "above",
            "threshold": "0.15",
        },
    )
    with clock.simulated(datetime.datetime(2026, 11, 18, 15, tzinfo=datetime.UTC)):
        raise_alert(rule, DAY, org.a.region.pk, value=Decimal("0.3"), expected=Decimal("0.15"), volume=30)
    daily_briefings.call(scheduled_at=NINE)
    html = {m["To"]: parsed(m).get_body(preferencelist=("html",)).get_content() for m in smtp.messages}
    assert html["director-a@example.cn"].count('data-testid="briefing-alert"') == 1
    assert "发货延迟" in html["director-a@example.cn"]
    assert 'data-testid="briefing-alert"' not in html["director-b@example.cn"]
