"""The transition table, exhaustively: every status × action × persona.

An allowed step moves the status as the table says and is recorded (a Step and an audit
event); every other attempt is refused — PermissionDenied when the person may not, or
InvalidTransition when the status does not allow it — and changes nothing.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from roundtable.audit.models import Event
from roundtable.people.permissions import Perm
from roundtable.suggestions import actions
from roundtable.suggestions.actions import InvalidTransition
from roundtable.suggestions.models import SYSTEM, TRANSITIONS, Rating, Status, Step, Suggestion

from .factories import SuggestionFactory

LATER = timezone.now() + timedelta(days=30)

# Each action called the way a page would call it.
CALLS = {
    "dispatch": lambda s, by, o: actions.dispatch(s, by=by, owner=o["org"]),
    "reject": lambda s, by, o: actions.reject(s, by=by, reason="不属于社区事务"),
    "merge": lambda s, by, o: actions.merge(s, by=by, into=o["survivor"]),
    "answer": lambda s, by, o: actions.answer(s, by=by, text="已当场解释"),
    "accept": lambda s, by, o: actions.accept(s, by=by),
    "return": lambda s, by, o: actions.return_suggestion(s, by=by, reason="不是物业的事"),
    "contact": lambda s, by, o: actions.contact(s, by=by),
    "request_extension": lambda s, by, o: actions.request_extension(
        s, by=by, until=LATER + timedelta(days=10), reason="等配件"
    ),
    "decide_extension": lambda s, by, o: actions.decide_extension(s, by=by, approve=True),
    "elevate": lambda s, by, o: actions.elevate(s, by=by, note="需要议事"),
    "resume": lambda s, by, o: actions.resume(s, by=by),
    "respond": lambda s, by, o: actions.respond(s, by=by, result="已更换地胶"),
    "approve_response": lambda s, by, o: actions.approve_response(s, by=by),
    "send_back": lambda s, by, o: actions.send_back(s, by=by, note="照片不清楚"),
    "rate": lambda s, by, o: actions.rate(s, by=by, rating=Rating.SATISFIED),
    "auto_close": lambda s, by, o: actions.auto_close(s),
    "request_termination": lambda s, by, o: actions.request_termination(s, by=by, reason="违法"),
    "decide_termination": lambda s, by, o: actions.decide_termination(s, by=by, approve=True),
    "flag_overdue": lambda s, by, o: actions.flag_overdue(s),
}
PERSONAS = ["submitter", "community_worker", "property_staff", "grid_worker", "outsider", "system"]
# Who holds each kind of permission on a suggestion dispatched to the property staff's
# organisation.
HOLDERS = {
    Perm.TRIAGE: {"community_worker"},
    Perm.HANDLE_DISPATCHED: {"property_staff"},
    None: {"submitter"},
    SYSTEM: {"system"},
}
SYSTEM_ONLY = {"auto_close", "flag_overdue"}


def test_every_action_has_a_call():
    assert set(CALLS) == set(TRANSITIONS)


@pytest.fixture
def people(
    resident, community_worker, property_staff, grid_worker, outsider, property_company, suggestion
):
    survivor = SuggestionFactory(
        community=suggestion.community, reference="LF-2026-999999", status=Status.DISPATCHED
    )
    return {
        "submitter": resident,
        "community_worker": community_worker,
        "property_staff": property_staff,
        "grid_worker": grid_worker,
        "outsider": outsider,
        "system": None,
        "org": property_company,
        "survivor": survivor,
    }


def _in_status(suggestion, status, org):
    """The fixture suggestion put straight into `status`, with whatever that status implies."""
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status=status,
        owner=org,
        resolve_by=LATER,
        pending_extension_until=LATER + timedelta(1),
        pending_termination=True,
        is_overdue=False,
        responded_at=None,
    )
    return Suggestion.objects.get(pk=suggestion.pk)


def _expected(action, persona):
    if action in SYSTEM_ONLY:
        return persona == "system"
    return persona in HOLDERS[TRANSITIONS[action].permission]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_transition(people, suggestion, action, persona):
    move, by = TRANSITIONS[action], people[persona]
    moved = 0
    for status in Status:
        s = _in_status(suggestion, status, people["org"])
        steps, events = Step.objects.count(), Event.objects.count()
        permitted = _expected(action, persona)
        if permitted and status in move.sources:
            step = CALLS[action](s, by, people)
            s.refresh_from_db()
            assert s.status == (_target(action, status)), (action, status)
            assert step.kind == action and step.from_status == status
            assert Event.objects.count() == events + 1
            moved += 1
            continue
        error = PermissionDenied if not permitted else InvalidTransition
        through_mover = persona == "system" or action in SYSTEM_ONLY
        with pytest.raises(error):
            _call_as(s, by, action) if through_mover else CALLS[action](s, by, people)
        s.refresh_from_db()
        assert s.status == status
        assert (Step.objects.count(), Event.objects.count()) == (steps, events)
    assert moved == (len(move.sources) if _expected(action, persona) else 0)


def _call_as(suggestion, by, action):
    """Steps taken through the one mover: how a person would try a system step, and back."""
    from roundtable.suggestions.actions import _transition

    return _transition(suggestion, action, by=by)


def _target(action, status):
    move = TRANSITIONS[action]
    if action == "decide_termination":
        return Status.TERMINATED
    return move.target or status
