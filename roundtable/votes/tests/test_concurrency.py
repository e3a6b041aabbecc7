"""Simultaneous attempts on PostgreSQL: the unique constraints keep exactly one ballot."""

import threading

import pytest
from django.db import connection, connections

from roundtable.votes import actions
from roundtable.votes.models import Ballot, Conflict

from .conftest import make_poll

ATTEMPTS = 50


def _at_once(count, attempt):
    """Run `attempt(i)` in `count` threads released together; the outcomes, by kind."""
    outcomes, barrier = [], threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            attempt(i)
            outcomes.append("stored")
        except actions.BallotRefused as refused:
            outcomes.append(refused.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.fixture
def _postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_ballots_by_one_voter_store_exactly_one(
    _postgres, community_worker, building, resident, neighbour
):
    poll = actions.open_poll(make_poll(community_worker, building), by=community_worker)
    outcomes = _at_once(
        ATTEMPTS,
        lambda i: actions.cast_ballot(poll, by=resident, choice="yes" if i % 2 else "no"),
    )
    assert outcomes == ["already_voted"] * (ATTEMPTS - 1) + ["stored"]
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert not Conflict.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_online_and_paper_at_once_store_one_and_list_the_other_as_a_conflict(
    _postgres, community_worker, building, resident, neighbour
):
    poll = actions.open_poll(make_poll(community_worker, building), by=community_worker)
    actions.issue_ballot_sheets(poll, by=community_worker)
    serial = poll.sheets.get(voter__user=resident).serial

    def attempt(i):
        if i % 2:
            actions.cast_ballot(poll, by=resident, choice="yes")
        else:
            actions.enter_paper_ballot(poll, serial=serial, choice="no", by=community_worker)

    outcomes = _at_once(20, attempt)
    assert outcomes.count("stored") == 1
    assert Ballot.objects.filter(poll=poll).count() == 1
    stored = Ballot.objects.get().channel
    # Attempts on the other channel are conflicts; repeats on the same one are plain refusals.
    assert Conflict.objects.count() == outcomes.count("conflict") == 10
    assert Conflict.objects.exclude(channel=stored).count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_ballot_racing_the_close_is_either_counted_or_refused(
    _postgres, community_worker, building, resident, neighbour
):
    poll = actions.open_poll(make_poll(community_worker, building), by=community_worker)

    def attempt(i):
        if i == 0:
            actions.close_poll(poll, by=community_worker, reason="提前结束")
        else:
            actions.cast_ballot(poll, by=resident, choice="yes")

    _at_once(2, attempt)
    poll.refresh_from_db()
    assert poll.result["cast"]["votes"] == Ballot.objects.count()
