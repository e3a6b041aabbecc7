"""A suggestion posted twice (a retry after a lost answer) is stored once; the hourly limit is
checked before any photo is decoded (issue 13, findings 5 and 11)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from roundtable.common import photos
from roundtable.common.idempotency import IdempotencyKeyField, new_key
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import HomeFactory
from roundtable.suggestions import intake
from roundtable.suggestions.models import Channel, Suggestion

NEW = "/suggestions/new/"
KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def client_of(client):
    def log_in(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return log_in


def key_in(response):
    return KEY.search(response.content.decode()).group(1)


def test_the_resident_form_carries_a_fresh_hidden_key_each_time(client_of, resident):
    client = client_of(resident)
    first, second = key_in(client.get(NEW)), key_in(client.get(NEW))
    assert first != second
    assert 'type="hidden" name="idempotency_key"' in client.get(NEW).content.decode()


def test_the_same_post_sent_twice_stores_one_suggestion_and_shows_it(client_of, resident, home):
    client = client_of(resident)
    key = key_in(client.get(NEW))
    data = {"text": "楼道灯坏了，晚上看不见。", "place": str(home.pk), "idempotency_key": key}
    first = client.post(NEW, {**data, "photos": [jpeg()]})
    again = client.post(NEW, {**data, "photos": [jpeg()]})
    suggestion = Suggestion.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == suggestion.get_absolute_url()
    assert suggestion.idempotency_key == key and suggestion.photos.count() == 1


def test_a_new_form_makes_a_new_suggestion(client_of, resident, home):
    client = client_of(resident)
    for _ in range(2):
        key = key_in(client.get(NEW))
        data = {"text": "楼道灯坏了", "place": str(home.pk), "idempotency_key": key}
        assert client.post(NEW, data).status_code == 302
    assert Suggestion.objects.count() == 2


def test_a_form_re_shown_after_an_error_keeps_its_key(client_of, resident, home):
    client = client_of(resident)
    key = key_in(client.get(NEW))
    refused = client.post(NEW, {"text": "", "place": str(home.pk), "idempotency_key": key})
    assert refused.status_code == 200 and key_in(refused) == key
    assert client.post(NEW, {"text": "灯坏了", "idempotency_key": key}).status_code == 302


def test_another_persons_key_is_not_theirs(resident, neighbour_resident, community):
    key = new_key()
    mine = _submit(community, resident, key)
    theirs = _submit(community, neighbour_resident, key)
    assert mine != theirs and Suggestion.objects.count() == 2


def test_the_action_returns_the_first_suggestion_for_a_repeated_key(resident, community):
    key = new_key()
    assert _submit(community, resident, key) == _submit(community, resident, key)
    assert Suggestion.objects.count() == 1


def test_the_database_refuses_a_second_row_with_the_persons_key(resident, community):
    first = _submit(community, resident, new_key())
    first.pk, first.reference = None, "LF-X"
    with pytest.raises(IntegrityError):
        first.save()


def test_posts_without_a_key_or_with_a_forged_one_are_not_deduplicated(resident, community):
    field = IdempotencyKeyField()
    assert field.clean("") == "" and field.clean("<script>") == ""
    _submit(community, resident, "")
    _submit(community, resident, "")
    assert Suggestion.objects.count() == 2


def test_a_slip_sent_twice_is_saved_once(client, grid_worker, resident):
    client.force_login(grid_worker)
    key = key_in(client.get(reverse("suggestions:slip")))
    data = {"where": "J5 1栋 301", "text": "楼道灯坏了", "channel": "grid_box"}
    data["idempotency_key"] = key
    first = client.post(reverse("suggestions:slip"), data)
    again = client.post(reverse("suggestions:slip"), data, follow=True)
    suggestion = resident.suggestions.get()
    assert first.status_code == 302 and suggestion.entered_by == grid_worker
    assert suggestion.reference in again.content.decode()


def test_over_the_hourly_limit_no_photo_is_decoded(client_of, resident, community, monkeypatch):
    for _ in range(intake.MAX_PER_HOUR):
        _submit(community, resident, "")
    decoded = []
    monkeypatch.setattr(photos, "_decoded", lambda upload: decoded.append(upload))
    client = client_of(resident)
    response = client.post(NEW, {"text": "楼道灯坏了", "photos": [jpeg() for _ in range(6)]})
    html = response.content.decode()
    assert response.status_code == 200 and decoded == []
    assert "suggestions in the last hour" in html and "楼道灯坏了" in html
    assert Suggestion.objects.count() == intake.MAX_PER_HOUR


@pytest.fixture
def neighbour_resident(home):
    """李大爷, a resident of the flat next door."""
    user = UserFactory(phone="13900000002", name="李大爷")
    ResidencyFactory(user=user, home=HomeFactory(unit=home.unit, room="302"))
    return user


def _submit(community, person, key):
    return intake.submit_suggestion(
        community=community,
        text="路灯坏了",
        channel=Channel.ONLINE,
        by=person,
        submitter=person,
        idempotency_key=key,
    )
