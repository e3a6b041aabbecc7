"""An open secret poll's running figures move in steps of MIN_BALLOTS ballots: what changes
between two views of the live page never stands for one voter. An open (named) poll's move with
every ballot."""

import pytest
from django.urls import reverse

from roundtable.people.models import Relation
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.votes import actions, results
from roundtable.votes.models import Visibility
from roundtable.votes.rules.disclosure import MIN_BALLOTS

from .conftest import make_poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def voters(building):
    """Twelve residents of twelve homes of 1栋 4单元."""
    unit, people = UnitFactory(building=building, name="4单元"), []
    for i in range(12):
        person = UserFactory(phone=f"1390000{i + 100:04d}", name=f"居民{i}")
        home = HomeFactory(unit=unit, room=f"{i + 401}")
        ResidencyFactory(user=person, home=home, relation=Relation.OWNER)
        people.append(person)
    return people


def _poll(community_worker, building, *, secret):
    poll = make_poll(community_worker, building, visibility=Visibility.EVERYTHING, secret=secret)
    return actions.open_poll(poll, by=community_worker)


def _shown(poll):
    now = results.shown_now(poll)
    yes = now["result"]["options"].get("yes", {"votes": 0})
    return now["turnout"]["heads"], yes["votes"]


def test_a_secret_polls_running_figures_wait_for_each_fifth_ballot(
    community_worker, building, voters
):
    poll = _poll(community_worker, building, secret=True)
    seen = []
    for person in voters:
        actions.cast_ballot(poll, by=person, choice="yes")
        seen.append(_shown(poll))
    assert [heads for heads, _ in seen] == [0] * 4 + [5] * 5 + [10] * 3
    assert all(heads == yes for heads, yes in seen)
    assert MIN_BALLOTS == 5


def test_an_open_polls_running_figures_count_every_ballot(community_worker, building, voters):
    poll = _poll(community_worker, building, secret=False)
    for n, person in enumerate(voters[:3], start=1):
        actions.cast_ballot(poll, by=person, choice="yes")
        assert _shown(poll) == (n, n)


def test_the_live_page_says_a_secret_poll_moves_in_steps(
    client, community_worker, building, voters
):
    poll = _poll(community_worker, building, secret=True)
    url = reverse("votes:live", args=[poll.community.code, poll.pk])
    assert "每 5 张选票更新一次" in client.get(url).content.decode()
