"""The staff pages of suggestions: triage board, triage and decisions, queues, handling, slips."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from roundtable.people.actions import grant_role
from roundtable.people.models import OrganisationKind, Role
from roundtable.people.tests.factories import OrganisationFactory, UserFactory
from roundtable.suggestions import actions
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import Channel, Photo, PhotoKind, Status, Step

from .factories import SuggestionFactory


def _png(name="result.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _client(client, user):
    client.force_login(user)
    return client


def _many(suggestion, n=30, **fields):
    place = {
        k: getattr(suggestion, k) for k in ("community", "home", "building", "compound", "grid")
    }
    return [
        SuggestionFactory(
            **place, text=f"第{i}号楼下路灯不亮了", submitter=suggestion.submitter, **fields
        )
        for i in range(n)
    ]


@pytest.fixture
def dispatched(suggestion, community_worker, property_company):
    actions.dispatch(suggestion, by=community_worker, owner=property_company)
    return suggestion


@pytest.fixture
def accepted(dispatched, property_staff):
    actions.accept(dispatched, by=property_staff)
    return dispatched


@pytest.fixture
def in_progress(accepted, property_staff):
    actions.contact(accepted, by=property_staff)
    return accepted


@pytest.fixture
def responded(in_progress, property_staff):
    actions.respond(in_progress, by=property_staff, result="已更换地胶。")
    return in_progress


@pytest.fixture
def other_property_staff(compound, community):
    """Property staff of J5 for another organisation: sees nothing of the property company's."""
    other = OrganisationFactory(community=community, kind=OrganisationKind.PROPERTY_COMPANY)
    user = UserFactory(phone="13800000044", name="别家物业")
    grant_role(user, Role.PROPERTY_STAFF, compound, by=None, organisation=other)
    return user


def _triage_url(s):
    return reverse("suggestions:triage_item", args=[s.reference])


def _handle_url(s):
    return reverse("suggestions:handle", args=[s.reference])


def _post(client, url, action, **data):
    fields = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(url, {"action": action, **fields})


# The triage board


def test_the_board_lists_the_communitys_suggestions_for_a_community_worker(
    client, community_worker, suggestion
):
    response = _client(client, community_worker).get(reverse("suggestions:triage"))
    assert response.status_code == 200
    assert suggestion.reference in response.content.decode()


@pytest.mark.parametrize("persona", ["resident", "property_staff", "outsider", "grid_worker"])
def test_the_board_is_forbidden_to_people_who_do_not_triage(client, request, persona, suggestion):
    user = request.getfixturevalue(persona)
    assert _client(client, user).get(reverse("suggestions:triage")).status_code == 403


def test_the_board_asks_anonymous_visitors_to_log_in(client, suggestion):
    assert client.get(reverse("suggestions:triage")).status_code == 302


def test_the_board_shows_submitted_items_first(
    client, community_worker, dispatched, resident, home
):
    later = SuggestionFactory(community=dispatched.community, submitter=resident, home=home)
    dispatched.submitted_at = timezone.now() + timedelta(hours=1)
    dispatched.save()
    content = _client(client, community_worker).get(reverse("suggestions:triage")).content.decode()
    assert content.index(later.reference) < content.index(dispatched.reference)


def test_the_board_filters_by_status_and_overdue(
    client, community_worker, dispatched, resident, home
):
    fresh = SuggestionFactory(community=dispatched.community, submitter=resident, home=home)
    client = _client(client, community_worker)
    content = client.get(reverse("suggestions:triage"), {"status": "submitted"}).content.decode()
    assert fresh.reference in content and dispatched.reference not in content
    type(dispatched).objects.filter(pk=dispatched.pk).update(
        accept_by=timezone.now() - timedelta(hours=1)
    )
    content = client.get(reverse("suggestions:triage"), {"overdue": "on"}).content.decode()
    assert dispatched.reference in content and fresh.reference not in content


def test_filter_suggestions_returns_the_cleaned_values(suggestion):
    from roundtable.suggestions.filters import filter_suggestions
    from roundtable.suggestions.models import Suggestion

    found, values = filter_suggestions(
        Suggestion.objects.all(), {"status": "submitted", "grid": ""}
    )
    assert values == {"status": "submitted"}
    assert list(found) == [suggestion]
    found, values = filter_suggestions(Suggestion.objects.all(), {"status": "nonsense"})
    assert values == {} and list(found) == [suggestion]


def test_the_board_query_count_is_pinned(
    client, community_worker, suggestion, django_assert_max_num_queries
):
    _many(suggestion)
    client = _client(client, community_worker)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("suggestions:triage"))
    assert response.content.decode().count("/triage/") >= 31


# Triage one item


def test_the_triage_page_shows_likely_duplicates_with_scores(client, community_worker, suggestion):
    twin = SuggestionFactory(
        community=suggestion.community,
        compound=suggestion.compound,
        building=suggestion.building,
        text="游乐场地胶破损，小孩容易摔倒，请更换地胶。",
    )
    content = _client(client, community_worker).get(_triage_url(suggestion)).content.decode()
    assert twin.reference in content and "%" in content
    assert "merge-into" in content


def test_the_triage_page_is_forbidden_to_the_submitter_and_missing_for_others(
    client, suggestion, resident, property_staff
):
    assert _client(client, resident).get(_triage_url(suggestion)).status_code == 403
    assert _client(client, property_staff).get(_triage_url(suggestion)).status_code == 404


def test_dispatching_sends_it_to_the_organisation(
    client, community_worker, suggestion, property_company
):
    response = _post(
        _client(client, community_worker),
        _triage_url(suggestion),
        "dispatch",
        owner=property_company.pk,
        category=suggestion.suggested_category.pk,
        note="请尽快",
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.DISPATCHED and suggestion.owner == property_company
    assert Step.objects.filter(suggestion=suggestion, kind="dispatch").exists()


def test_dispatching_to_another_communitys_organisation_is_refused(
    client, community_worker, suggestion
):
    elsewhere = OrganisationFactory()
    response = _post(
        _client(client, community_worker), _triage_url(suggestion), "dispatch", owner=elsewhere.pk
    )
    assert response.status_code == 400
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED


def test_a_step_no_longer_possible_is_refused_with_a_message(
    client, community_worker, dispatched, property_company
):
    response = _post(
        _client(client, community_worker),
        _triage_url(dispatched),
        "dispatch",
        owner=property_company.pk,
    )
    assert response.status_code == 400
    assert 'class="message error"' in response.content.decode()
    assert Step.objects.filter(suggestion=dispatched, kind="dispatch").count() == 1


def test_rejecting_needs_a_reason(client, community_worker, suggestion):
    client = _client(client, community_worker)
    assert _post(client, _triage_url(suggestion), "reject", reason=" ").status_code == 400
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED
    assert (
        _post(client, _triage_url(suggestion), "reject", reason="不属于社区事务").status_code == 302
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.INVALID and suggestion.invalid_reason == "不属于社区事务"


def test_answering_on_the_spot_asks_for_a_rating(client, community_worker, suggestion):
    response = _post(
        _client(client, community_worker), _triage_url(suggestion), "answer", text="已转告。"
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.FOLLOW_UP


def test_merging_into_a_duplicate(client, community_worker, suggestion):
    keep = SuggestionFactory(community=suggestion.community, text="游乐场地胶坏了")
    client = _client(client, community_worker)
    assert _post(client, _triage_url(suggestion), "merge", into="NO-SUCH").status_code == 400
    assert _post(client, _triage_url(suggestion), "merge", into=keep.reference).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.MERGED and suggestion.merged_into == keep


def test_approving_a_response(client, community_worker, responded):
    client = _client(client, community_worker)
    assert "approve_response" in client.get(_triage_url(responded)).content.decode()
    assert _post(client, _triage_url(responded), "approve_response").status_code == 302
    responded.refresh_from_db()
    assert responded.status == Status.FOLLOW_UP


def test_sending_a_response_back_needs_a_note(client, community_worker, responded):
    client = _client(client, community_worker)
    assert _post(client, _triage_url(responded), "send_back", note="").status_code == 400
    assert _post(client, _triage_url(responded), "send_back", note="缺照片").status_code == 302
    responded.refresh_from_db()
    assert responded.status == Status.IN_PROGRESS


@pytest.mark.parametrize("approve", ["1", "0"])
def test_deciding_an_extension(client, community_worker, property_staff, in_progress, approve):
    until = timezone.now() + timedelta(days=30)
    actions.request_extension(in_progress, by=property_staff, until=until, reason="需采购")
    response = _post(
        _client(client, community_worker),
        _triage_url(in_progress),
        "decide_extension",
        approve=approve,
    )
    assert response.status_code == 302
    in_progress.refresh_from_db()
    assert in_progress.pending_extension_until is None
    assert (in_progress.resolve_by == until) is (approve == "1")


def test_deciding_a_termination(client, community_worker, property_staff, in_progress):
    actions.request_termination(in_progress, by=property_staff, reason="违法诉求")
    client = _client(client, community_worker)
    assert _post(client, _triage_url(in_progress), "decide_termination").status_code == 400
    assert (
        _post(client, _triage_url(in_progress), "decide_termination", approve="1").status_code
        == 302
    )
    in_progress.refresh_from_db()
    assert in_progress.status == Status.TERMINATED


def test_elevating_and_resuming(client, community_worker, in_progress):
    client = _client(client, community_worker)
    assert (
        _post(client, _triage_url(in_progress), "elevate", note="需业主共同决定").status_code == 302
    )
    in_progress.refresh_from_db()
    assert in_progress.status == Status.DELIBERATION
    assert _post(client, _triage_url(in_progress), "resume").status_code == 302
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS


# The property staff's queue and handling


def test_the_queue_lists_what_was_dispatched_to_the_organisation(
    client, property_staff, dispatched, django_assert_max_num_queries
):
    for s in _many(dispatched):
        type(s).objects.filter(pk=s.pk).update(status=Status.DISPATCHED, owner=dispatched.owner)
    client = _client(client, property_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("suggestions:queue"))
    assert response.status_code == 200
    assert response.content.decode().count("/work/queue/") >= 31


def test_the_queue_puts_overdue_items_first(client, property_staff, dispatched, resident, home):
    late = SuggestionFactory(
        community=dispatched.community,
        compound=dispatched.compound,
        owner=dispatched.owner,
        status=Status.DISPATCHED,
        accept_by=timezone.now() - timedelta(hours=3),
    )
    content = _client(client, property_staff).get(reverse("suggestions:queue")).content.decode()
    assert content.index(late.reference) < content.index(dispatched.reference)


def test_another_organisations_staff_sees_nothing(client, other_property_staff, dispatched):
    client = _client(client, other_property_staff)
    assert dispatched.reference not in client.get(reverse("suggestions:queue")).content.decode()
    assert client.get(_handle_url(dispatched)).status_code == 404


def test_accepting_shows_the_requesters_phone_only_afterwards(client, property_staff, dispatched):
    client = _client(client, property_staff)
    before = client.get(_handle_url(dispatched)).content.decode()
    assert "13900000001" not in before
    assert _post(client, _handle_url(dispatched), "accept").status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.status == Status.ACCEPTED
    assert "13900000001" in client.get(_handle_url(dispatched)).content.decode()


def test_the_handling_page_is_forbidden_to_a_community_worker_who_can_see_it(
    client, community_worker, dispatched
):
    assert _client(client, community_worker).get(_handle_url(dispatched)).status_code == 403


def test_returning_needs_a_reason(client, property_staff, dispatched):
    client = _client(client, property_staff)
    assert _post(client, _handle_url(dispatched), "return", reason="").status_code == 400
    assert _post(client, _handle_url(dispatched), "return", reason="不归物业").status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.status == Status.SUBMITTED and dispatched.owner is None


def test_contacting_moves_it_in_progress(client, property_staff, accepted):
    assert (
        _post(_client(client, property_staff), _handle_url(accepted), "contact").status_code == 302
    )
    accepted.refresh_from_db()
    assert accepted.status == Status.IN_PROGRESS


def test_responding_with_a_photo(client, property_staff, in_progress):
    response = _client(client, property_staff).post(
        _handle_url(in_progress),
        {"action": "respond", "respond-result": "已更换地胶", "respond-photos": [_png()]},
    )
    assert response.status_code == 302
    in_progress.refresh_from_db()
    assert in_progress.status == Status.RESPONDED
    photo = Photo.objects.get(suggestion=in_progress)
    assert photo.kind == PhotoKind.RESULT and photo.public and photo.step.kind == "respond"


def test_responding_without_a_result_changes_nothing(client, property_staff, in_progress):
    response = _post(
        _client(client, property_staff), _handle_url(in_progress), "respond", result=""
    )
    assert response.status_code == 400
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS


def test_requesting_an_extension_and_a_termination(client, property_staff, in_progress):
    client = _client(client, property_staff)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert (
        _post(
            client, _handle_url(in_progress), "request_extension", until=past, reason="等材料"
        ).status_code
        == 400
    )
    later = (timezone.localdate() + timedelta(days=60)).isoformat()
    assert (
        _post(
            client, _handle_url(in_progress), "request_extension", until=later, reason="等材料"
        ).status_code
        == 302
    )
    assert (
        _post(
            client, _handle_url(in_progress), "request_termination", reason="诉求违法"
        ).status_code
        == 302
    )
    in_progress.refresh_from_db()
    assert in_progress.pending_extension_until and in_progress.pending_termination


# Paper slips and the grid queue


def test_a_slip_found_by_room_is_the_residents(client, grid_worker, resident, grid):
    response = _client(client, grid_worker).post(
        reverse("suggestions:slip"),
        {"where": "J5 1栋 301", "text": "楼道灯坏了", "channel": Channel.GRID_BOX},
        follow=True,
    )
    s = resident.suggestions.get()
    assert s.channel == Channel.GRID_BOX and s.grid == grid and s.entered_by == grid_worker
    assert s.reference in response.content.decode()


def test_a_slip_found_by_the_last_four_digits(client, grid_worker, resident):
    response = _client(client, grid_worker).post(
        reverse("suggestions:slip"),
        {"phone": "0001", "text": "楼道灯坏了", "channel": Channel.GRID_BOX, "photo": [_png()]},
    )
    assert response.status_code == 302
    s = resident.suggestions.get()
    assert s.photos.get().kind == PhotoKind.SLIP


def test_an_anonymous_slip(client, grid_worker, resident):
    client = _client(client, grid_worker)
    response = client.post(
        reverse("suggestions:slip"),
        {"anonymous": "on", "where": "J5 1栋 301", "text": "垃圾桶满了", "channel": "grid_box"},
    )
    assert response.status_code == 302
    assert not resident.suggestions.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"text": "灯坏了", "channel": "grid_box"},
        {"where": "J9 9栋 999", "text": "灯坏了", "channel": "grid_box"},
        {"phone": "9999", "text": "灯坏了", "channel": "grid_box"},
        {"phone": "0001", "text": "灯坏了", "channel": "station"},
        {"phone": "0001", "text": "", "channel": "grid_box"},
    ],
)
def test_a_bad_slip_is_refused_and_nothing_saved(client, grid_worker, resident, data):
    response = _client(client, grid_worker).post(reverse("suggestions:slip"), data)
    assert response.status_code == 400
    assert not resident.suggestions.exists()


def test_a_slip_warns_of_likely_duplicates(client, grid_worker, suggestion):
    response = _client(client, grid_worker).post(
        reverse("suggestions:slip"),
        {"where": "J5 1栋 301", "text": suggestion.text, "channel": "grid_box"},
        follow=True,
    )
    assert suggestion.reference in response.content.decode()


@pytest.mark.parametrize("persona", ["resident", "property_staff", "outsider"])
def test_the_slip_page_and_grid_queue_are_forbidden_to_others(client, request, persona):
    client = _client(client, request.getfixturevalue(persona))
    assert client.get(reverse("suggestions:slip")).status_code == 403
    assert client.get(reverse("suggestions:grid_queue")).status_code == 403


def test_the_grid_queue_lists_the_grids_suggestions(
    client, grid_worker, suggestion, django_assert_max_num_queries
):
    _many(suggestion)
    client = _client(client, grid_worker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("suggestions:grid_queue"))
    assert response.status_code == 200
    assert suggestion.reference in response.content.decode()


def test_the_slip_page_opens_for_a_grid_worker(client, grid_worker):
    assert _client(client, grid_worker).get(reverse("suggestions:slip")).status_code == 200


# Two people accepting at once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_accepting_at_once_exactly_one_succeeds(
    community, home, resident, community_worker, property_staff, property_company
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    colleague = UserFactory(phone="13800000055", name="同事")
    grant_role(
        colleague,
        Role.PROPERTY_STAFF,
        home.unit.building.compound,
        by=None,
        organisation=property_company,
    )
    s = submit_suggestion(
        community=community,
        text="电梯坏了",
        channel=Channel.ONLINE,
        by=resident,
        submitter=resident,
        home=home,
    )
    actions.dispatch(s, by=community_worker, owner=property_company)
    results, barrier = [], threading.Barrier(2)

    def accept(user):
        try:
            barrier.wait()
            actions.accept(type(s).objects.get(pk=s.pk), by=user)
            results.append("ok")
        except actions.InvalidTransition:
            results.append("invalid")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (property_staff, colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["invalid", "ok"]
    assert Step.objects.filter(suggestion=s, kind="accept").count() == 1
