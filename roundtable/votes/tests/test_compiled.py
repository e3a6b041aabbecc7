"""The ballot path's reads in plain SQL: the same rows, values and types as the ORM's."""

import pytest

from roundtable.votes import actions, compiled
from roundtable.votes.models import Ballot, Poll, Voter

from .conftest import make_poll


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_poll_reads_as_the_orm_reads_it_with_each_field_converted(poll, resident):
    Poll.objects.filter(pk=poll.pk).update(result={"cast": 1}, electorate_area="123.45")
    seen, _mine = compiled.voter_rows(poll.pk, resident.pk)
    held = compiled.held_poll(poll.pk)
    expected = _fields(Poll.objects.get(pk=poll.pk))
    assert _fields(seen) == expected == _fields(held)
    assert seen.result == {"cast": 1} and not seen._state.adding and not held._state.adding


def test_voters_see_no_draft(draft, resident):
    assert compiled.voter_rows(draft.pk, resident.pk) == (None, [])
    assert compiled.voter_rows(-1, resident.pk) == (None, [])
    assert compiled.held_poll(draft.pk) is not None  # the action itself refuses a draft's ballots


def test_someone_outside_the_electorate_sees_the_poll_and_no_rows(poll, outsider):
    seen, mine = compiled.voter_rows(poll.pk, outsider.pk)
    assert seen.pk == poll.pk and mine == []


def test_a_voters_rows_and_ballots_are_theirs_alone(poll, resident, neighbour):
    _poll, [(voter, ballot)] = compiled.voter_rows(poll.pk, resident.pk)
    assert _fields(voter) == _fields(Voter.objects.get(poll=poll, user=resident))
    assert ballot is None
    actions.cast_ballot(poll, by=neighbour, choice="no")
    assert compiled.voter_rows(poll.pk, resident.pk)[1] == [(voter, None)]
    actions.cast_ballot(poll, by=resident, choice="yes")
    _poll, [(voter, ballot)] = compiled.voter_rows(poll.pk, resident.pk)
    assert _fields(ballot) == _fields(Ballot.objects.get(voter=voter))
    assert ballot.choice == "yes" and voter.home_ids == Voter.objects.get(pk=voter.pk).home_ids


def test_a_poll_gone_is_no_poll_to_hold(db):
    with pytest.raises(Poll.DoesNotExist):
        compiled.held_poll(-1)


def test_a_page_reads_the_poll_with_its_places_as_select_related_does(
    poll, officer, community, django_assert_num_queries
):
    for shown in (poll, make_poll(officer, community)):
        expected = Poll.objects.select_related("community", "compound", "building__compound").get(
            pk=shown.pk
        )
        with django_assert_num_queries(1):
            found = compiled.poll_with_places(shown.pk)
            names = f"{found.community.name} {found.scope}"  # no query when the page asks
        assert names == f"{expected.community.name} {expected.scope}"
        assert _fields(found) == _fields(expected)
        assert _fields(found.community) == _fields(expected.community)
        for place in ("compound", "building"):
            mine, theirs = getattr(found, place), getattr(expected, place)
            assert (mine and _fields(mine)) == (theirs and _fields(theirs))
        if expected.building:
            assert _fields(found.building.compound) == _fields(expected.building.compound)
    assert compiled.poll_with_places(-1) is None
