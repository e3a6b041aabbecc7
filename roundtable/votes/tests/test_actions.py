"""Poll actions called directly: the lifecycle, ballots on every channel and their refusals."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.audit.models import Event
from roundtable.people.models import ConstituencyGroup
from roundtable.people.tests.factories import ResidencyFactory
from roundtable.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    HomeFactory,
)
from roundtable.votes import actions
from roundtable.votes.actions import BallotRefused, InvalidTransition
from roundtable.votes.models import (
    Ballot,
    Channel,
    Conflict,
    ElectorateKind,
    HandsCount,
    Method,
    NonVoterPolicy,
    Rule,
    Status,
    receipt_hash,
)

from .conftest import make_poll, person

PLANS = [
    {"title": "A 方案：车棚建在北门"},
    {"title": "B 方案：车棚建在东侧", "estimated_cost": "98000.00"},
]


def _refused(code, action, *args, **kwargs):
    with pytest.raises(BallotRefused) as refused:
        action(*args, **kwargs)
    assert refused.value.code == code, refused.value.messages
    return refused.value


def _sheet(poll, user):
    return poll.sheets.get(voter__user=user).serial


# The poll itself


def test_creating_a_poll_makes_an_audited_draft_with_its_options(community_worker, building):
    poll = make_poll(community_worker, building, method=Method.SINGLE, options=PLANS)
    assert poll.status == Status.DRAFT
    assert poll.created_by == community_worker
    assert list(poll.options.values_list("title", flat=True)) == [p["title"] for p in PLANS]
    assert poll.options.last().estimated_cost == Decimal("98000.00")
    assert Event.objects.about(poll).get().action == "votes.poll_created"


@pytest.mark.parametrize(
    "fields",
    [
        {"non_voter_policy": NonVoterPolicy.FOLLOW_MAJORITY},  # no clause cited
        {"rule": Rule.ART278_SPECIAL},  # the residents' homes are not the owners
        {"rule": Rule.CUSTOM},  # no threshold
        {"rule": Rule.CUSTOM, "threshold": "3/2"},
        {"quorum": "2/3"},  # a quorum belongs to the custom rule
        {"method": Method.RANKED, "rule": Rule.VOTES_CAST_MAJORITY},
    ],
)
def test_a_poll_that_does_not_hold_together_is_refused(community_worker, building, fields):
    with pytest.raises(ValidationError):
        make_poll(community_worker, building, **fields)
    assert not Event.objects.filter(action="votes.poll_created").exists()


def test_a_poll_is_held_in_one_place_of_its_community(
    community_worker, community, compound, building
):
    elsewhere = BuildingFactory(compound=CompoundFactory(community=community, name="J6"))
    with pytest.raises(ValidationError):
        make_poll(community_worker, community, compound=compound, building=elsewhere)
    with pytest.raises(ValidationError):
        actions.create_poll(
            community=community,
            by=community_worker,
            question="?",
            method=Method.YES_NO,
            electorate_kind=ElectorateKind.GROUP_MEMBERS,
            rule=Rule.NONE,
            groups=[other_group()],
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=1),
        )


def other_group():
    return ConstituencyGroup.objects.create(community=CommunityFactory(), name="银龄")


def test_a_custom_rule_and_a_cited_policy_are_accepted(community_worker, building):
    poll = make_poll(
        community_worker,
        building,
        rule=Rule.CUSTOM,
        quorum="1/2",
        threshold="2/3",
        non_voter_policy=NonVoterPolicy.FOLLOW_MAJORITY,
        policy_clause="《管理规约》第十二条",
    )
    assert poll.threshold == "2/3"


def test_a_draft_can_be_changed_and_its_options_replaced(community_worker, draft):
    actions.update_poll(
        draft, by=community_worker, question="新问题？", method=Method.SINGLE, options=PLANS
    )
    draft.refresh_from_db()
    assert draft.question == "新问题？"
    assert draft.options.count() == 2


@pytest.mark.parametrize("status", [Status.OPEN, Status.CLOSED])
def test_an_open_or_closed_poll_cannot_be_edited(community_worker, poll, status):
    if status == Status.CLOSED:
        actions.close_poll(poll, by=community_worker, reason="提前结束")
    with pytest.raises(InvalidTransition):
        actions.update_poll(poll, by=community_worker, question="改一下？")
    poll.refresh_from_db()
    assert poll.question == "是否同意更换游乐场地胶？"


def test_a_poll_opens_once(community_worker, poll):
    assert poll.status == Status.OPEN and poll.opened_at is not None
    assert poll.voters.count() == 2
    with pytest.raises(InvalidTransition):
        actions.open_poll(poll, by=community_worker)
    assert poll.voters.count() == 2


def test_a_poll_past_its_closing_time_does_not_open(community_worker, draft):
    with time_machine.travel(draft.closes_at + timedelta(minutes=1)):
        with pytest.raises(ValidationError):
            actions.open_poll(draft, by=community_worker)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_choice_poll_needs_two_options_to_open(community_worker, building, resident):
    poll = make_poll(community_worker, building, method=Method.SINGLE, options=PLANS[:1])
    with pytest.raises(ValidationError):
        actions.open_poll(poll, by=community_worker)


# Online ballots


def test_receipt_codes_are_twelve_letters_drawn_evenly_from_the_unambiguous_alphabet():
    from roundtable.votes.ballots import RECEIPT_ALPHABET, new_receipt_code

    assert 256 % len(RECEIPT_ALPHABET) == 0  # a random byte picks a letter without bias
    codes = {new_receipt_code() for _n in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 14 and c[4] == c[9] == "-" for c in codes)
    assert set("".join(codes).replace("-", "")) == set(RECEIPT_ALPHABET)


def test_a_ballot_gets_a_receipt_whose_hash_alone_is_stored(poll, resident):
    receipt = actions.cast_ballot(poll, by=resident, choice="yes")
    ballot = Ballot.objects.get()
    assert ballot.receipt_hash == receipt_hash(poll.pk, receipt.code)
    assert receipt.code not in str(Ballot.objects.values().get())
    assert receipt_hash(poll.pk, receipt.code.lower().replace("-", " ")) == ballot.receipt_hash
    event = Event.objects.get(action="votes.ballot_cast")
    assert event.details["receipt_hash"] == ballot.receipt_hash
    assert "yes" not in str(event.details)  # the choice is never in the log
    assert event.actor_role == "voter"


def test_choices_are_stored_normalised(community_worker, building, resident, neighbour):
    poll = make_poll(
        community_worker, building, method=Method.MULTIPLE, max_choices=2, options=PLANS
    )
    actions.open_poll(poll, by=community_worker)
    first, second = poll.options.values_list("pk", flat=True)
    actions.cast_ballot(poll, by=resident, choice=[str(second), first])
    assert Ballot.objects.get().choice == sorted([first, second], key=str)


def test_a_second_online_ballot_is_refused(poll, resident):
    actions.cast_ballot(poll, by=resident, choice="yes")
    _refused("already_voted", actions.cast_ballot, poll, by=resident, choice="no")
    assert Ballot.objects.get().choice == "yes"
    assert not Conflict.objects.exists()


@pytest.mark.parametrize(
    ("moment", "code"),
    [(lambda p: p.opens_at - timedelta(seconds=1), "not_open"), (lambda p: p.closes_at, "closed")],
)
def test_ballots_outside_the_window_are_refused(poll, resident, moment, code):
    with time_machine.travel(moment(poll), tick=False):
        error = _refused(code, actions.cast_ballot, poll, by=resident, choice="yes")
    assert error.messages
    assert not Ballot.objects.exists()


def test_a_draft_or_closed_poll_takes_no_ballot(community_worker, draft, resident):
    _refused("not_open", actions.cast_ballot, draft, by=resident, choice="yes")
    actions.open_poll(draft, by=community_worker)
    actions.close_poll(draft, by=community_worker, reason="会议改期")
    _refused("closed", actions.cast_ballot, draft, by=resident, choice="yes")
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("choice", ["maybe", "", None, ["yes"], 3])
def test_an_invalid_choice_is_refused_with_a_message(poll, resident, choice):
    error = _refused("invalid_choice", actions.cast_ballot, poll, by=resident, choice=choice)
    assert error.messages[0]
    assert not Ballot.objects.exists()
    assert not Event.objects.filter(action__startswith="votes.ballot").exists()


def test_too_many_options_are_refused(community_worker, building, resident):
    plans = [*PLANS, {"title": "C 方案"}]
    poll = make_poll(
        community_worker, building, method=Method.MULTIPLE, max_choices=2, options=plans
    )
    actions.open_poll(poll, by=community_worker)
    error = _refused(
        "invalid_choice",
        actions.cast_ballot,
        poll,
        by=resident,
        choice=list(poll.options.values_list("pk", flat=True)),
    )
    assert "2" in error.messages[0]


def test_a_vote_can_be_changed_where_the_poll_allows_it(
    community_worker, building, resident, neighbour
):
    poll = actions.open_poll(
        make_poll(community_worker, building, changeable=True), by=community_worker
    )
    receipt = actions.cast_ballot(poll, by=resident, choice="yes")
    actions.change_ballot(poll, by=resident, choice="no")
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.receipt_hash) == ("no", receipt.ballot.receipt_hash)
    assert ballot.changed_at is not None
    assert Event.objects.filter(action="votes.ballot_changed").count() == 1
    actions.close_poll(poll, by=community_worker, reason="提前结束")
    _refused("closed", actions.change_ballot, poll, by=resident, choice="yes")


def test_a_vote_cannot_be_changed_where_the_poll_forbids_it(poll, resident):
    actions.cast_ballot(poll, by=resident, choice="yes")
    _refused("not_changeable", actions.change_ballot, poll, by=resident, choice="no")
    assert Ballot.objects.get().choice == "yes"


def test_a_voter_for_two_homes_chooses_which(community_worker, building, resident, home):
    ResidencyFactory(user=resident, home=HomeFactory(unit=home.unit, room="302"))
    poll = actions.open_poll(make_poll(community_worker, building), by=community_worker)
    _refused("choose_voter", actions.cast_ballot, poll, by=resident, choice="yes")
    for voter in poll.voters.filter(user=resident):
        actions.cast_ballot(poll, by=resident, choice="yes", voter=voter)
    assert Ballot.objects.count() == 2


# Paper ballots


def test_sheets_are_issued_once_per_voter_with_a_receipt_on_the_stub(community_worker, poll):
    issued = actions.issue_ballot_sheets(poll, by=community_worker)
    assert len(issued) == 2
    sheet, code = issued[0]
    assert sheet.receipt_hash == receipt_hash(poll.pk, code)
    assert sheet.qr_payload == f"RT-BALLOT:{poll.pk}:{sheet.serial}"
    assert actions.issue_ballot_sheets(poll, by=community_worker) == []


def test_a_paper_ballot_is_entered_from_its_sheet(community_worker, grid_worker, poll, resident):
    issued = dict(
        (sheet.voter.user_id, code)
        for sheet, code in actions.issue_ballot_sheets(poll, by=community_worker)
    )
    serial = _sheet(poll, resident)
    ballot = actions.enter_paper_ballot(
        poll, serial=f" {serial.lower()} ", choice="no", by=grid_worker
    )
    assert (ballot.channel, ballot.paper_serial, ballot.entered_by) == (
        "paper",
        serial,
        grid_worker,
    )
    assert ballot.receipt_hash == receipt_hash(poll.pk, issued[resident.pk])
    event = Event.objects.get(action="votes.paper_ballot_entered")
    assert event.actor_role == "grid_worker"


def test_entering_the_same_serial_twice_is_refused(community_worker, poll, resident):
    actions.issue_ballot_sheets(poll, by=community_worker)
    serial = _sheet(poll, resident)
    actions.enter_paper_ballot(poll, serial=serial, choice="yes", by=community_worker)
    _refused(
        "serial_repeated",
        actions.enter_paper_ballot,
        poll,
        serial=serial,
        choice="no",
        by=community_worker,
    )
    assert Ballot.objects.get().choice == "yes"
    assert Event.objects.filter(action="votes.serial_repeated").count() == 1
    assert not Conflict.objects.exists()


def test_an_unknown_serial_is_refused(community_worker, poll):
    _refused(
        "unknown_serial",
        actions.enter_paper_ballot,
        poll,
        serial="9-99999",
        choice="yes",
        by=community_worker,
    )


def test_a_paper_ballot_after_an_online_one_is_a_conflict_never_counted(
    community_worker, poll, resident
):
    actions.issue_ballot_sheets(poll, by=community_worker)
    actions.cast_ballot(poll, by=resident, choice="yes")
    error = _refused(
        "conflict",
        actions.enter_paper_ballot,
        poll,
        serial=_sheet(poll, resident),
        choice="no",
        by=community_worker,
    )
    assert "核查" in error.messages[0]  # the officers will look into it (zh-hans, the default)
    ballot = Ballot.objects.get()
    assert (ballot.channel, ballot.choice) == (Channel.ONLINE, "yes")
    conflict = Conflict.objects.get()
    assert (conflict.channel, conflict.voter.user, conflict.attempted_by) == (
        "paper",
        resident,
        community_worker,
    )
    assert conflict.paper_serial == _sheet(poll, resident)
    assert Event.objects.filter(action="votes.conflict_found").count() == 1


def test_an_online_ballot_after_a_paper_one_is_a_conflict(community_worker, poll, resident):
    actions.issue_ballot_sheets(poll, by=community_worker)
    actions.enter_paper_ballot(
        poll, serial=_sheet(poll, resident), choice="no", by=community_worker
    )
    _refused("conflict", actions.cast_ballot, poll, by=resident, choice="yes")
    assert Ballot.objects.get().choice == "no"
    assert Conflict.objects.get().channel == Channel.ONLINE


def test_paper_sheets_may_be_entered_after_closing_time_until_the_poll_closes(
    community_worker, poll, resident
):
    actions.issue_ballot_sheets(poll, by=community_worker)
    with time_machine.travel(poll.closes_at + timedelta(hours=2)):
        actions.enter_paper_ballot(
            poll, serial=_sheet(poll, resident), choice="yes", by=community_worker
        )
        actions.close_poll(poll, by=community_worker)
        serial = poll.sheets.exclude(voter__user=resident).get().serial
        _refused(
            "closed",
            actions.enter_paper_ballot,
            poll,
            serial=serial,
            choice="yes",
            by=community_worker,
        )
    assert Ballot.objects.count() == 1


def test_a_conflict_is_resolved_once_with_a_note(community_worker, poll, resident):
    actions.issue_ballot_sheets(poll, by=community_worker)
    actions.cast_ballot(poll, by=resident, choice="yes")
    with pytest.raises(BallotRefused):
        actions.enter_paper_ballot(
            poll, serial=_sheet(poll, resident), choice="no", by=community_worker
        )
    conflict = Conflict.objects.get()
    with pytest.raises(ValidationError):
        actions.resolve_conflict(conflict, by=community_worker, resolution="  ")
    actions.resolve_conflict(conflict, by=community_worker, resolution="本人确认网上投票有效")
    conflict.refresh_from_db()
    assert conflict.resolved and conflict.resolved_by == community_worker
    with pytest.raises(ValidationError):
        actions.resolve_conflict(conflict, by=community_worker, resolution="再次")
    assert Conflict.objects.unresolved().count() == 0


# Show of hands


@pytest.fixture
def meeting_poll(community_worker, community):
    draft = make_poll(
        community_worker,
        community,
        secret=False,
        electorate_kind=ElectorateKind.ATTENDEES,
        meeting_id=3,
    )
    attendees = [person() for _i in range(5)]
    return actions.open_poll(draft, by=community_worker, attendees=attendees)


def test_show_of_hands_totals_are_entered_and_may_be_corrected(community_worker, meeting_poll):
    actions.enter_hands_count(meeting_poll, counts={"yes": 3, "no": 1}, by=community_worker)
    actions.enter_hands_count(meeting_poll, counts={"yes": 4, "no": 1}, by=community_worker)
    assert dict(HandsCount.objects.values_list("answer", "count")) == {"yes": 4, "no": 1}
    assert Event.objects.filter(action="votes.hands_entered").count() == 2


def test_more_hands_than_voters_are_refused(community_worker, meeting_poll):
    _refused(
        "too_many_hands",
        actions.enter_hands_count,
        meeting_poll,
        counts={"yes": 5, "no": 1},
        by=community_worker,
    )
    _refused(
        "invalid_count",
        actions.enter_hands_count,
        meeting_poll,
        counts={"yes": -1},
        by=community_worker,
    )
    _refused(
        "invalid_choice",
        actions.enter_hands_count,
        meeting_poll,
        counts={"perhaps": 1},
        by=community_worker,
    )
    assert not HandsCount.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"secret": True, "meeting_id": 3},  # a secret ballot is not a show of hands
        {"secret": False},  # not held at a meeting
        {"secret": False, "meeting_id": 3, "electorate_kind": ElectorateKind.OWNERS_ART278},
    ],
)
def test_hands_are_refused_for_secret_weighted_or_non_meeting_polls(
    community_worker, building, resident, fields
):
    poll = actions.open_poll(make_poll(community_worker, building, **fields), by=community_worker)
    _refused(
        "hands_not_allowed", actions.enter_hands_count, poll, counts={"yes": 1}, by=community_worker
    )


def test_hands_and_individual_ballots_never_mix(community_worker, community):
    people = [person(), person()]
    draft = make_poll(
        community_worker,
        community,
        secret=False,
        electorate_kind=ElectorateKind.ATTENDEES,
        meeting_id=3,
    )
    poll = actions.open_poll(draft, by=community_worker, attendees=people)
    actions.cast_ballot(poll, by=people[0], choice="yes")
    _refused(
        "mixed_channels", actions.enter_hands_count, poll, counts={"yes": 1}, by=community_worker
    )
    Ballot.objects.all().delete()
    actions.enter_hands_count(poll, counts={"yes": 1}, by=community_worker)
    _refused("mixed_channels", actions.cast_ballot, poll, by=people[1], choice="yes")


# Closing


def test_an_officer_closing_early_must_say_why(community_worker, poll):
    with pytest.raises(ValidationError):
        actions.close_poll(poll, by=community_worker)
    assert Status(poll.status) == Status.OPEN
    actions.close_poll(poll, by=community_worker, reason="会上已表决完毕")
    poll.refresh_from_db()
    assert (poll.status, poll.close_reason) == (Status.CLOSED, "会上已表决完毕")


def test_the_scheduled_close_waits_for_closing_time(poll):
    with pytest.raises(InvalidTransition):
        actions.close_poll(poll, by=None)
    with time_machine.travel(poll.closes_at):
        actions.close_poll(poll, by=None)
    assert poll.status == Status.CLOSED and poll.close_reason == ""
    assert Event.objects.get(action="votes.poll_closed").actor_role == "system"


def test_a_closed_poll_stays_closed(community_worker, poll):
    actions.close_poll(poll, by=community_worker, reason="提前")
    with pytest.raises(InvalidTransition):
        actions.close_poll(poll, by=community_worker, reason="再关一次")
    with pytest.raises(InvalidTransition):
        actions.issue_ballot_sheets(poll, by=community_worker)


def test_closing_stores_the_result_and_logs_the_published_files(
    community_worker, poll, resident, neighbour
):
    actions.cast_ballot(poll, by=resident, choice="yes")
    actions.cast_ballot(poll, by=neighbour, choice="no")
    actions.close_poll(poll, by=community_worker, reason="全部投完")
    poll.refresh_from_db()
    assert poll.result["options"]["yes"]["votes"] == 1
    assert poll.result["cast"]["heads"] == 2
    details = Event.objects.get(action="votes.poll_closed").details
    assert details["ballots"] == 2 and len(details["ballot_file_sha256"]) == 64


def test_timestamps_are_set_as_the_poll_moves(community_worker, draft):
    assert draft.opened_at is None
    actions.open_poll(draft, by=community_worker)
    actions.close_poll(draft, by=community_worker, reason="测试")
    assert draft.opened_at <= draft.closed_at <= timezone.now()
