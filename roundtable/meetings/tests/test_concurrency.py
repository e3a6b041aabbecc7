"""Many people at once (PostgreSQL): capacity holds, and a person checks in once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, Meeting, Registration
from roundtable.meetings.models import RegistrationStatus as Reg

from .conftest import START, people
from .open_meeting import open_to_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent transactions")


@pytest.fixture
def meeting(meeting):
    """The round table, open to everyone: the people registering here live nowhere in it."""
    return open_to_all(meeting)


def _at_once(work, arguments):
    """Run `work(argument)` in one thread per argument, all released together."""
    barrier, results, errors = threading.Barrier(len(arguments)), [], []

    def run(argument):
        try:
            barrier.wait()
            results.append(work(argument))
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_registrations_at_once_never_exceed_the_capacity(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, capacity=5)
    crowd = people(20)

    def sign_up(user):
        return actions.register(Meeting.objects.get(pk=meeting.pk), by=user).status

    statuses = _at_once(sign_up, crowd)
    assert statuses.count(Reg.REGISTERED) == 5 and statuses.count(Reg.WAITLISTED) == 15
    rows = Registration.objects.filter(meeting=meeting)
    assert rows.filter(status=Reg.REGISTERED).count() == 5
    assert sorted(rows.values_list("position", flat=True)) == list(range(1, 21))


def test_cancelling_and_registering_at_once_keep_the_capacity(meeting, community_worker):
    actions.update_meeting(meeting, by=community_worker, capacity=3)
    first, *others = people(10)
    mine = actions.register(meeting, by=first)
    for user in others[:4]:
        actions.register(meeting, by=user)

    def act(user):
        fresh = Meeting.objects.get(pk=meeting.pk)
        if user == first:
            return actions.cancel_registration(Registration.objects.get(pk=mine.pk), by=user)
        return actions.register(fresh, by=user)

    _at_once(act, [first, *others[4:]])
    registered = Registration.objects.filter(meeting=meeting, status=Reg.REGISTERED)
    assert registered.count() == 3


def test_the_same_person_checking_in_at_once_counts_once(meeting, resident, volunteer, clock):
    clock.move_to(START - timedelta(minutes=5))

    def scan(_n):
        fresh = Meeting.objects.get(pk=meeting.pk)
        return actions.check_in(fresh, by=resident, token=fresh.check_in_token)[1]

    created = _at_once(scan, list(range(8)))
    assert created.count(True) == 1
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_the_same_walk_in_number_checked_in_at_once_counts_once(meeting, volunteer, clock):
    clock.move_to(START)

    def staff(_n):
        fresh = Meeting.objects.get(pk=meeting.pk)
        return actions.check_in(fresh, by=volunteer, name="张大爷", phone="13600000001")[1]

    created = _at_once(staff, list(range(8)))
    assert created.count(True) == 1
    assert Attendance.objects.filter(meeting=meeting).count() == 1
