"""The officers' ballot pages: ballot sheets, paper entry, show of hands and conflicts."""

import re

import pytest
from django.urls import reverse

from roundtable.votes import actions
from roundtable.votes.models import Ballot, BallotSheet, Conflict, HandsCount, receipt_hash

from .conftest import make_poll


@pytest.fixture
def client(client):
    """These tests read the English wording (the site's default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _url(name, poll, *args):
    return reverse(f"votes:{name}", args=[poll.pk, *args])


def _serial(poll, user):
    return poll.sheets.get(voter__user=user).serial


@pytest.fixture
def issued(poll, community_worker):
    actions.issue_ballot_sheets(poll, by=community_worker)
    return poll


def _ballots():
    return list(Ballot.objects.values_list("pk", "choice", "channel"))


# Ballot sheets


def test_issuing_prints_one_sheet_per_voter_with_its_code_once(client, poll, community_worker):
    client.force_login(community_worker)
    assert "0 / 2" in client.get(_url("sheets", poll)).content.decode()
    response = client.post(_url("sheets", poll))
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert page.count('class="sheet"') == 2 and page.count("<svg") == 2
    for sheet in BallotSheet.objects.all():
        assert sheet.serial in page
        code = re.search(
            rf"{sheet.serial}</span> · [^<]*<span class=\"serial\">([A-Z0-9-]+)<", page
        )
        assert code and receipt_hash(poll.pk, code.group(1)) == sheet.receipt_hash
    again = client.post(_url("sheets", poll), follow=True)
    assert "Every voter already has a ballot sheet." in again.content.decode()
    reprint = client.get(_url("sheets", poll) + "?reprint=1").content.decode()
    assert reprint.count('class="sheet"') == 2 and "Receipt code" not in reprint


def test_only_those_who_run_the_poll_issue_sheets(client, poll, grid_worker, outsider):
    client.force_login(grid_worker)
    assert client.post(_url("sheets", poll)).status_code == 403
    client.force_login(outsider)
    assert client.post(_url("sheets", poll)).status_code == 404
    assert not BallotSheet.objects.exists()


# Paper ballots


def test_a_paper_ballot_is_entered_and_the_form_comes_back_empty(
    client, issued, grid_worker, resident
):
    client.force_login(grid_worker)
    serial = _serial(issued, resident)
    response = client.post(_url("paper", issued), {"serial": serial, "choice": "yes"}, follow=True)
    assert f"Ballot sheet {serial} is entered." in response.content.decode()
    assert response.context["form"]["serial"].value() in ("", None)
    ballot = Ballot.objects.get()
    assert (ballot.channel, ballot.paper_serial, ballot.entered_by) == (
        "paper",
        serial,
        grid_worker,
    )


def test_the_same_serial_twice_is_refused_and_nothing_changes(
    client, issued, community_worker, resident
):
    client.force_login(community_worker)
    serial = _serial(issued, resident)
    client.post(_url("paper", issued), {"serial": serial, "choice": "yes"})
    before = _ballots()
    response = client.post(_url("paper", issued), {"serial": serial, "choice": "no"})
    assert response.status_code == 400
    assert f"Ballot sheet {serial} has already been entered." in response.content.decode()
    assert response.context["form"]["choice"].value() == "no"  # what was typed stays
    assert _ballots() == before


def test_a_paper_ballot_of_someone_who_voted_online_is_a_conflict(
    client, issued, community_worker, resident
):
    actions.cast_ballot(issued, by=resident, choice="yes")
    client.force_login(community_worker)
    before = _ballots()
    response = client.post(
        _url("paper", issued), {"serial": _serial(issued, resident), "choice": "no"}
    )
    assert response.status_code == 400
    assert "officers will look into it" in response.content.decode()
    assert _ballots() == before
    assert Conflict.objects.get().channel == "paper"


def test_an_unknown_serial_and_a_missing_choice_are_refused(
    client, issued, community_worker, resident
):
    client.force_login(community_worker)
    unknown = client.post(_url("paper", issued), {"serial": "99-99999", "choice": "yes"})
    assert "No ballot sheet 99-99999 was issued" in unknown.content.decode()
    blank = client.post(_url("paper", issued), {"serial": _serial(issued, resident)})
    assert "Choose an answer before voting." in blank.content.decode()
    assert not Ballot.objects.exists()


def test_the_paper_form_takes_the_serial_from_the_qr_link(client, issued, community_worker):
    client.force_login(community_worker)
    page = client.get(_url("paper", issued) + "?serial=5-00002")
    assert page.context["form"]["serial"].value() == "5-00002"


def test_people_without_enter_ballots_cannot_enter(client, issued, property_staff, resident):
    client.force_login(property_staff)
    serial = _serial(issued, resident)
    assert client.post(_url("paper", issued), {"serial": serial, "choice": "yes"}).status_code == (
        404
    )
    assert not Ballot.objects.exists()


# Show of hands


@pytest.fixture
def meeting_poll(community_worker, building, resident, neighbour):
    draft = make_poll(community_worker, building, secret=False, meeting_id=7)
    return actions.open_poll(draft, by=community_worker)


def test_a_show_of_hands_is_entered_as_totals(client, meeting_poll, grid_worker):
    client.force_login(grid_worker)
    data = {"hands_yes": "1", "hands_no": "1", "hands_abstain": "0"}
    assert client.post(_url("hands", meeting_poll), data).status_code == 302
    counts = dict(HandsCount.objects.values_list("answer", "count"))
    assert counts == {"yes": 1, "no": 1, "abstain": 0}


def test_more_hands_than_voters_are_refused(client, meeting_poll, community_worker):
    client.force_login(community_worker)
    response = client.post(_url("hands", meeting_poll), {"hands_yes": "5", "hands_no": "0",
                                                         "hands_abstain": "0"})  # fmt: skip
    assert response.status_code == 400
    assert "More hands than voters" in response.content.decode()
    assert not HandsCount.objects.exists()


def test_a_secret_poll_takes_no_show_of_hands(client, poll, community_worker):
    client.force_login(community_worker)
    response = client.post(
        _url("hands", poll), {"hands_yes": "1", "hands_no": "0", "hands_abstain": "0"}
    )
    assert response.status_code == 400
    assert not HandsCount.objects.exists()


# Conflicts


@pytest.fixture
def conflict(issued, community_worker, resident):
    actions.cast_ballot(issued, by=resident, choice="yes")
    with pytest.raises(actions.BallotRefused):
        actions.enter_paper_ballot(
            issued, serial=_serial(issued, resident), choice="no", by=community_worker
        )
    return Conflict.objects.get()


def test_the_conflicts_list_shows_what_counts(client, conflict, grid_worker):
    client.force_login(grid_worker)
    page = client.get(_url("conflicts", conflict.poll))
    text = page.content.decode()
    assert conflict.paper_serial in text and "Counted: the online ballot" in text
    assert "<textarea" not in text  # a grid worker may look but not settle


def test_an_officer_settles_a_conflict(client, conflict, community_worker, grid_worker):
    url = _url("resolve", conflict.poll, conflict.pk)
    client.force_login(grid_worker)
    assert client.post(url, {"resolution": "已核实"}).status_code == 403
    client.force_login(community_worker)
    empty = client.post(url, {"resolution": ""}, follow=True)
    assert "Write down how the conflict was settled." in empty.content.decode()
    assert Conflict.objects.unresolved().count() == 1
    client.post(url, {"resolution": "已核实，以网上投票为准"})
    conflict.refresh_from_db()
    assert conflict.resolved and conflict.resolved_by == community_worker


def test_the_conflicts_list_counts_its_queries(
    client, conflict, community_worker, django_assert_max_num_queries
):
    client.force_login(community_worker)
    with django_assert_max_num_queries(12):
        client.get(_url("conflicts", conflict.poll))
