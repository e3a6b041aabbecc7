"""The voters' pages: my polls, and the vote page in every method, with its refusals."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from roundtable.audit.models import Event
from roundtable.votes import actions
from roundtable.votes.models import Ballot, Conflict, Method, receipt_hash

from .conftest import make_poll


@pytest.fixture
def client(client):
    """These tests read the English wording (the site's default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


PLANS = [
    {"title": "北门空地"},
    {"title": "东侧绿地", "estimated_cost": "98000.00"},
    {"title": "地下车库"},
]


def _url(poll):
    return reverse("votes:vote", args=[poll.pk])


def _state():
    return Ballot.objects.count(), Conflict.objects.count(), Event.objects.count()


def _opened(community_worker, building, **fields):
    return actions.open_poll(make_poll(community_worker, building, **fields), by=community_worker)


def test_the_vote_page_works_without_login_only_after_logging_in(client, poll):
    response = client.get(_url(poll))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_draft_has_no_vote_page(client, draft, resident):
    client.force_login(resident)
    assert client.get(_url(draft)).status_code == 404


def test_nobody_votes_in_a_draft(client, draft, resident):
    client.force_login(resident)
    assert client.post(_url(draft), {"choice": "yes"}).status_code == 404
    assert Ballot.objects.count() == 0


def test_a_voter_votes_yes_and_sees_the_receipt_code_once(client, poll, resident):
    client.force_login(resident)
    page = client.get(_url(poll))
    assert page.status_code == 200
    assert b'name="choice"' in page.content and b'value="yes"' in page.content
    response = client.post(_url(poll), {"choice": "yes"})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.choice == "yes" and ballot.channel == "online"
    shown = client.get(_url(poll))
    code = shown.context["receipt"]
    assert receipt_hash(poll.pk, code) == ballot.receipt_hash
    assert code in shown.content.decode()
    again = client.get(_url(poll))
    assert again.context["receipt"] is None  # shown once, then gone
    assert code not in again.content.decode()
    assert "You have voted" in again.content.decode()
    assert not again.context["show_form"]


def test_the_receipt_code_waits_in_a_signed_cookie_for_its_page_alone(client, poll, resident):
    client.force_login(resident)
    session = dict(client.session)
    response = client.post(_url(poll), {"choice": "yes"})
    cookie = response.cookies["receipt"]
    assert cookie["path"] == _url(poll) and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert dict(client.session) == session  # the code is kept nowhere on the server
    signature = cookie.value.rsplit(":", 1)[1]
    client.cookies["receipt"] = f"ABCD-EFGH-JKLM:{signature}"
    assert client.get(_url(poll)).context["receipt"] is None  # a forged code is not shown


def test_a_blank_ballot_is_refused_and_nothing_changes(client, poll, resident):
    client.force_login(resident)
    before = _state()
    response = client.post(_url(poll), {})
    assert response.status_code == 400
    assert "Choose an answer before voting." in response.content.decode()
    assert _state() == before


def test_a_choice_not_on_the_ballot_is_refused_clearly(client, poll, resident):
    client.force_login(resident)
    before = _state()
    response = client.post(_url(poll), {"choice": "maybe"})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert _state() == before


def test_someone_outside_the_electorate_is_told_so_and_their_choice_kept(client, poll, outsider):
    client.force_login(outsider)
    page = client.get(_url(poll))
    assert "You are not among the voters of this poll." in page.content.decode()
    assert not page.context["show_form"]
    before = _state()
    response = client.post(_url(poll), {"choice": "no"})
    assert response.status_code == 400
    assert "You are not among the voters of this poll." in response.content.decode()
    assert 'value="no" required checked' in response.content.decode() or (
        response.context["form"]["choice"].value() == "no"
    )
    assert _state() == before


def test_a_vote_after_closing_time_is_refused_and_the_choice_kept(client, poll, resident):
    client.force_login(resident)
    with time_machine.travel(poll.closes_at + timedelta(minutes=1)):
        page = client.get(_url(poll))
        assert "Voting in this poll has ended." in page.content.decode()
        response = client.post(_url(poll), {"choice": "yes"})
    assert response.status_code == 400
    assert "Voting in this poll has ended." in response.content.decode()
    assert response.context["form"]["choice"].value() == "yes"
    assert Ballot.objects.count() == 0


def test_a_vote_before_opening_is_refused(client, community_worker, building, resident, neighbour):
    start = timezone.now() + timedelta(days=1)
    poll = _opened(community_worker, building, opens_at=start, closes_at=start + timedelta(days=3))
    client.force_login(resident)
    response = client.post(_url(poll), {"choice": "yes"})
    assert "This poll has not opened yet." in response.content.decode()
    assert Ballot.objects.count() == 0


def test_a_second_online_vote_is_refused(client, poll, resident):
    client.force_login(resident)
    client.post(_url(poll), {"choice": "yes"})
    response = client.post(_url(poll), {"choice": "no"})
    assert response.status_code == 400
    assert Ballot.objects.get().choice == "yes"


def test_a_changeable_poll_shows_the_vote_and_lets_it_change(
    client, community_worker, building, resident, neighbour
):
    poll = _opened(community_worker, building, changeable=True)
    client.force_login(resident)
    client.post(_url(poll), {"choice": "yes"})
    client.get(_url(poll))  # the receipt page
    page = client.get(_url(poll))
    assert page.context["changing"] and page.context["form"]["choice"].value() == "yes"
    assert client.post(_url(poll), {"choice": "no"}).status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.choice == "no" and ballot.changed_at is not None


def test_checkboxes_with_a_maximum_refuse_too_many(
    client, community_worker, building, resident, neighbour
):
    poll = _opened(community_worker, building, method=Method.MULTIPLE, max_choices=2, options=PLANS)
    ids = [str(pk) for pk in poll.options.values_list("pk", flat=True)]
    client.force_login(resident)
    page = client.get(_url(poll))
    assert page.content.decode().count('type="checkbox" name="choice"') == 3
    response = client.post(_url(poll), {"choice": ids})
    assert response.status_code == 400
    assert "Choose at most 2 options." in response.content.decode()
    assert response.context["form"]["choice"].value() == ids  # kept
    assert client.post(_url(poll), {"choice": ids[:2]}).status_code == 302
    assert sorted(Ballot.objects.get().choice) == sorted(int(pk) for pk in ids[:2])


def test_a_ranking_by_numbered_selects(client, community_worker, building, resident, neighbour):
    poll = _opened(community_worker, building, method=Method.RANKED, options=PLANS)
    a, b, c = poll.options.values_list("pk", flat=True)
    client.force_login(resident)
    assert client.get(_url(poll)).content.decode().count("<select") == 3
    repeated = client.post(_url(poll), {f"rank_{a}": "1", f"rank_{b}": "1"})
    assert "Give each option a different rank." in repeated.content.decode()
    assert client.post(_url(poll), {f"rank_{a}": "2", f"rank_{c}": "1"}).status_code == 302
    assert Ballot.objects.get().choice == [c, a]


def test_scores_from_one_to_five(client, community_worker, building, resident, neighbour):
    poll = _opened(community_worker, building, method=Method.SCORE, options=PLANS)
    a, b, _c = poll.options.values_list("pk", flat=True)
    client.force_login(resident)
    assert client.post(_url(poll), {f"score_{a}": "6"}).status_code == 400
    assert client.post(_url(poll), {f"score_{a}": "5", f"score_{b}": "2"}).status_code == 302
    assert Ballot.objects.get().choice == {str(a): 5, str(b): 2}


def test_one_option_by_radio_with_its_cost_shown(
    client, community_worker, building, resident, neighbour
):
    poll = _opened(community_worker, building, method=Method.SINGLE, options=PLANS)
    client.force_login(resident)
    page = client.get(_url(poll)).content.decode()
    assert "98,000.00" in page or "98000.00" in page
    second = poll.options.all()[1]
    assert client.post(_url(poll), {"choice": str(second.pk)}).status_code == 302
    assert Ballot.objects.get().choice == second.pk


def test_a_resident_of_two_homes_chooses_the_home_each_time(
    client, community_worker, building, resident, neighbour
):
    from roundtable.people.models import Relation
    from roundtable.people.tests.factories import ResidencyFactory
    from roundtable.places.tests.factories import HomeFactory

    second = HomeFactory(unit=resident.residencies.get().home.unit, room="302")
    ResidencyFactory(user=resident, home=second, relation=Relation.OWNER)
    poll = _opened(community_worker, building)
    client.force_login(resident)
    homes = client.get(_url(poll)).context["form"].fields["voter"].choices
    assert len(homes) == 2
    refused = client.post(_url(poll), {"choice": "yes"})
    assert refused.status_code == 400 and "voter" in refused.context["form"].errors
    client.post(_url(poll), {"choice": "yes", "voter": homes[0][0]})
    client.get(_url(poll))  # the receipt
    left = client.get(_url(poll)).context["form"].fields
    assert "voter" not in left  # one home left: no choice to make
    assert client.post(_url(poll), {"choice": "no"}).status_code == 302
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == ["no", "yes"]


def test_an_officer_who_scans_a_sheet_gets_the_paper_entry_link(client, poll, community_worker):
    client.force_login(community_worker)
    page = client.get(_url(poll) + "?serial=7-00001").content.decode()
    assert reverse("votes:paper", args=[poll.pk]) + "?serial=7-00001" in page


@pytest.mark.parametrize("closed", [False, True])
def test_my_polls_lists_open_and_closed_ones(
    client, poll, community_worker, resident, django_assert_max_num_queries, closed
):
    if closed:
        actions.close_poll(poll, by=community_worker, reason="测试")
    client.force_login(resident)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("votes:mine"))
    assert poll.question in page.content.decode()
    key = "closed_polls" if closed else "open_polls"
    assert [p.pk for p in page.context[key]] == [poll.pk]


def test_a_drafts_option_image_is_not_public(client, community_worker, building, resident):
    from roundtable.votes.models import Option

    poll = make_poll(community_worker, building, method=Method.SINGLE, options=PLANS)
    option = poll.options.first()
    Option.objects.filter(pk=option.pk).update(image="votes/none.jpg")
    url = reverse("votes:image", args=[poll.pk, option.pk])
    assert client.get(url).status_code == 404  # a draft's picture is for its officers
