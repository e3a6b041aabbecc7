"""Simultaneous submissions on PostgreSQL: distinct references, exact summary, intact chain."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from roundtable.audit.log import seal, verify_chain
from roundtable.people.models import Relation
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.suggestions import intake
from roundtable.suggestions.models import Channel, Suggestion

from .test_summaries import recounted, summary

SUBMISSIONS = 20


def _at_once(count, attempt):
    """Run `attempt(i)` in `count` threads released together; the errors raised, if any."""
    errors, barrier = [], threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            attempt(i)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_get_consecutive_references_and_keep_the_chain(community, home):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")
    residents = [UserFactory() for _ in range(SUBMISSIONS)]
    for resident in residents:
        ResidencyFactory(user=resident, home=home, relation=Relation.FAMILY)

    def submit(i):
        intake.submit_suggestion(
            community=community,
            text=f"{i + 1}号楼楼道灯坏了，晚上很暗。",
            channel=Channel.ONLINE,
            by=residents[i],
            submitter=residents[i],
            home=home,
        )

    assert _at_once(SUBMISSIONS, submit) == []
    year = timezone.localtime().year
    references = sorted(Suggestion.objects.values_list("reference", flat=True))
    assert references == [f"LF-{year}-{n:06d}" for n in range(1, SUBMISSIONS + 1)]
    assert seal() >= SUBMISSIONS  # written at once, chained after by the seal
    count, problems = verify_chain()
    assert problems == [] and count >= SUBMISSIONS
    assert summary(community) == recounted(community)
