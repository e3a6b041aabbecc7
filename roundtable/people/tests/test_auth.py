"""Who is asking: Django's database sessions and ModelBackend, logging in by mobile number."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_backends
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_django_s_own_sessions_and_backend_are_used():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    # ModelBackend itself, behind the login limits (people/backends.py).
    (backend,) = get_backends()
    assert isinstance(backend, ModelBackend)
    assert type(backend).authenticate is not ModelBackend.authenticate


def test_a_person_logs_in_by_mobile_number_and_password():
    user = UserFactory(phone="13900000077")
    assert authenticate(None, phone="13900000077", password="correct horse 42") == user
    assert authenticate(None, phone="13900000077", password="wrong") is None
    assert authenticate(None, phone="13900000078", password="correct horse 42") is None


def test_an_inactive_person_cannot_log_in():
    UserFactory(phone="13900000079", is_active=False)
    assert authenticate(None, phone="13900000079", password="correct horse 42") is None


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


def test_a_logged_in_page_knows_the_person_from_two_reads(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    with django_assert_num_queries(2):  # the session, then the person: nothing else to log in
        response = client.get("/healthz/")
        assert response.wsgi_request.user == user  # read when first asked for


def test_a_deactivated_person_is_logged_out(client):
    user = UserFactory()
    client.force_login(user)
    user.is_active = False
    user.save()
    response = client.get("/me/")
    assert not response.wsgi_request.user.is_authenticated
