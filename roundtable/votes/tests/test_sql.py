"""The votes app's plain SQL (sql.py) gives what the equivalent ORM query gives."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from roundtable.votes import sql
from roundtable.votes.models import Poll

from .conftest import make_poll


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.django_db
def test_a_held_poll_reads_as_the_orm_reads_it_with_each_field_converted(poll):
    Poll.objects.filter(pk=poll.pk).update(result={"cast": 1}, electorate_area="123.45")
    with transaction.atomic():
        held = sql.held_poll(poll.pk)
    assert _fields(held) == _fields(Poll.objects.get(pk=poll.pk))
    assert held.result == {"cast": 1} and not held._state.adding


@pytest.mark.django_db
def test_a_poll_gone_is_no_poll_to_hold(db):
    with pytest.raises(Poll.DoesNotExist), transaction.atomic():
        sql.held_poll(-1)


def _in_another_transaction(work):
    """What `work()` raises, or None, run in a thread with its own connection."""
    outcome = []

    def run():
        try:
            with transaction.atomic():
                work()
            outcome.append(None)
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_held_poll_can_be_held_by_other_ballots_but_not_closed(community_worker, building):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    poll = make_poll(community_worker, building)
    with transaction.atomic():
        sql.held_poll(poll.pk)
        assert _in_another_transaction(lambda: sql.held_poll(poll.pk)) is None
        locking = Poll.objects.select_for_update(nowait=True).filter(pk=poll.pk)
        assert isinstance(_in_another_transaction(lambda: list(locking)), OperationalError)
    assert _in_another_transaction(lambda: list(locking)) is None
