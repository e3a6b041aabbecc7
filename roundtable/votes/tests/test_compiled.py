"""The ballot path's reads compiled once: the same rows, values and types as the ORM's."""

from roundtable.votes import actions, compiled
from roundtable.votes.models import Ballot, Poll, Voter


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_poll_reads_as_the_orm_reads_it_with_each_field_converted(poll, officer):
    Poll.objects.filter(pk=poll.pk).update(result={"cast": 1}, electorate_area="123.45")
    (visible,) = compiled.visible_poll(poll.pk)
    (held,) = compiled.held_poll(poll.pk)
    expected = _fields(Poll.objects.get(pk=poll.pk))
    assert _fields(visible) == expected == _fields(held)
    assert visible.result == {"cast": 1} and not visible._state.adding


def test_voters_see_no_draft(draft):
    assert compiled.visible_poll(draft.pk) == []
    assert compiled.held_poll(draft.pk) != []  # the action itself refuses a draft's ballots


def test_a_voters_rows_and_ballot_are_theirs_alone(poll, resident, neighbour):
    (mine,) = compiled.voters_of(poll.pk, resident.pk)
    assert _fields(mine) == _fields(Voter.objects.get(poll=poll, user=resident))
    assert compiled.ballot_of(poll.pk, mine.pk) == []
    actions.cast_ballot(poll, by=neighbour, choice="no")
    assert compiled.ballot_of(poll.pk, mine.pk) == []
    actions.cast_ballot(poll, by=resident, choice="yes")
    (ballot,) = compiled.ballot_of(poll.pk, mine.pk)
    assert _fields(ballot) == _fields(Ballot.objects.get(voter=mine))
    assert ballot.choice == "yes"
