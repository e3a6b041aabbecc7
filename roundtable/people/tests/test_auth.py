"""The session and person read on every logged-in request (people/auth.py): Django's behaviour."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roundtable.people.auth import Backend, SessionStore

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_stored_session_loads_with_its_data():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    again = SessionStore(store.session_key)
    assert again["answer"] == 42
    assert again.session_key == store.session_key


def test_an_expired_session_is_empty_and_gets_a_new_key():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    again = SessionStore(store.session_key)
    assert again.get("answer") is None
    assert again.session_key is None


def test_an_unknown_session_key_is_empty():
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_the_person_is_read_whole_in_one_query():
    user = UserFactory(name="孙阿姨")
    with CaptureQueriesContext(connection) as queries:
        found = Backend().get_user(str(user.pk))
    assert len(queries) == 1
    assert (found.pk, found.phone, found.name, found.date_joined) == (
        user.pk,
        user.phone,
        "孙阿姨",
        user.date_joined,
    )
    assert found.check_password("correct horse 42")


def test_an_inactive_missing_or_malformed_person_is_nobody():
    inactive = UserFactory(is_active=False)
    assert Backend().get_user(str(inactive.pk)) is None
    assert Backend().get_user("999999") is None
    assert Backend().get_user("not a number") is None


def test_a_logged_in_page_knows_the_person(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/me/")
    assert response.wsgi_request.user == user
