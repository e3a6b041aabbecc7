"""Background work on suggestions: the deadline sweep, the figures' check against a recount and
the morning digest (django-tasks).

`manage.py tick` enqueues them; `manage.py db_worker` runs them. Each is safe to run again.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from roundtable.common.actions import InvalidTransition
from roundtable.notifications.actions import notify
from roundtable.people.models import RoleAssignment
from roundtable.people.permissions import Perm, role_has
from roundtable.places.models import Community
from roundtable.workdays.calendar import load_calendar

from . import actions, summaries
from .models import HANDLING, Status, Suggestion
from .permissions import owner_staff
from .reminders import Reminder, ReminderKind

ACCEPT_WARNING = timedelta(hours=2)
URGENT_ACCEPT_WARNING = timedelta(minutes=30)
AUTO_CLOSE_AFTER = timedelta(days=7)


@task()
def sweep_deadlines():
    """One pass: flag what is overdue, remind before deadlines, close unrated answered items."""
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        counts = {
            "flagged": _flag_overdue(now),
            "reminded": _remind_accept(now) + _remind_resolve(now),
            "closed": _auto_close(now),
        }
    return counts


def _flag_overdue(now):
    flagged = 0
    for suggestion in Suggestion.objects.overdue(now).filter(is_overdue=False):
        try:
            actions.flag_overdue(suggestion)
        except InvalidTransition:
            continue  # moved on since the query; the next pass will see it
        flagged += 1
    return flagged


def _remind_accept(now):
    soon = Suggestion.objects.filter(
        status=Status.DISPATCHED, accept_by__gt=now, accept_by__lte=now + ACCEPT_WARNING
    )
    sent = 0
    for s in soon.select_related("building", "compound", "community"):
        warning = URGENT_ACCEPT_WARNING if s.urgent else ACCEPT_WARNING
        if s.accept_by <= now + warning:
            text = _("Reminder: accept %(ref)s by %(when)s.")
            sent += _remind(s, ReminderKind.ACCEPT, s.accept_by, text)
    return sent


def _remind_resolve(now):
    one_day_on = load_calendar().add_working_days(now, 1)
    soon = Suggestion.objects.filter(
        status__in=[Status.DISPATCHED, *HANDLING], resolve_by__gt=now, resolve_by__lte=one_day_on
    )
    sent = 0
    for s in soon.select_related("building", "compound", "community"):
        text = _("Reminder: %(ref)s must be resolved by %(when)s.")
        sent += _remind(s, ReminderKind.RESOLVE, s.resolve_by, text)
    return sent


def _remind(suggestion, kind, deadline, text):
    """Tell the owner's staff once per deadline; 1 if sent now, 0 if sent before."""
    try:
        with transaction.atomic():
            Reminder.objects.create(suggestion=suggestion, kind=kind, deadline=deadline)
    except IntegrityError:
        return 0
    when = timezone.localtime(deadline).strftime("%m-%d %H:%M")
    message = text % {"ref": suggestion.reference, "when": when}
    for user in owner_staff(suggestion):
        notify(user, message, url=suggestion.get_absolute_url(), sms=True)
    return 1


def _auto_close(now):
    stale = Suggestion.objects.filter(
        status=Status.FOLLOW_UP, rating="", responded_at__lte=now - AUTO_CLOSE_AFTER
    )
    closed = 0
    for suggestion in stale:
        try:
            actions.auto_close(suggestion)
        except InvalidTransition:
            continue  # rated since the query
        closed += 1
    return closed


@task()
def check_figures():
    """Each community's figures summary against a recount of its suggestions: where they differ
    (a write that bypassed the actions, such as the admin's), rewritten and logged. Returns
    {community code: summary rows that differed} of those repaired."""
    repaired = {}
    for community in Community.objects.order_by("pk"):
        drift = summaries.check(community)
        if drift:
            repaired[community.code] = len(drift)
    return repaired


@task()
def daily_digest():
    """Each community worker's morning summary of their community, in the inbox and by SMS."""
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for community in Community.objects.order_by("pk"):
            workers = triage_staff(community)
            if not workers:
                continue
            text = digest_text(community, digest_counts(community, timezone.now()))
            for user in workers:
                notify(user, text, url=reverse("suggestions:triage"), sms=True)
                sent += 1
    return sent


def triage_staff(community):
    """Active people who triage for the whole community (community workers)."""
    held = RoleAssignment.objects.filter(community=community).select_related("user")
    return sorted(
        {a.user for a in held if role_has(a.role, Perm.TRIAGE) and a.user.is_active},
        key=lambda u: u.pk,
    )


def digest_counts(community, now):
    items = Suggestion.objects.filter(community=community)
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    late = items.open().filter(Q(is_overdue=True) | Q(pk__in=items.overdue(now).values("pk")))
    review = items.open().filter(
        Q(status=Status.RESPONDED)
        | Q(pending_extension_until__isnull=False)
        | Q(pending_termination=True)
    )
    return {
        "new": items.filter(submitted_at__gte=start - timedelta(days=1)).count(),
        "triage": items.filter(status=Status.SUBMITTED).count(),
        "overdue": late.count(),
        "review": review.count(),
    }


def digest_text(community, counts):
    return _(
        "%(community)s today: %(new)d new since yesterday, %(triage)d awaiting triage, "
        "%(overdue)d overdue, %(review)d awaiting your review."
    ) % {"community": community.name, **counts}
