"""Telling people things: one message, several channels.

A `Notice` is what to say to whom (recipient, title, body, link) and the event it comes from. Channels deliver
it: `in_app` (a `Notification` row, shown under the bell) and `email` (through Django's mailer: SMTP configured
by EMAIL_URL). The integrations issue adds DingTalk, WeCom and Feishu by registering more channels; the apps
that notify never name a channel.

Delivery runs in event handlers, after the change committed (the outbox): `in_app` in a transactional handler
(exactly once, the row is unique per event and recipient), `email` in a non-transactional one (at least once;
the event id is in a header for de-duplication).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from salesops.core.models import Event, Notification


@dataclass(frozen=True)
class Notice:
    recipient: object  # a User
    title: str
    body: str = ""
    url: str = ""
    event: Event | None = None


class Channel(ABC):
    """A way to reach people. `transactional` channels write to our database only (run exactly once with the
    handler's transaction); the others talk to the outside world (run at least once)."""

    key: str
    transactional: bool = False

    @abstractmethod
    def send(self, notices: list[Notice]) -> int:
        """Deliver the notices it can (a recipient without an address on this channel is skipped); returns how
        many were delivered."""


class InAppChannel(Channel):
    key = "in_app"
    transactional = True

    def send(self, notices: list[Notice]) -> int:
        created = 0
        for notice in notices:
            _row, was_created = Notification.objects.get_or_create(
                event=notice.event,
                recipient=notice.recipient,
                defaults={"title": notice.title[:200], "body": notice.body, "url": notice.url[:300]},
            )
            created += was_created
        return created


class EmailChannel(Channel):
    key = "email"

    def send(self, notices: list[Notice]) -> int:
        sent = 0
        for notice in notices:
            address = getattr(notice.recipient, "email", "")
            if not address:
                continue
            body = notice.body + (f"\n\n{absolute(notice.url)}" if notice.url else "")
            headers = {"X-Salesops-Event": str(notice.event.uuid)} if notice.event else {}
            EmailMessage(notice.title, body, to=[address], headers=headers).send()
            sent += 1
        return sent


def absolute(url: str) -> str:
    base = getattr(settings, "SALESOPS_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> Channel:
    _channels[channel.key] = channel
    return channel


def channels(*, transactional: bool) -> list[Channel]:
    return [channel for channel in _channels.values() if channel.transactional == transactional]


register_channel(InAppChannel())
register_channel(EmailChannel())


def deliver(notices: list[Notice], *, transactional: bool) -> int:
    """Send `notices` through every registered channel of the given kind (see the module's docstring)."""
    return sum(channel.send(notices) for channel in channels(transactional=transactional))


def mark_read(user, notification_ids=None) -> int:
    """Mark the user's notifications read (all of them when no ids are given); returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    with transaction.atomic():
        return rows.update(read_at=timezone.now())
