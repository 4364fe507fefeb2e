"""Due times on the business clock: reminders before, escalation after (notify the manager, then move the task
up a level when the step says so). Each job run is idempotent."""

import datetime

from salesops.approvals.escalation import escalate_overdue, remind_due_soon
from salesops.approvals.models import TaskOrigin, TaskStatus
from salesops.approvals.tests.helpers import MANAGER, pending, request_of, rule, step, submit, use_policy
from salesops.core import clock
from salesops.core.models import Event

HOUR = datetime.timedelta(hours=1)


def test_reminder_then_manager_told_then_moved_up(shop, tuesday_morning):
    org = shop.org
    use_policy(
        org.admin,
        rule(
            "All",
            "order.total > 0",
            step("Manager", MANAGER, due_hours=2, remind_before_hours="0.5", auto_escalate=True),
        ),
    )
    with clock.simulated(tuesday_morning):  # 10:00 Shanghai: due at 12:00
        request = request_of(submit(shop))
    manager, director = org.a.user("sales_manager"), org.a.user("regional_director")

    assert remind_due_soon(tuesday_morning + HOUR) == 0  # 11:00: an hour left
    assert remind_due_soon(tuesday_morning + 100 * HOUR / 60) == 1  # 11:40: 20 minutes left
    assert remind_due_soon(tuesday_morning + 110 * HOUR / 60) == 0  # once
    reminder = Event.objects.get(type="approval_step.reminded")
    assert reminder.payload["data"]["recipients"] == [manager.pk]

    assert escalate_overdue(tuesday_morning + HOUR) == 0
    assert escalate_overdue(tuesday_morning + 2 * HOUR + HOUR / 60) == 1  # 12:01: overdue
    escalated = Event.objects.get(type="approval_step.escalated")
    assert escalated.payload["data"]["recipients"] == [director.pk]  # the manager's manager
    assert escalate_overdue(tuesday_morning + 2 * HOUR + HOUR / 30) == 0  # level 1 once
    assert pending(request) == [("Manager", "sales_manager_a")]

    # Level 2 one more due period later, in working hours: 12:00 + 2 working hours (lunch 12-13) = 15:00.
    assert escalate_overdue(tuesday_morning + 4 * HOUR + HOUR / 2) == 0  # 14:30
    assert escalate_overdue(tuesday_morning + 5 * HOUR) == 1  # 15:00
    assert pending(request) == [("Manager", "regional_director_a")]
    moved = request.tasks.get(approver=director)
    assert moved.origin == TaskOrigin.ESCALATION
    assert request.tasks.get(approver=manager).status == TaskStatus.TRANSFERRED
    assert escalate_overdue(tuesday_morning + 9 * HOUR) == 0


def test_without_auto_escalation_the_manager_is_only_told(shop, tuesday_morning):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER, due_hours=1)))
    with clock.simulated(tuesday_morning):
        request = request_of(submit(shop))
    assert escalate_overdue(tuesday_morning + 2 * HOUR) == 1
    assert escalate_overdue(tuesday_morning + 48 * HOUR) == 0
    assert pending(request) == [("Manager", "sales_manager_a")]


def test_due_times_skip_the_weekend_and_holidays(shop):
    org = shop.org
    use_policy(org.admin, rule("All", "order.total > 0", step("Manager", MANAGER, due_hours=2)))
    friday_five_pm = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)  # 17:00 Shanghai
    with clock.simulated(friday_five_pm):
        request = request_of(submit(shop))
    monday_ten_am = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)
    assert request.steps.get().due_at == monday_ten_am
    assert escalate_overdue(datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)) == 0  # Sunday
