"""Who may do what to a poll: every officer action × role, allowed or refused (and then nothing
changes). The poll is held in J5 1栋, inside 第三网格."""

import pytest
from django.core.exceptions import PermissionDenied

from roundtable.audit.models import Event
from roundtable.votes import actions
from roundtable.votes.models import Ballot, BallotSheet, Conflict, HandsCount, Poll

from .conftest import make_poll

RUN, ENTER = "run_poll", "enter_ballots"
NEEDS = {
    "create": RUN,
    "update": RUN,
    "open": RUN,
    "issue_sheets": RUN,
    "close": RUN,
    "resolve_conflict": RUN,
    "enter_paper": ENTER,
    "enter_hands": ENTER,
}
# One role per row: what it holds over J5 1栋.
HOLDS = {
    "community_worker": {RUN, ENTER},  # community worker of the community
    "committee_member": {RUN, ENTER},  # owners' committee member of J5
    "building_leader": {RUN, ENTER},  # building leader of 1栋
    "grid_worker": {ENTER},  # grid worker of the grid holding 1栋
    "property_staff": set(),  # property staff of J5
    "resident": set(),  # 孙阿姨, a voter, no role
    "outsider": set(),
    "other_worker": set(),  # community worker elsewhere
}


def _prepared(action, community_worker, building, resident):
    """The object `action` is tried on, brought to the state where only permission decides."""
    meeting = {"secret": False, "meeting_id": 7} if action == "enter_hands" else {}
    draft = make_poll(community_worker, building, **meeting)
    if action in ("create", "update", "open"):
        return draft
    poll = actions.open_poll(draft, by=community_worker)
    if action in ("enter_paper", "resolve_conflict"):
        actions.issue_ballot_sheets(poll, by=community_worker)
    if action == "resolve_conflict":
        actions.cast_ballot(poll, by=resident, choice="yes")
        serial = poll.sheets.get(voter__user=resident).serial
        with pytest.raises(actions.BallotRefused):
            actions.enter_paper_ballot(poll, serial=serial, choice="no", by=community_worker)
        return Conflict.objects.get()
    return poll


def _attempt(action, target, user, building):
    if action == "create":
        return make_poll(user, building)
    if action == "update":
        return actions.update_poll(target, by=user, question="改一下？")
    if action == "open":
        return actions.open_poll(target, by=user)
    if action == "issue_sheets":
        return actions.issue_ballot_sheets(target, by=user)
    if action == "close":
        return actions.close_poll(target, by=user, reason="会上已表决")
    if action == "resolve_conflict":
        return actions.resolve_conflict(target, by=user, resolution="已核实，以网上投票为准")
    serial = target.sheets.order_by("serial").values_list("serial", flat=True).first()
    if action == "enter_paper":
        return actions.enter_paper_ballot(target, serial=serial, choice="yes", by=user)
    return actions.enter_hands_count(target, counts={"yes": 1, "no": 0}, by=user)


def _state():
    return (
        Event.objects.count(),
        sorted(Poll.objects.values_list("pk", "status", "question")),
        Ballot.objects.count(),
        BallotSheet.objects.count(),
        HandsCount.objects.count(),
        sorted(Conflict.objects.values_list("pk", "resolution")),
    )


@pytest.mark.parametrize("action", sorted(NEEDS))
@pytest.mark.parametrize("persona", sorted(HOLDS))
def test_officer_actions_by_role(
    request, persona, action, community_worker, building, resident, neighbour, grid
):
    user = request.getfixturevalue(persona)
    target = _prepared(action, community_worker, building, resident)
    if NEEDS[action] in HOLDS[persona]:
        _attempt(action, target, user, building)
        return
    before = _state()
    with pytest.raises(PermissionDenied):
        _attempt(action, target, user, building)
    assert _state() == before


@pytest.mark.parametrize(
    "persona", ["community_worker", "grid_worker", "outsider", "property_staff"]
)
def test_only_voters_cast_ballots(request, persona, poll):
    user = request.getfixturevalue(persona)
    before = _state()
    with pytest.raises(actions.BallotRefused) as refused:
        actions.cast_ballot(poll, by=user, choice="yes")
    assert refused.value.code == "not_voter"
    assert _state() == before


def test_a_voter_casts_their_own_ballot(poll, resident):
    receipt = actions.cast_ballot(poll, by=resident, choice="yes")
    assert receipt.ballot.voter.user == resident


def test_an_anonymous_visitor_cannot_cast(poll):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(actions.BallotRefused):
        actions.cast_ballot(poll, by=AnonymousUser(), choice="yes")
    assert not Ballot.objects.exists()
