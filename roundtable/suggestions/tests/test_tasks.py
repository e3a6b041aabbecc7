"""The background tasks: deadline sweep, reminders, auto-close, the morning digest and `tick`."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from roundtable.notifications.models import Notification
from roundtable.people.actions import grant_role
from roundtable.people.models import Role
from roundtable.people.tests.factories import UserFactory
from roundtable.suggestions.models import Rating, Status, Step, Suggestion
from roundtable.suggestions.reminders import Reminder
from roundtable.suggestions.tasks import daily_digest, digest_counts, sweep_deadlines

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def dummy_tasks(settings):
    settings.TASKS = DUMMY


def _dispatched(suggestion, owner, **fields):
    now = timezone.now()
    values = {
        "status": Status.DISPATCHED,
        "owner": owner,
        "dispatched_at": now,
        "accept_by": now + timedelta(hours=24),
        "resolve_by": now + timedelta(days=10),
        **fields,
    }
    Suggestion.objects.filter(pk=suggestion.pk).update(**values)
    suggestion.refresh_from_db()
    return suggestion


def _sweep():
    return sweep_deadlines.call()


def test_sweep_flags_an_overdue_item_once(suggestion, property_company, property_staff):
    late = _dispatched(suggestion, property_company, accept_by=timezone.now() - timedelta(hours=1))
    assert _sweep()["flagged"] == 1
    late.refresh_from_db()
    assert late.is_overdue
    assert _sweep() == {"flagged": 0, "reminded": 0, "closed": 0}
    assert Step.objects.filter(suggestion=late, kind="flag_overdue").count() == 1


def test_sweep_leaves_items_within_their_deadlines_alone(suggestion, property_company):
    _dispatched(suggestion, property_company)
    assert _sweep() == {"flagged": 0, "reminded": 0, "closed": 0}


def test_accept_reminder_goes_once_two_hours_before(suggestion, property_company, property_staff):
    item = _dispatched(
        suggestion, property_company, accept_by=timezone.now() + timedelta(minutes=90)
    )
    assert _sweep()["reminded"] == 1
    assert _sweep()["reminded"] == 0
    notes = Notification.objects.filter(user=property_staff)
    assert notes.count() == 1
    assert item.reference in notes.get().text


def test_urgent_accept_reminder_waits_until_thirty_minutes_before(
    suggestion, property_company, property_staff
):
    _dispatched(
        suggestion, property_company, urgent=True, accept_by=timezone.now() + timedelta(hours=1)
    )
    assert _sweep()["reminded"] == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=35)):
        assert _sweep()["reminded"] == 1


def test_resolve_reminder_goes_once_a_working_day_before(
    suggestion, property_company, property_staff
):
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday, tick=False):
        _dispatched(
            suggestion,
            property_company,
            status=Status.ACCEPTED,
            accept_by=None,
            resolve_by=monday + timedelta(days=3, hours=7),  # Thursday 17:00
        )
        assert _sweep()["reminded"] == 0
    with time_machine.travel(monday + timedelta(days=2), tick=False):  # Wednesday
        assert _sweep()["reminded"] == 1
        assert _sweep()["reminded"] == 0
    assert Reminder.objects.get().kind == "resolve"
    assert Notification.objects.filter(user=property_staff).count() == 1


def _awaiting_rating(suggestion, responded_at, **fields):
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status=Status.FOLLOW_UP, responded_at=responded_at, result="已更换地胶", **fields
    )


def test_an_unrated_answer_closes_seven_days_after_the_response(suggestion):
    _awaiting_rating(suggestion, timezone.now())
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert _sweep()["closed"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert _sweep()["closed"] == 1
    suggestion.refresh_from_db()
    assert suggestion.status == Status.CLOSED
    assert suggestion.steps.filter(kind="auto_close").count() == 1


def test_a_rated_item_is_never_auto_closed(suggestion):
    _awaiting_rating(suggestion, timezone.now() - timedelta(days=30), rating=Rating.SATISFIED)
    assert _sweep()["closed"] == 0
    suggestion.refresh_from_db()
    assert suggestion.status == Status.FOLLOW_UP


def test_digest_counts_new_awaiting_triage_overdue_and_review(
    community, suggestion, property_company, community_worker
):
    assert digest_counts(community, timezone.now()) == {
        "new": 1,
        "triage": 1,
        "overdue": 0,
        "review": 0,
    }
    _dispatched(suggestion, property_company, accept_by=timezone.now() - timedelta(hours=1))
    counts = digest_counts(community, timezone.now())
    assert (counts["triage"], counts["overdue"]) == (0, 1)


def test_digest_reaches_each_community_worker_in_the_inbox(
    community, suggestion, community_worker, grid_worker
):
    # 王书记 acts for the residents' committee (conftest.py), 李主任 for no organisation.
    second_community_worker = UserFactory(phone="13800000031", name="李主任")
    grant_role(second_community_worker, Role.COMMUNITY_WORKER, community, by=None)
    assert daily_digest.call() == 2
    for user in (community_worker, second_community_worker):
        text = Notification.objects.get(user=user).text
        assert community.name in text
    assert not Notification.objects.filter(user=grid_worker).exists()


def test_tick_enqueues_the_sweep_and_the_digest_once_a_day(db):
    backend = default_task_backend
    morning = datetime(2026, 11, 24, 8, 5, tzinfo=SHANGHAI)
    with time_machine.travel(morning, tick=False):
        call_command("tick", stdout=StringIO())
        call_command("tick", stdout=StringIO())
    names = [r.task.name for r in backend.results]
    assert names.count("sweep_deadlines") == 2
    assert names.count("daily_digest") == 1


def test_tick_enqueues_the_figures_check_once_a_night_from_three(db):
    for hour, minute in ((2, 55), (3, 1), (3, 6), (8, 5)):
        with time_machine.travel(datetime(2026, 11, 24, hour, minute, tzinfo=SHANGHAI), tick=False):
            call_command("tick", stdout=StringIO())
    with time_machine.travel(datetime(2026, 11, 25, 3, 1, tzinfo=SHANGHAI), tick=False):
        call_command("tick", stdout=StringIO())
    names = [r.task.name for r in default_task_backend.results]
    assert names.count("check_figures") == 2  # 24 November at 03:01, 25 November at 03:01
    assert names.count("daily_digest") == 1


def test_tick_sends_no_digest_before_eight(db):
    with time_machine.travel(datetime(2026, 11, 24, 7, 55, tzinfo=SHANGHAI), tick=False):
        call_command("tick", stdout=StringIO())
    names = [r.task.name for r in default_task_backend.results]
    assert "sweep_deadlines" in names and "daily_digest" not in names  # other apps' tasks too


def test_tick_now_runs_the_tasks_inline(suggestion, property_company):
    _dispatched(suggestion, property_company, accept_by=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("tick", "--now", stdout=out)
    suggestion.refresh_from_db()
    assert suggestion.is_overdue
    assert "sweep_deadlines" in out.getvalue()
    # Run inline; only the recount of the flagged suggestion's month waits for a worker.
    assert [r.task.name for r in default_task_backend.results] == ["count_month"]
