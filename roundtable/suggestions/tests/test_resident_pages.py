"""The residents' pages: submitting, following one's own suggestions, rating, the public list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from roundtable.common.photos import clean_photo
from roundtable.notifications.models import Notification
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.suggestions import actions, intake
from roundtable.suggestions.models import (
    Channel,
    Photo,
    PhotoKind,
    Rating,
    Status,
    Step,
    Suggestion,
)

from .factories import SuggestionFactory

NEW = "/suggestions/new/"


def jpeg(name="photo.jpg", colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def client_of(client):
    def log_in(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the English words
        return client

    return log_in


@pytest.fixture
def neighbour(home):
    """李大爷, another resident of the same building."""
    other = HomeFactory(unit=UnitFactory(building=home.unit.building, name="2单元"), room="502")
    user = UserFactory(phone="13900000002", name="李大爷")
    ResidencyFactory(user=user, home=other)
    return user


def submit(client, **data):
    return client.post(NEW, {"text": "楼道灯坏了，晚上看不见。", **data})


def test_resident_submits_and_gets_reference_step_and_acknowledgement(
    client_of, resident, home, django_capture_on_commit_callbacks
):
    client = client_of(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, place=str(home.pk), photos=[jpeg()])
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response.url == suggestion.get_absolute_url()
    assert suggestion.reference.startswith("LF-")
    assert suggestion.home == home and suggestion.submitter == resident
    assert not suggestion.show_name
    assert Step.objects.filter(suggestion=suggestion, kind="submitted").count() == 1
    assert Photo.objects.get(suggestion=suggestion).public is False
    assert Notification.objects.filter(user=resident, text__contains=suggestion.reference).exists()
    page = client.get(response.url)
    assert suggestion.reference in page.content.decode()


def test_form_offers_homes_and_buildings(client_of, resident, home):
    response = client_of(resident).get(NEW)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{home.pk}"' in html and "1栋" in html and "<optgroup" in html


def test_form_needs_login(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/login/" in response.url


def test_building_elsewhere_is_recorded(client_of, resident, building):
    submit(client_of(resident), place="elsewhere", building=str(building.pk))
    assert Suggestion.objects.get().building == building


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"text": "   "}, "Write what the matter is."),
        ({"text": "字" * 2001}, "Write at most 2000 characters (now 2001)."),
        ({"photos": [jpeg(f"{i}.jpg") for i in range(7)]}, "at most 6 photos; you chose 7"),
        (
            {"photos": [SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")]},
            "“x.jpg” is not a photo.",
        ),
    ],
    ids=["empty", "too-long", "seven-photos", "text-file-named-jpg"],
)
def test_bad_input_is_refused_and_what_was_typed_kept(client_of, resident, home, data, words):
    response = submit(client_of(resident), show_name="on", **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert words in html
    assert not Suggestion.objects.exists()
    assert 'name="show_name" id="id_show_name" checked' in html
    if "photos" in data:
        assert "楼道灯坏了" in html
        assert "choose them again" in html


def test_twenty_first_in_an_hour_is_refused(client_of, resident, community):
    for _ in range(intake.MAX_PER_HOUR):
        intake.submit_suggestion(
            community=community,
            text="路灯坏了",
            channel=Channel.ONLINE,
            by=resident,
            submitter=resident,
        )
    response = submit(client_of(resident))
    assert response.status_code == 200
    assert "suggestions in the last hour" in response.content.decode()
    assert Suggestion.objects.count() == intake.MAX_PER_HOUR


def test_missing_csrf_token_is_refused(resident, home):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    response = submit(client)
    assert response.status_code == 403
    assert not Suggestion.objects.exists()


def test_detail_is_visible_to_the_submitter_only(client_of, suggestion, neighbour, resident):
    url = suggestion.get_absolute_url()
    assert client_of(resident).get(url).status_code == 200
    assert client_of(neighbour).get(url).status_code == 404


def test_detail_never_shows_staff_phone(
    client_of, suggestion, resident, community_worker, property_staff
):
    suggestion.status = Status.FOLLOW_UP
    suggestion.save()
    Step.objects.create(
        suggestion=suggestion,
        kind="answer",
        actor=community_worker,
        role="community_worker",
        note="已修好",
    )
    html = client_of(resident).get(suggestion.get_absolute_url()).content.decode()
    assert community_worker.phone not in html and "王书记" not in html
    assert "community worker" in html or "社区工作者" in html


def follow_up(suggestion, community_worker):
    actions.answer(suggestion, by=community_worker, text="已安排更换地胶。")
    suggestion.refresh_from_db()
    return suggestion


def test_submitter_rating_satisfied_closes(client_of, suggestion, resident, community_worker):
    follow_up(suggestion, community_worker)
    client = client_of(resident)
    assert "Please rate" in client.get(suggestion.get_absolute_url()).content.decode()
    response = client.post(
        reverse("suggestions:rate", args=[suggestion.reference]), {"rating": "satisfied"}
    )
    suggestion.refresh_from_db()
    assert response.status_code == 302 and suggestion.status == Status.CLOSED


def test_unsatisfied_reopens_and_says_so(client_of, suggestion, resident, community_worker):
    follow_up(suggestion, community_worker)
    response = client_of(resident).post(
        reverse("suggestions:rate", args=[suggestion.reference]),
        {"rating": "unsatisfied", "comment": "还是坏的"},
        follow=True,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED and suggestion.reopen_count == 1
    assert "reopened" in response.content.decode()


def test_rating_by_someone_else_is_refused(client_of, suggestion, community_worker, neighbour):
    follow_up(suggestion, community_worker)
    url = reverse("suggestions:rate", args=[suggestion.reference])
    assert client_of(neighbour).post(url, {"rating": "satisfied"}).status_code == 404
    assert client_of(community_worker).post(url, {"rating": "satisfied"}).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Status.FOLLOW_UP


def test_my_suggestions_lists_own_and_merged_into(
    client_of, resident, suggestion, community, neighbour, django_assert_max_num_queries
):
    theirs = SuggestionFactory(community=community, submitter=neighbour, text="别人的")
    suggestion.status, suggestion.merged_into = Status.MERGED, theirs
    suggestion.save()
    SuggestionFactory(community=community, submitter=neighbour, text="无关的")
    client = client_of(resident)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("suggestions:mine")).content.decode()
    assert suggestion.reference in html and theirs.reference in html and "无关的" not in html


def public_items(community, resident, count, **fields):
    return [
        SuggestionFactory(
            community=community, submitter=resident, status=Status.DISPATCHED, **fields
        )
        for _ in range(count)
    ]


def test_public_list_hides_names_phones_and_private_photos(
    client, community, resident, django_assert_max_num_queries
):
    named, hidden = public_items(community, resident, 2)
    named.show_name = True
    named.save()
    for s, public in ((named, True), (hidden, False)):
        Photo.objects.create(
            suggestion=s,
            kind=PhotoKind.SUBMISSION,
            image="a.jpg",
            thumbnail="a_t.jpg",
            public=public,
        )
    SuggestionFactory(community=community, text="还没分拨的")
    with django_assert_max_num_queries(8):
        html = client.get(reverse("suggestions:public", args=["lf"])).content.decode()
    assert named.reference in html and hidden.reference in html and "还没分拨的" not in html
    assert html.count("孙*") == 1 and "孙阿姨" not in html and resident.phone not in html
    private = Photo.objects.get(public=False)
    assert f"/photos/{private.pk}/" not in html
    assert f"/photos/{Photo.objects.get(public=True).pk}/" in html


def test_public_list_filters_by_status(client, community, resident):
    open_one = public_items(community, resident, 1)[0]
    closed = public_items(community, resident, 1)[0]
    closed.status = Status.CLOSED
    closed.save()
    html = client.get(reverse("suggestions:public", args=["lf"]), {"status": "closed"})
    assert closed.reference in html.content.decode()
    assert open_one.reference not in html.content.decode()


def test_public_query_count_does_not_grow(
    client, community, resident, compound, django_assert_max_num_queries
):
    public_items(community, resident, 30, compound=compound, show_name=True)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("suggestions:public", args=["lf"])).status_code == 200


def test_public_detail_shows_roles_not_staff(
    client, suggestion, community_worker, django_assert_max_num_queries
):
    actions.answer(suggestion, by=community_worker, text="已安排更换地胶。")
    with django_assert_max_num_queries(8):
        html = client.get(
            reverse("suggestions:public_detail", args=["lf", suggestion.reference])
        ).content.decode()
    assert "已安排更换地胶" in html and "王书记" not in html and community_worker.phone not in html


def test_public_pages_are_cached_until_the_next_recorded_change(
    client, suggestion, community_worker, resident, django_assert_num_queries
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    actions.answer(suggestion, by=community_worker, text="已安排更换地胶。")
    pages = [
        reverse("suggestions:public", args=["lf"]),
        reverse("suggestions:public_detail", args=["lf", suggestion.reference]),
    ]
    for url in pages:
        client.get(url)
        with django_assert_num_queries(1):  # the community and its version; the content is cached
            html = client.get(url).content.decode()
        assert ">awaiting your rating</span>" in html and ">completed</span>" not in html
    actions.rate(suggestion, by=resident, rating=Rating.SATISFIED)
    for url in pages:
        html = client.get(url).content.decode()
        assert ">completed</span>" in html and ">awaiting your rating</span>" not in html


def test_public_pages_are_cached_per_language(client, suggestion, community_worker):
    actions.answer(suggestion, by=community_worker, text="已安排更换地胶。")
    url = reverse("suggestions:public_detail", args=["lf", suggestion.reference])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Every step" in english and "Every step" not in chinese


def test_public_pages_keep_the_visitor_header_out_of_the_cache(
    client_of, client, suggestion, community_worker, resident
):
    actions.answer(suggestion, by=community_worker, text="已安排更换地胶。")
    url = reverse("suggestions:public_detail", args=["lf", suggestion.reference])
    client.get(url)  # cached by an anonymous visit
    html = client_of(resident).get(url).content.decode()
    assert "My suggestions" in html and "已安排更换地胶" in html


def test_public_detail_of_untriaged_is_missing(client, suggestion):
    url = reverse("suggestions:public_detail", args=["lf", suggestion.reference])
    assert client.get(url).status_code == 404


@pytest.fixture
def photo_of(resident, community, home):
    def make(public=False):
        s = intake.submit_suggestion(
            community=community,
            text="井盖松动",
            channel=Channel.ONLINE,
            by=resident,
            submitter=resident,
            home=home,
            photos_public=public,
            photos=[clean_photo(jpeg())],
        )
        return s, s.photos.get()

    return make


def test_photo_is_served_to_the_submitter_and_refused_to_others(
    client_of, client, photo_of, resident, neighbour
):
    s, photo = photo_of()
    url = reverse("suggestions:photo", args=[s.reference, photo.pk])
    thumb = reverse("suggestions:thumbnail", args=[s.reference, photo.pk])
    assert client.get(url).status_code in (302, 404)
    assert client_of(neighbour).get(url).status_code == 404
    mine = client_of(resident).get(thumb)
    assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"


def test_public_photo_of_public_item_is_served_to_anyone(client, photo_of):
    s, photo = photo_of(public=True)
    url = reverse("suggestions:photo", args=[s.reference, photo.pk])
    assert client.get(url).status_code == 404  # not yet triaged: not public
    Suggestion.objects.filter(pk=s.pk).update(
        status=Status.DISPATCHED, dispatched_at=timezone.now()
    )
    assert client.get(url).status_code == 200


def test_detail_query_count_is_pinned(
    client_of, photo_of, resident, community_worker, django_assert_max_num_queries
):
    s, _photo = photo_of()
    actions.answer(s, by=community_worker, text="已安排。")
    client = client_of(resident)
    with django_assert_max_num_queries(8):
        response = client.get(s.get_absolute_url())
    assert response.status_code == 200


def test_someone_without_a_home_here_picks_a_building(client_of, outsider, building):
    client = client_of(outsider)
    form = client.get(NEW, {"community": "lf"}).content.decode()
    assert 'name="place"' not in form and "1栋" in form
    client.post(NEW, {"community": "lf", "text": "路灯不亮", "building": str(building.pk)})
    assert Suggestion.objects.get().building == building
