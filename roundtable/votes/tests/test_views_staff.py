"""The officers' poll pages: the list, a draft's form with options and images, open and close."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from roundtable.audit.models import Event
from roundtable.votes import actions
from roundtable.votes.models import Method, Poll, Rule, Status

from .conftest import make_poll


@pytest.fixture
def client(client):
    """These tests read the English wording (the site's default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# One role per row: what the officers' pages of a poll in J5 1栋 answer.
SEES = {
    "community_worker": 200,
    "committee_member": 200,
    "building_leader": 200,
    "grid_worker": 200,  # enters ballots, so an officer of the poll
    "property_staff": 404,
    "resident": 404,
    "outsider": 404,
    "other_worker": 404,
}
RUNS = {"community_worker", "committee_member", "building_leader"}


def _png(name="plan.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _form(place, rows=(), **fields):
    now = timezone.now()
    data = {
        "question": "是否同意在北门空地建电动车棚？",
        "description": "",
        "compound": "",
        "building": place.pk,
        "method": Method.YES_NO,
        "max_choices": "",
        "opens_at": _when(now - timedelta(minutes=5)),
        "closes_at": _when(now + timedelta(days=15)),
        "electorate_kind": "residents_homes",
        "meeting_id": "",
        "secret": "on",
        "visibility": "nothing",
        "rule": Rule.NONE,
        "non_voter_policy": "not_counted",
        "policy_clause": "",
        "quorum": "",
        "threshold": "",
        "options-TOTAL_FORMS": str(max(len(rows), 1)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "20",
        **fields,
    }
    for i, row in enumerate(rows):
        data |= {f"options-{i}-{key}": value for key, value in row.items()}
    return data


@pytest.fixture
def personas(request):
    return lambda name: request.getfixturevalue(name)


@pytest.mark.parametrize("who", list(SEES))
def test_the_poll_page_is_for_the_polls_officers(client, poll, personas, who):
    client.force_login(personas(who))
    assert client.get(reverse("votes:detail", args=[poll.pk])).status_code == SEES[who]


@pytest.mark.parametrize("who", list(SEES))
def test_the_list_shows_only_polls_in_the_officers_places(client, poll, personas, who):
    client.force_login(personas(who))
    response = client.get(reverse("votes:list"))
    if who in ("resident", "outsider", "property_staff"):
        assert response.status_code == 403
        return
    shown = [p.pk for p in response.context["page"]] if response.status_code == 200 else []
    assert (poll.pk in shown) == (SEES[who] == 200)


def test_the_list_pins_its_query_count(
    client, community_worker, building, django_assert_max_num_queries
):
    for i in range(12):
        make_poll(community_worker, building, question=f"第{i}个问题？")
    client.force_login(community_worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("votes:list"))
    assert len(response.context["page"]) == 12


def test_an_officer_creates_a_draft_with_options_and_an_image(client, community_worker, building):
    client.force_login(community_worker)
    rows = [
        {"title": "北门空地", "estimated_cost": "98000", "image": _png()},
        {"title": "东侧绿地", "description": "靠近3栋"},
        {"title": "", "description": ""},  # a spare row left blank
    ]
    data = _form(building, rows, method=Method.SINGLE)
    response = client.post(reverse("votes:new"), data)
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{poll.pk}/")
    assert poll.status == Status.DRAFT and poll.building == building
    first, second = poll.options.all()
    assert first.image.name.startswith("votes/") and not second.image
    assert str(first.estimated_cost) == "98000.00"
    image = client.get(reverse("votes:image", args=[poll.pk, first.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_a_draft_that_does_not_hold_together_is_refused_and_kept(
    client, community_worker, building
):
    client.force_login(community_worker)
    data = _form(building, non_voter_policy="follow_majority")  # no clause cited
    response = client.post(reverse("votes:new"), data)
    assert response.status_code == 400
    assert "Cite the clause" in response.content.decode()
    assert response.context["form"]["question"].value() == data["question"]
    assert not Poll.objects.exists()


def test_a_building_leader_may_not_run_a_poll_for_the_whole_community(
    client, building_leader, building
):
    client.force_login(building_leader)
    response = client.post(reverse("votes:new"), _form(building, building=""))
    assert response.status_code == 400
    assert not Poll.objects.exists()
    ok = client.post(reverse("votes:new"), _form(building))
    assert ok.status_code == 302 and Poll.objects.get().building == building


def test_a_grid_worker_who_only_enters_ballots_may_not_create(client, grid_worker):
    client.force_login(grid_worker)
    assert client.get(reverse("votes:new")).status_code == 403


def test_editing_a_draft_replaces_its_options_and_keeps_images(client, community_worker, building):
    client.force_login(community_worker)
    rows = [{"title": "甲", "image": _png()}, {"title": "乙"}]
    client.post(reverse("votes:new"), _form(building, rows, method=Method.SINGLE))
    poll = Poll.objects.get()
    first, second = poll.options.all()
    data = _form(building, method=Method.SINGLE, question="改过的问题？")
    data |= {"options-TOTAL_FORMS": "3", "options-INITIAL_FORMS": "2"}
    data |= {"options-0-existing": first.pk, "options-0-title": "甲方案"}
    data |= {"options-1-existing": second.pk, "options-1-title": "乙方案"}
    data |= {"options-2-title": "丙方案"}
    response = client.post(reverse("votes:edit", args=[poll.pk]), data)
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.question == "改过的问题？"
    titles = [(o.title, bool(o.image)) for o in poll.options.all()]
    assert titles == [("甲方案", True), ("乙方案", False), ("丙方案", False)]


def test_an_open_poll_cannot_be_edited(client, poll, community_worker, building):
    client.force_login(community_worker)
    before = Event.objects.count()
    response = client.post(reverse("votes:edit", args=[poll.pk]), _form(building))
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.question != "是否同意在北门空地建电动车棚？"
    assert Event.objects.count() == before


def test_a_closed_poll_cannot_be_edited(client, poll, community_worker, building):
    actions.close_poll(poll, by=community_worker, reason="测试")
    client.force_login(community_worker)
    response = client.get(reverse("votes:edit", args=[poll.pk]), follow=True)
    assert "Only a draft can be edited" in response.content.decode()


def test_opening_freezes_the_electorate(client, draft, community_worker):
    client.force_login(community_worker)
    response = client.post(reverse("votes:open", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.OPEN and draft.voters.count() == 2
    assert "2 may vote" in response.content.decode()


def test_a_grid_worker_may_not_open_or_close(client, draft, grid_worker, community_worker):
    client.force_login(grid_worker)
    assert client.post(reverse("votes:open", args=[draft.pk])).status_code == 403
    poll = actions.open_poll(draft, by=community_worker)
    assert client.post(reverse("votes:close", args=[poll.pk])).status_code == 403
    assert Poll.objects.get().status == Status.OPEN


def test_closing_early_needs_a_reason(client, poll, community_worker):
    client.force_login(community_worker)
    before = Event.objects.count()
    response = client.post(reverse("votes:close", args=[poll.pk]), {"reason": ""}, follow=True)
    assert "Say why the poll closes" in response.content.decode()
    assert Poll.objects.get().status == Status.OPEN and Event.objects.count() == before
    client.post(reverse("votes:close", args=[poll.pk]), {"reason": "会上已表决完毕"})
    poll.refresh_from_db()
    assert poll.status == Status.CLOSED and poll.close_reason == "会上已表决完毕"


def test_closing_twice_says_it_is_closed(client, poll, community_worker):
    actions.close_poll(poll, by=community_worker, reason="测试")
    client.force_login(community_worker)
    response = client.post(reverse("votes:close", args=[poll.pk]), {"reason": "再关"}, follow=True)
    assert "so this cannot be done" in response.content.decode()


def test_tick_closes_polls_past_their_closing_time(poll):
    from django.core.management import call_command

    Poll.objects.filter(pk=poll.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(days=1)
    )
    out = io.StringIO()
    call_command("tick", "--now", stdout=out)
    poll.refresh_from_db()
    assert poll.status == Status.CLOSED and poll.result is not None
    assert "close_due_polls: {'closed': 1}" in out.getvalue()
