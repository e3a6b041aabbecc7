"""The helpers every app's actions and views share: refusals, checks, refresh and `run`."""

from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from roundtable.common.actions import InvalidTransition, check, refresh
from roundtable.common.views import posted, run


def _request(method="post"):
    request = getattr(RequestFactory(), method)("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _refuse(exception):
    def call():
        raise exception

    return call


def test_an_invalid_transition_keeps_the_status_and_the_action():
    error = InvalidTransition("closed", "accept")
    assert (error.status, error.action) == ("closed", "accept")


def test_check_refuses_with_the_message():
    check(True, "unused")
    with pytest.raises(ValidationError) as refused:
        check("", "Give the reason.")
    assert refused.value.messages == ["Give the reason."]


def test_refresh_copies_the_saved_fields_but_not_the_private_state():
    mine = SimpleNamespace(status="open", _state="mine")
    refresh(mine, SimpleNamespace(status="closed", _state="theirs"))
    assert (mine.status, mine._state) == ("closed", "mine")


def test_posted_is_the_form_data_of_a_post_alone():
    assert posted(_request("get")) is None
    assert posted(_request()) is not None


def test_run_returns_the_result_and_says_the_success():
    request = _request()
    assert run(request, lambda: None, success="Done.") is True
    assert run(request, lambda: 7) == 7
    assert _said(request) == [("success", "Done.")]


def test_run_words_an_invalid_transition_in_the_apps_terms():
    request = _request()
    call = _refuse(InvalidTransition("closed", "accept"))
    assert run(request, call, refusal=lambda e: f"It is {e.status}.") is None
    assert _said(request) == [("error", "It is closed.")]


def test_run_puts_bad_input_on_the_form_or_in_a_message():
    form = forms.Form({})
    form.is_valid()
    request = _request()
    assert run(request, _refuse(ValidationError("Too long.")), form) is None
    assert form.non_field_errors() == ["Too long."] and _said(request) == []
    assert run(request, _refuse(ValidationError("Too long."))) is None
    assert _said(request) == [("error", "Too long.")]
