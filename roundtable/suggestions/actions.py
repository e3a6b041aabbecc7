"""Every change to a suggestion: intake, then one action per row of the transition table.

Each action checks permission, moves the status under a row lock (so of two people acting at
once only one succeeds), writes a Step for the timeline and an audit event, and leaves messages
to be sent after the commit.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.audit.log import record
from roundtable.common.actions import InvalidTransition, check, refresh

from . import deadlines, messages, summaries
from .models import SYSTEM, TRANSITIONS, Rating, Status, Step, StepKind, Suggestion
from .permissions import may_move, role_for

ACTION_LABELS = {kind.value: kind.label for kind in StepKind}


def refusal(error):
    """An InvalidTransition of a suggestion, in words: what it is now and what it cannot be."""
    return _("This suggestion is “%(status)s” now, so it cannot be “%(action)s”.") % {
        "status": Status(error.status).label,
        "action": ACTION_LABELS.get(error.action, error.action),
    }


@transaction.atomic
def _transition(suggestion, action, *, by, note="", target=None, precheck=None, **fields):
    """Move `suggestion` by the table row `action`; returns the Step written."""
    move = TRANSITIONS[action]
    current = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    allowed = move.permission == SYSTEM if by is None else may_move(by, current, move.permission)
    if not allowed:
        raise PermissionDenied(_("You may not do this to this suggestion."))
    if current.status not in move.sources:
        raise InvalidTransition(current.status, action)
    if precheck:
        precheck(current)
    before = current.status
    for name, value in {**fields, "status": target or move.target or before}.items():
        setattr(current, name, value)
    with summaries.counting_change(current):
        current.save()
    role = role_for(by, current, move.permission)
    step = Step.objects.create(
        suggestion=current,
        kind=action,
        from_status=before,
        to_status=current.status,
        actor=by,
        role=role,
        note=note,
    )
    record(
        current,
        f"suggestion.{action}",
        by=by,
        role=role,
        community=current.community,
        status=current.status,
        note=note[:500],
    )
    refresh(suggestion, current)
    transaction.on_commit(lambda: messages.after_step(step))
    return step


def dispatch(suggestion, *, by, owner, category=None, urgent=False, note="", resolve_by=None):
    """Accept the suggestion as valid and send it to `owner` with accept-by and resolve-by.

    resolve_by defaults to the category's working days; a meeting's resolution sets its own.
    """
    check(
        owner.community_id in (None, suggestion.community_id),
        _("Choose an organisation of this community."),
    )
    category = category or suggestion.category or suggestion.suggested_category
    now = timezone.now()
    hours = 2 if urgent else (category.accept_hours if category else 24)
    days = category.respond_days if category else 5
    return _transition(
        suggestion,
        "dispatch",
        by=by,
        note=note,
        owner=owner,
        category=category,
        urgent=urgent,
        dispatched_at=now,
        accept_by=now + timedelta(hours=hours),
        resolve_by=resolve_by or deadlines.after_working_days(now, days),
        is_overdue=False,
    )


def reject(suggestion, *, by, reason):
    """Not accepted (invalid); the reason is shown to the submitter."""
    check(reason.strip(), _("Give the reason; the resident will read it."))
    return _transition(suggestion, "reject", by=by, note=reason, invalid_reason=reason)


def merge(suggestion, *, by, into):
    """A duplicate: its submitter follows the surviving suggestion from now on."""
    check(into.pk != suggestion.pk, _("A suggestion cannot be merged into itself."))
    check(
        into.community_id == suggestion.community_id
        and into.status not in {Status.INVALID, Status.MERGED},
        _("Merge into a valid suggestion of this community."),
    )
    return _transition(suggestion, "merge", by=by, note=into.reference, merged_into=into)


def answer(suggestion, *, by, text):
    """Answered on the spot: counts as responded; the submitter is asked to rate it."""
    check(text.strip(), _("Write the answer the resident will read."))
    return _transition(
        suggestion, "answer", by=by, note=text, result=text, responded_at=timezone.now()
    )


def accept(suggestion, *, by, note=""):
    """The owner organisation takes the suggestion on."""
    return _transition(suggestion, "accept", by=by, note=note, accepted_at=timezone.now())


def return_suggestion(suggestion, *, by, reason):
    """The owner organisation hands it back to triage, with a reason (首接负责)."""
    check(reason.strip(), _("Say why it is not yours to handle."))
    return _transition(
        suggestion,
        "return",
        by=by,
        note=reason,
        owner=None,
        accept_by=None,
        resolve_by=None,
        dispatched_at=None,
    )


def contact(suggestion, *, by, note=""):
    """The owner organisation has contacted the requester (响应)."""
    return _transition(suggestion, "contact", by=by, note=note, contacted_at=timezone.now())


def request_extension(suggestion, *, by, until, reason):
    """Ask for a later resolve-by date; the community decides."""
    check(reason.strip(), _("Give the reason for the extension."))
    check(
        suggestion.resolve_by is None or until > suggestion.resolve_by,
        _("The new date must be later than the present deadline."),
    )
    return _transition(
        suggestion, "request_extension", by=by, note=reason, pending_extension_until=until
    )


def decide_extension(suggestion, *, by, approve, note=""):
    """Approve (the deadline moves) or refuse a requested extension."""

    def pending(current):
        check(current.pending_extension_until, _("No extension has been requested."))

    fields = {"pending_extension_until": None}
    if approve:
        fields["resolve_by"] = suggestion.pending_extension_until
        fields["is_overdue"] = False
    verdict = _("approved") if approve else _("refused")
    return _transition(
        suggestion,
        "decide_extension",
        by=by,
        note=f"{verdict} {note}".strip(),
        precheck=pending,
        **fields,
    )


def elevate(suggestion, *, by, note=""):
    """No single organisation can settle it: it becomes an agenda candidate for a meeting."""
    return _transition(suggestion, "elevate", by=by, note=note)


def resume(suggestion, *, by, note=""):
    """After deliberation, handling goes on."""
    return _transition(suggestion, "resume", by=by, note=note)


def respond(suggestion, *, by, result):
    """The owner organisation reports the result (已答复); photos are attached by the caller."""
    check(result.strip(), _("Describe what was done."))
    return _transition(
        suggestion, "respond", by=by, note=result, result=result, responded_at=timezone.now()
    )


def approve_response(suggestion, *, by, note=""):
    """The community checks the response; the submitter is then asked to rate it."""
    return _transition(suggestion, "approve_response", by=by, note=note)


def send_back(suggestion, *, by, note):
    """The response is not good enough: back to handling."""
    check(note.strip(), _("Say what is still missing."))
    return _transition(suggestion, "send_back", by=by, note=note)


def rate(suggestion, *, by, rating, comment=""):
    """The submitter's rating: satisfied closes it, unsatisfied reopens it."""
    rating = Rating(rating)
    fields = {"rating": rating, "rating_comment": comment, "rated_at": timezone.now()}
    if rating == Rating.UNSATISFIED:
        target = Status.IN_PROGRESS if suggestion.owner_id else Status.SUBMITTED
        fields["reopen_count"] = suggestion.reopen_count + 1
        return _transition(suggestion, "rate", by=by, note=comment, target=target, **fields)
    return _transition(suggestion, "rate", by=by, note=comment, closed_at=timezone.now(), **fields)


def auto_close(suggestion):
    """Closed without a rating, some days after the response (by the system)."""
    return _transition(suggestion, "auto_close", by=None, closed_at=timezone.now())


def request_termination(suggestion, *, by, reason):
    """The owner organisation asks to stop handling (e.g. unlawful); the community decides."""
    check(reason.strip(), _("Give the reason for ending it."))
    return _transition(
        suggestion, "request_termination", by=by, note=reason, pending_termination=True
    )


def decide_termination(suggestion, *, by, approve, note=""):
    """Approve the termination (it ends) or refuse it (handling goes on)."""

    def pending(current):
        check(current.pending_termination, _("No termination has been requested."))

    target = Status.TERMINATED if approve else None
    fields = {"pending_termination": False}
    if approve:
        fields["closed_at"] = timezone.now()
    verdict = _("approved") if approve else _("refused")
    return _transition(
        suggestion,
        "decide_termination",
        by=by,
        target=target,
        precheck=pending,
        note=f"{verdict} {note}".strip(),
        **fields,
    )


def flag_overdue(suggestion):
    """Past a deadline: flagged for supervision (督办) by the system."""
    return _transition(suggestion, "flag_overdue", by=None, is_overdue=True)
