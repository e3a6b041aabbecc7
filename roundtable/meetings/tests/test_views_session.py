"""The page used during the meeting: opinions per item, the quorum, a live vote of attendees."""

from datetime import timedelta

import pytest

from roundtable.meetings import actions
from roundtable.meetings.models import Attendance, CheckInChannel, Opinion, Stance
from roundtable.people.actions import grant_role
from roundtable.people.models import Role
from roundtable.votes.models import ElectorateKind, Poll, Voter
from roundtable.votes.models import Status as PollStatus

from .conftest import DAY, START, people

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def in_session(meeting, community_worker, clock):
    actions.add_agenda_item(meeting, by=community_worker, title="电动车棚选址")
    clock.move_to(START + timedelta(minutes=10))
    return meeting


def _url(meeting):
    return f"/work/meetings/{meeting.pk}/session/"


def _opinion(item, stance="for", text="支持在东侧建设", speaker=""):
    return {"action": "opinion", "opinion-item": item.pk, "opinion-stance": stance,
            "opinion-text": text, "opinion-speaker_name": speaker}  # fmt: skip


def _poll(question="是否同意在J5东侧建设电动车棚？"):
    return {"action": "poll", "poll-question": question, "poll-minutes": "15",
            "poll-secret": "on"}  # fmt: skip


def test_opinions_are_recorded_named_or_anonymous(client, in_session, community_worker):
    item = in_session.agenda_items.get()
    client.force_login(community_worker)
    client.post(_url(in_session), _opinion(item, speaker="李传举"))
    client.post(_url(in_session), _opinion(item, stance="against", text="担心噪音"))
    named, anonymous = Opinion.objects.order_by("pk")
    assert named.speaker_name == "李传举" and named.stance == Stance.FOR
    assert anonymous.is_anonymous and anonymous.stance == Stance.AGAINST
    page = client.get(_url(in_session), **EN).content.decode()
    assert "李传举" in page and "anonymous" in page


def test_an_opinion_without_text_is_refused_at_its_item(client, in_session, community_worker):
    item = in_session.agenda_items.get()
    client.force_login(community_worker)
    response = client.post(_url(in_session), _opinion(item, text=""))
    assert response.status_code == 400 and "<details open>" in response.content.decode()
    assert not Opinion.objects.exists()


def test_a_live_vote_has_the_people_checked_in_as_its_electorate(
    client, in_session, community_worker, resident
):
    crowd = people(3)
    for person in [resident, *crowd]:
        actions.check_in(in_session, by=person, token=in_session.check_in_token)
    client.force_login(community_worker)
    response = client.post(_url(in_session), _poll())
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert poll.status == PollStatus.OPEN and poll.meeting_id == in_session.pk
    assert poll.electorate_kind == ElectorateKind.ATTENDEES
    voters = set(Voter.objects.filter(poll=poll).values_list("user_id", flat=True))
    assert voters == {resident.pk, *(p.pk for p in crowd)}
    page = client.get(_url(in_session)).content.decode()
    assert f"/c/lf/polls/{poll.pk}/live/" in page
    resident_page = client.get(f"/c/lf/meetings/{in_session.pk}/").content.decode()
    assert f"/polls/{poll.pk}/" in resident_page


def test_a_live_vote_with_nobody_checked_in_is_refused_and_leaves_no_poll(
    client, in_session, community_worker
):
    client.force_login(community_worker)
    response = client.post(_url(in_session), _poll(), **EN)
    assert response.status_code == 400
    assert "electorate is empty" in response.content.decode()
    assert not Poll.objects.exists()


def test_an_organiser_who_may_not_run_polls_gets_no_vote_form(
    client, community, party_secretary, station, resident, clock
):
    session = actions.schedule_meeting(
        community, by=party_secretary, kind="station_session", title="J5议站", day=DAY,
        station=station,
    )  # fmt: skip
    clock.move_to(START)
    actions.check_in(session, by=resident, token=session.check_in_token)
    client.force_login(party_secretary)
    page = client.get(_url(session), **EN).content.decode()
    assert "Open the vote" not in page and "Votes are started by staff" in page
    client.post(_url(session), _poll())
    assert not Poll.objects.exists()


def test_the_quorum_of_a_round_table_counts_the_invited_members(
    client, in_session, community_worker, community
):
    members = people(3)
    for person in members:
        grant_role(person, Role.RESIDENT_REPRESENTATIVE, community, by=None)
    actions.update_meeting(
        in_session, by=community_worker, invited_roles=["resident_representative"]
    )
    actions.check_in(in_session, by=members[0], token=in_session.check_in_token)
    client.force_login(community_worker)
    page = client.get(_url(in_session), **EN).content.decode()
    assert "Present 1 of 3; at least 2 needed." in page and "1 more person needed" in page
    actions.check_in(in_session, by=members[1], token=in_session.check_in_token)
    assert "Quorum met" in client.get(_url(in_session), **EN).content.decode()


@pytest.mark.parametrize("persona", ["resident", "volunteer", "property_staff"])
def test_others_cannot_record_or_start_votes(client, request, persona, in_session):
    item = in_session.agenda_items.get()
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(in_session), _opinion(item)).status_code == 403
    assert client.post(_url(in_session), _poll()).status_code == 403
    assert not Opinion.objects.exists() and not Poll.objects.exists()


def test_the_page_with_300_present_and_20_items_has_a_fixed_number_of_queries(
    client, in_session, community_worker, django_assert_max_num_queries
):
    for n in range(19):
        actions.add_agenda_item(in_session, by=community_worker, title=f"议题{n}")
    for item in in_session.agenda_items.all():
        Opinion.objects.create(agenda_item=item, stance=Stance.FOR, text="同意")
    Attendance.objects.bulk_create(
        Attendance(meeting=in_session, user=u, channel=CheckInChannel.SCAN) for u in people(300)
    )
    client.force_login(community_worker)
    with django_assert_max_num_queries(12):
        page = client.get(_url(in_session))
    assert "议题18" in page.content.decode()
