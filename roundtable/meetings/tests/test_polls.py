"""What votes' poll pages ask of meetings (settings.POLL_MEETINGS and POLL_ATTENDEES): the
meetings a poll may be held at, and the people checked in when an attendees' poll opens."""

from datetime import timedelta

from django.urls import reverse

from roundtable.meetings import actions
from roundtable.meetings.forms import LivePollForm, live_poll_fields
from roundtable.meetings.polls import checked_in
from roundtable.places.tests.factories import CommunityFactory
from roundtable.votes import actions as votes_actions
from roundtable.votes.models import Status, Voter

from .conftest import START, people


def test_the_poll_form_offers_the_communitys_meetings(client, meeting, community_worker):
    client.force_login(community_worker)
    page = client.get(reverse("votes:new"), {"community": "lf"}).content.decode()
    assert f'<option value="{meeting.pk}">十一月星空圆桌 · 2026年11月25日 星期三 19:00' in page


def test_an_attendees_poll_opened_on_the_votes_page_has_those_checked_in_as_voters(
    client, meeting, community_worker, resident, clock
):
    clock.move_to(START + timedelta(minutes=10))
    crowd = people(2)
    for person in [resident, *crowd]:
        actions.check_in(meeting, by=person, token=meeting.check_in_token)
    form = LivePollForm({"question": "是否同意？", "minutes": "15", "secret": "on"})
    assert form.is_valid()
    fields = live_poll_fields(meeting, form.cleaned_data)
    poll = votes_actions.create_poll(community=meeting.community, by=community_worker, **fields)
    client.force_login(community_worker)
    assert client.post(reverse("votes:open", args=[poll.pk])).status_code == 302
    poll.refresh_from_db()
    assert poll.status == Status.OPEN
    voters = set(Voter.objects.filter(poll=poll).values_list("user_id", flat=True))
    assert voters == {resident.pk, *(p.pk for p in crowd)}


def test_a_meeting_of_another_community_has_no_attendees_here(meeting):
    elsewhere = CommunityFactory(code="sx")
    assert checked_in(elsewhere.pk, meeting.pk) is None
    assert checked_in(meeting.community_id, meeting.pk) == []
