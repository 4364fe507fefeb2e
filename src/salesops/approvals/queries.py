"""Read side of approvals: scopes (who sees which requests and tasks), inboxes, and what the documents' apps
ask of the engine (is a document waiting for me? does its approval still stand?)."""

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from salesops.accounts.scopes import sees_everything
from salesops.approvals.models import ApprovalRequest, ApprovalTask, Delegation, RequestStatus, TaskStatus
from salesops.approvals.subjects import key_for, subject_type
from salesops.core import clock
from salesops.core.scoping import scope_for


def delegators_of(user) -> QuerySet:
    """Ids of the people `user` stands in for today."""
    today = clock.today()
    return Delegation.objects.filter(delegate=user, is_active=True, starts_on__lte=today, ends_on__gte=today).values(
        "user_id"
    )


def involving(user) -> Q:
    """Tasks `user` is or was asked to decide, directly, as a delegate, or on whose behalf someone decides."""
    return Q(approver=user) | Q(on_behalf_of=user) | Q(approver__in=delegators_of(user))


@scope_for(ApprovalRequest)
def requests_for_user(queryset: QuerySet, user) -> QuerySet:
    """Administrators see every request; others the requests they submitted or are part of as approvers (also
    as a delegate standing in for someone)."""
    if sees_everything(user):
        return queryset
    tasks = ApprovalTask.objects.filter(involving(user), request=OuterRef("pk"))
    return queryset.filter(Q(submitter=user) | Exists(tasks))


@scope_for(ApprovalTask)
def tasks_for_user(queryset: QuerySet, user) -> QuerySet:
    if sees_everything(user):
        return queryset
    return queryset.filter(Q(request__submitter=user) | involving(user))


def inbox(user) -> QuerySet:
    """The tasks waiting for `user`'s decision now: their own, and those of people they stand in for."""
    return (
        ApprovalTask.objects.filter(Q(approver=user) | Q(approver__in=delegators_of(user)), status=TaskStatus.PENDING)
        .filter(request__status=RequestStatus.PENDING)
        .select_related("request", "step", "approver", "on_behalf_of", "request__submitter", "request__region")
        .order_by("step__due_at", "activated_at", "pk")
    )


def subjects_awaiting(user, subject_key: str) -> QuerySet:
    """Ids of the documents of `subject_key` waiting for `user`'s decision (a subquery)."""
    return inbox(user).filter(request__subject_type=subject_key).values("request__subject_id")


def subjects_involving(user, subject_key: str) -> RawSQL:
    """Ids of the documents of `subject_key` whose approval `user` is or was part of (a subquery, for
    `pk__in`): the tasks `involving(user)` of the subject's requests.

    Hand-written (the same SQL on SQLite and PostgreSQL): the scopes of orders, quotes and credit releases
    include it, so every scoped read of a seller's document builds it, and the ORM took longer to build its
    nested subqueries than the database takes to run them (decision 0008)."""
    table = connection.ops.quote_name
    tasks, requests = table(ApprovalTask._meta.db_table), table(ApprovalRequest._meta.db_table)
    delegations = table(Delegation._meta.db_table)
    today = connection.ops.adapt_datefield_value(clock.today())
    return RawSQL(
        f"SELECT r.subject_id FROM {tasks} t JOIN {requests} r ON r.id = t.request_id "
        "WHERE r.subject_type = %s AND (t.approver_id = %s OR t.on_behalf_of_id = %s OR t.approver_id IN "
        f"(SELECT d.user_id FROM {delegations} d WHERE d.delegate_id = %s AND d.is_active = %s "
        "AND d.starts_on <= %s AND d.ends_on >= %s))",
        [subject_key, user.pk, user.pk, user.pk, True, today, today],
    )


def open_request(document) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(
        subject_type=key_for(document), subject_id=document.pk, status=RequestStatus.PENDING
    ).first()


def latest_request(document) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(subject_type=key_for(document), subject_id=document.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def pending_task_for(document, user) -> ApprovalTask | None:
    """`user`'s task waiting on `document`'s open request (their own before one they stand in for)."""
    tasks = inbox(user).filter(request__subject_type=key_for(document), request__subject_id=document.pk)
    return min(tasks, key=lambda task: task.approver_id != user.pk, default=None)


def approval_stands(document) -> bool:
    """Whether `document` has an approved request whose content is still the document's: an approval given
    for other amounts, lines or discounts does not count."""
    request = latest_request(document)
    if request is None or request.status != RequestStatus.APPROVED:
        return False
    return request.fingerprint == subject_type(request.subject_type).fingerprint(document)


def has_approved(document, user) -> bool:
    """Whether `user` approved a task of `document`'s approval (their own, or standing in for its approver)."""
    return ApprovalTask.objects.filter(
        Q(approver=user) | Q(decided_by=user),
        request__subject_type=key_for(document),
        request__subject_id=document.pk,
        status=TaskStatus.APPROVED,
    ).exists()
