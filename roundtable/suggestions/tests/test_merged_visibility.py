"""A duplicate's submitter follows the kept suggestion as the public sees it, plus their own."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from roundtable.common.photos import clean_photo
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory
from roundtable.suggestions import actions, intake
from roundtable.suggestions.models import Channel

KEPT_TEXT = "楼下路灯坏了三天了，请联系我13912345678。"


def jpeg(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return clean_photo(SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg"))


@pytest.fixture
def first(home):
    """李大爷, who reported the broken lamp first, from room 502."""
    other = HomeFactory(unit=UnitFactory(building=home.unit.building, name="2单元"), room="502")
    user = UserFactory(phone="13900000002", name="李大爷")
    ResidencyFactory(user=user, home=other)
    return user


@pytest.fixture
def merged(first, resident, community, community_worker, property_company):
    """(kept, duplicate): 李大爷's suggestion, dispatched; 孙阿姨's, merged into it."""

    def submit(user, text, photos, public):
        home = user.residencies.get().home
        return intake.submit_suggestion(
            community=community,
            text=text,
            channel=Channel.ONLINE,
            by=user,
            submitter=user,
            home=home,
            photos_public=public,
            photos=photos,
        )

    kept = submit(first, KEPT_TEXT, [jpeg("red")], public=False)
    intake._attach(kept, kept.steps.get(), [jpeg("blue")], "submission", public=True)
    duplicate = submit(resident, "路灯不亮", [], public=False)
    actions.dispatch(kept, by=community_worker, owner=property_company)
    actions.merge(duplicate, by=community_worker, into=kept)
    return kept, duplicate


@pytest.fixture
def as_resident(client, resident):
    client.force_login(resident)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_duplicates_submitter_sees_the_kept_suggestion_as_the_public_does(merged, as_resident):
    kept, _duplicate = merged
    response = as_resident.get(reverse("suggestions:detail", args=[kept.reference]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "139****5678" in html and "13912345678" not in html
    assert "李大爷" not in html and "502" not in html
    private, public = kept.photos.order_by("pk")
    assert f"/photos/{private.pk}/" not in html and f"/photos/{public.pk}/" in html


def test_duplicates_submitter_gets_404_for_the_kept_suggestions_private_photo(merged, as_resident):
    kept, _duplicate = merged
    private, public = kept.photos.order_by("pk")
    for name in ("suggestions:photo", "suggestions:thumbnail"):
        assert as_resident.get(reverse(name, args=[kept.reference, private.pk])).status_code == 404
        assert as_resident.get(reverse(name, args=[kept.reference, public.pk])).status_code == 200


def test_duplicates_submitter_still_sees_their_own_merged_suggestion(merged, as_resident):
    kept, duplicate = merged
    html = as_resident.get(reverse("suggestions:detail", args=[duplicate.reference]))
    assert html.status_code == 200
    assert "路灯不亮" in html.content.decode() and kept.reference in html.content.decode()


def test_my_suggestions_shows_the_kept_one_masked(merged, as_resident):
    kept, duplicate = merged
    html = as_resident.get(reverse("suggestions:mine")).content.decode()
    assert kept.reference in html and duplicate.reference in html
    assert "13912345678" not in html and "李大爷" not in html


def test_duplicates_submitter_may_not_open_the_staff_pages_of_the_kept_one(merged, as_resident):
    kept, _duplicate = merged
    for name in ("suggestions:handle", "suggestions:triage_item"):
        assert as_resident.get(reverse(name, args=[kept.reference])).status_code == 404


def test_duplicates_submitter_may_not_rate_the_kept_one(merged, as_resident):
    kept, _duplicate = merged
    url = reverse("suggestions:rate", args=[kept.reference])
    assert as_resident.post(url, {"rating": "satisfied"}).status_code == 404


def test_the_first_submitter_still_sees_everything_of_their_own(merged, client, first):
    kept, _duplicate = merged
    client.force_login(first)
    html = client.get(reverse("suggestions:detail", args=[kept.reference])).content.decode()
    private, _public = kept.photos.order_by("pk")
    assert "13912345678" in html and f"/photos/{private.pk}/" in html
