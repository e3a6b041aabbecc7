"""Setting and clearing calendar days: who may, what is audited, what is refused, the cache."""

import logging
from datetime import date, datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from roundtable.audit.models import Event
from roundtable.people.tests.factories import UserFactory
from roundtable.workdays import actions
from roundtable.workdays import calendar as calendar_module
from roundtable.workdays.calendar import CACHE_KEY, SHANGHAI, load_calendar
from roundtable.workdays.models import CalendarDay, DayKind

FRIDAY = date(2026, 11, 27)
THURSDAY_NOON = datetime(2026, 11, 26, 12, tzinfo=SHANGHAI)


NOTE = "国务院办公厅关于2026年部分节假日安排的通知"


@pytest.fixture
def superuser(db):
    """An administrator: may do everything, the calendar included."""
    return UserFactory(phone="13800000099", name="管理员", is_superuser=True)


@pytest.fixture
def listed(db):
    """Two days staff listed by hand, with the notice as their note."""
    return [
        CalendarDay.objects.create(
            date=date(2026, 2, 14), kind=DayKind.WORKDAY, name="春节", note=NOTE
        ),
        CalendarDay.objects.create(
            date=date(2026, 2, 21), kind=DayKind.HOLIDAY, name="春节", note=NOTE
        ),
    ]


def calendar_events():
    return Event.objects.filter(action__startswith="calendar.")


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("community_worker", True),
        ("superuser", True),
        ("grid_worker", False),
        ("property_staff", False),
        ("resident", False),
        ("outsider", False),
    ],
)
def test_who_may_edit_the_calendar(listed, request, persona, allowed):
    user = request.getfixturevalue(persona)
    if allowed:
        actions.set_day(FRIDAY, DayKind.HOLIDAY, "测试", by=user)
        assert actions.clear_day(FRIDAY, by=user)
        assert calendar_events().count() == 2
    else:
        with pytest.raises(PermissionDenied):
            actions.set_day(FRIDAY, DayKind.HOLIDAY, "测试", by=user)
        with pytest.raises(PermissionDenied):
            actions.clear_day(date(2026, 2, 14), by=user)
        assert not calendar_events().exists()
        assert CalendarDay.objects.filter(date=date(2026, 2, 14)).exists()


def test_setting_a_day_is_audited(community_worker):
    actions.set_day(FRIDAY, DayKind.HOLIDAY, " 停电检修 ", by=community_worker)
    event = calendar_events().get()
    assert event.action == "calendar.day_set" and event.actor == community_worker
    assert event.actor_role == "community_worker" and event.community is None
    assert event.details == {
        "date": "2026-11-27",
        "kind": "holiday",
        "name": "停电检修",
        "previous_kind": "",
        "previous_name": "",
    }


def test_changing_a_listed_day_keeps_its_note_and_records_what_it_was(listed, community_worker):
    actions.set_day(date(2026, 2, 21), DayKind.HOLIDAY, "春节假期", by=community_worker)
    day = CalendarDay.objects.get(date=date(2026, 2, 21))
    assert day.name == "春节假期" and "2026" in day.note
    details = calendar_events().get().details
    assert (details["previous_kind"], details["previous_name"]) == ("holiday", "春节")


def test_setting_a_day_to_what_it_is_records_nothing(listed, community_worker):
    actions.set_day(date(2026, 2, 14), DayKind.WORKDAY, "春节", by=community_worker)
    assert not calendar_events().exists()


def test_clearing_a_day_is_audited(listed, community_worker):
    assert actions.clear_day(date(2026, 2, 14), by=community_worker)
    assert not CalendarDay.objects.filter(date=date(2026, 2, 14)).exists()
    event = calendar_events().get()
    assert event.action == "calendar.day_cleared" and event.actor_role == "community_worker"
    assert event.details == {
        "date": "2026-02-14",
        "previous_kind": "workday",
        "previous_name": "春节",
    }


def test_clearing_an_unlisted_day_does_nothing(community_worker):
    assert actions.clear_day(FRIDAY, by=community_worker) is False
    assert not calendar_events().exists()


@pytest.mark.parametrize(
    "day, kind, name, field, code",
    [
        (date(1999, 12, 31), DayKind.HOLIDAY, "", "date", "min_value"),
        (date(2101, 1, 1), DayKind.HOLIDAY, "", "date", "max_value"),
        (FRIDAY, "festival", "", "kind", "invalid_choice"),
        (FRIDAY, DayKind.WORKDAY, "", "kind", "not_weekend"),
        (FRIDAY, DayKind.HOLIDAY, "长" * 51, "name", "max_length"),
    ],
)
def test_set_day_refuses_what_cannot_be(community_worker, day, kind, name, field, code):
    with pytest.raises(ValidationError) as refused:
        actions.set_day(day, kind, name, by=community_worker)
    assert [e.code for e in refused.value.error_dict[field]] == [code]
    assert not CalendarDay.objects.filter(date=day).exists()
    assert not calendar_events().exists()


def test_load_calendar_reads_once_then_uses_the_cache(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = load_calendar()
    with django_assert_num_queries(0):
        assert not load_calendar().is_working_day(date(2026, 10, 1))  # from the library
    assert load_calendar() is calendar  # merged with the library once per set of listed days


def test_migrate_leaves_2026_to_the_library(db):
    # 0002 copied the 2026 notice into the table, 0003 dropped the copies again.
    assert not CalendarDay.objects.exists()
    due = load_calendar().add_working_days(datetime(2026, 2, 13, 23, 30, tzinfo=SHANGHAI), 5)
    assert due.date() == date(2026, 2, 27)


@pytest.mark.parametrize(
    "day, kind, working",
    [
        (date(2026, 2, 14), DayKind.HOLIDAY, False),  # the library's 调休 Saturday, given off
        (date(2026, 2, 21), DayKind.WORKDAY, True),  # a Spring Festival Saturday, worked
        (date(2026, 10, 5), DayKind.WORKDAY, True),  # a National Day Monday, worked
    ],
)
def test_a_day_set_by_staff_overrides_the_library(community_worker, day, kind, working):
    assert load_calendar().is_working_day(day) is not working
    actions.set_day(day, kind, "社区安排", by=community_worker)
    assert load_calendar().is_working_day(day) is working
    actions.clear_day(day, by=community_worker)
    assert load_calendar().is_working_day(day) is not working


def test_an_edit_moves_deadlines_at_once(community_worker):
    assert load_calendar().add_working_days(THURSDAY_NOON, 1).date() == FRIDAY  # now cached
    actions.set_day(FRIDAY, DayKind.HOLIDAY, "停电检修", by=community_worker)
    assert load_calendar().add_working_days(THURSDAY_NOON, 1).date() == date(2026, 11, 30)
    actions.clear_day(FRIDAY, by=community_worker)
    assert load_calendar().add_working_days(THURSDAY_NOON, 1).date() == FRIDAY


def test_a_calendar_cached_before_the_commit_is_dropped_after_it(
    community_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_day(FRIDAY, DayKind.HOLIDAY, "停电检修", by=community_worker)
        cache.set(CACHE_KEY, ([], []))  # another request read the old rows meanwhile
    assert cache.get(CACHE_KEY) is None
    assert not load_calendar().is_working_day(FRIDAY)


def test_a_deadline_in_a_year_nobody_has_entered_counts_weekdays_and_warns_once(
    db, caplog, monkeypatch
):
    monkeypatch.setattr(calendar_module, "_warned_years", set())
    friday = datetime(2027, 2, 5, 10, tzinfo=SHANGHAI)  # the eve of the 2027 Spring Festival
    with caplog.at_level(logging.WARNING, logger=calendar_module.__name__):
        assert load_calendar().add_working_days(friday, 1).date() == date(2027, 2, 8)
        assert load_calendar().add_working_days(friday, 5).date() == date(2027, 2, 12)
    (warning,) = [r for r in caplog.records if r.name == calendar_module.__name__]
    assert warning.levelname == "WARNING" and "2027" in warning.getMessage()
