"""What people are told after each step: the submitter by SMS and in-app, staff in-app."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from roundtable.common.dates import cn_datetime
from roundtable.notifications.actions import notify

# step kind → (message for the submitter, whether it also goes by SMS)
FOR_SUBMITTER = {
    "submitted": (
        gettext_noop(
            "Your suggestion %(ref)s was received. We will tell you who handles it and by when."
        ),
        True,
    ),
    "dispatch": (gettext_noop("%(ref)s was accepted: %(owner)s will answer by %(due)s."), True),
    "reject": (gettext_noop("%(ref)s was not accepted: %(note)s"), True),
    "merge": (
        gettext_noop("%(ref)s is the same matter as %(note)s; follow that one from now on."),
        True,
    ),
    "answer": (
        gettext_noop("%(ref)s was answered: %(note)s Please say whether you are satisfied."),
        True,
    ),
    "approve_response": (
        gettext_noop("%(ref)s has been handled: %(result)s Please say whether you are satisfied."),
        True,
    ),
    "decide_termination": (gettext_noop("The handling of %(ref)s has ended: %(note)s"), False),
}
FOR_OWNER = {
    "dispatch": gettext_noop("New suggestion %(ref)s for you: please accept it by %(accept_by)s."),
    "send_back": gettext_noop("%(ref)s was sent back: %(note)s"),
    "rate": gettext_noop("%(ref)s was rated %(rating)s. %(note)s"),
    "flag_overdue": gettext_noop("%(ref)s is overdue and now supervised (督办)."),
    "decide_extension": gettext_noop("Extension for %(ref)s: %(note)s"),
}


def after_step(step):
    """Send what a step calls for, in the default language (residents read Chinese).

    Called on commit with the step just written and its suggestion as the action left it.
    """
    with translation.override(settings.LANGUAGE_CODE):
        _tell_submitter(step)
        _tell_owner(step)


def _values(step):
    s = step.suggestion
    return {
        "ref": s.reference,
        "owner": s.owner.name if s.owner else "",
        "due": cn_datetime(s.resolve_by),
        "accept_by": cn_datetime(s.accept_by),
        "note": step.note,
        "result": s.result,
        "rating": s.get_rating_display(),
    }


def _tell_submitter(step):
    suggestion = step.suggestion
    if step.kind not in FOR_SUBMITTER or suggestion.submitter is None:
        return
    if step.actor_id == suggestion.submitter_id and step.kind != "submitted":
        return
    template, by_sms = FOR_SUBMITTER[step.kind]
    notify(
        suggestion.submitter,
        _(template) % _values(step),
        url=suggestion.get_absolute_url(),
        sms=by_sms,
    )


def _tell_owner(step):
    """In-app notice to the owner organisation's staff who hold a handling role."""
    from .permissions import owner_staff

    if step.kind not in FOR_OWNER or step.suggestion.owner_id is None:
        return
    text = _(FOR_OWNER[step.kind]) % _values(step)
    for user in owner_staff(step.suggestion):
        if user.pk != step.actor_id:
            notify(user, text, url=step.suggestion.get_absolute_url())
