"""At the meeting: the check-in poster, staff checking in walk-ins, and the page used during it
(opinions per agenda item, the quorum, live polls of the people checked in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roundtable.people.permissions import Perm, may
from roundtable.votes import actions as votes_actions
from roundtable.votes.models import Poll

from . import actions
from .forms import (
    LivePollForm,
    NoInputForm,
    OpinionForm,
    RegisteredForm,
    WalkInForm,
    live_poll_fields,
)
from .models import ANNOUNCED, IN_SESSION, Opinion, Registration, Stance
from .models import RegistrationStatus as Reg
from .quorum import quorum
from .views_agenda import timed
from .views_common import back, qr_svg, run_page_action, staff_meeting


def check_in_url(request, meeting):
    return request.build_absolute_uri(reverse("meetings:check_in", args=[meeting.check_in_token]))


@login_required
def poster(request, pk):
    """The A4 poster for the door: scan the code to check in."""
    meeting = staff_meeting(request, pk, Perm.CHECK_IN)
    url = check_in_url(request, meeting)
    context = {"meeting": meeting, "url": url, "qr": qr_svg(url, title=meeting.title)}
    return render(request, "meetings/poster.html", context)


def _check_in_actions(meeting):
    def walk_in(by, data):
        return actions.check_in(meeting, by=by, name=data["name"], phone=data["phone"])

    return {
        "walk_in": (lambda data=None: WalkInForm(data, prefix="walk_in"), walk_in, ""),
        "registered": (
            lambda data=None: RegisteredForm(data, meeting=meeting, prefix="registered"),
            lambda by, data: actions.check_in(meeting, by=by, user=data["person"]),
            "",
        ),
    }


def _said(request, result):
    attendance, created = result
    name = attendance.display_name
    if created:
        messages.success(request, _("Checked in: %(name)s.") % {"name": name})
    else:
        messages.warning(
            request, _("%(name)s was already checked in; counted once.") % {"name": name}
        )


@login_required
def walk_in(request, pk):
    """Staff check people in: those registered with one tap, walk-ins by name or number."""
    meeting = staff_meeting(request, pk, Perm.CHECK_IN)
    page_actions = _check_in_actions(meeting)
    forms = {name: spec[0]() for name, spec in page_actions.items()}
    done, result = run_page_action(
        request, page_actions, forms, lambda call, data: call(request.user, data)
    )
    if done:
        _said(request, result)
        return back(request, "meetings:walk_in", meeting, "walk-in")
    attendances = meeting.attendances.select_related("user").order_by("-checked_in_at", "-pk")
    waiting = (
        Registration.objects.filter(meeting=meeting, status=Reg.REGISTERED)
        .exclude(user__meeting_attendances__meeting=meeting)
        .select_related("user")
        .order_by("user__name", "pk")
    )
    context = {
        "meeting": meeting,
        "forms": forms,
        "attendances": list(attendances),
        "not_yet": list(waiting),
        "open": meeting.check_in_is_open(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/walk_in.html", context, status=status)


@transaction.atomic
def start_live_poll(meeting, *, by, fields):
    """A yes/no poll of the people checked in, opened at once; refused if nobody is."""
    poll = votes_actions.create_poll(community=meeting.community, by=by, **fields)
    return votes_actions.open_poll(poll, by=by, attendees=list(meeting.checked_in_users()))


def _session_actions(meeting):
    def opinion(by, data):
        return actions.record_opinion(
            data["item"],
            by=by,
            stance=data["stance"],
            text=data["text"],
            speaker_name=data["speaker_name"],
        )

    def poll(by, data):
        return start_live_poll(meeting, by=by, fields=live_poll_fields(meeting, data))

    return {
        "opinion": (
            lambda data=None: OpinionForm(data, meeting=meeting, prefix="opinion"),
            opinion,
            gettext_lazy("The opinion is recorded."),
        ),
        "poll": (
            lambda data=None: LivePollForm(data, prefix="poll"),
            poll,
            gettext_lazy("The vote is open: the people checked in can vote now."),
        ),
        "hold": (
            lambda data=None: NoInputForm(data),
            lambda by, data: actions.hold_meeting(meeting, by=by),
            gettext_lazy("Marked as held. Write the minutes next."),
        ),
    }


@login_required
def session(request, pk):
    """The page open during the meeting."""
    meeting = staff_meeting(request, pk)
    page_actions = _session_actions(meeting)
    forms = {name: spec[0]() for name, spec in page_actions.items()}
    done, _result = run_page_action(
        request, page_actions, forms, lambda call, data: call(request.user, data)
    )
    if done:
        item = request.POST.get("opinion-item", "")
        return back(request, "meetings:session", meeting, f"item-{item}" if item else done)
    status = 400 if request.method == "POST" else 200
    context = _session_context(request, meeting, forms)
    return render(request, "meetings/session.html", context, status=status)


def _session_context(request, meeting, forms):
    opinions = Opinion.objects.select_related("speaker")
    items = meeting.agenda_items.prefetch_related(Prefetch("opinions", queryset=opinions))
    polls = Poll.objects.filter(meeting_id=meeting.pk, community=meeting.community_id)
    standing = quorum(meeting)
    return {
        "meeting": meeting,
        "items": timed(meeting, list(items)),
        "forms": forms,
        "present": meeting.attendances.count(),
        "quorum": standing,
        "missing": max(0, standing.needed - standing.present) if standing else 0,
        "polls": polls.order_by("-created_at", "-pk"),
        "recording": meeting.status in IN_SESSION,
        "may_poll": may(request.user, Perm.RUN_POLL, meeting.community),
        "may_hold": meeting.status in ANNOUNCED and meeting.starts_at <= timezone.now(),
        "stances": Stance.choices,
        "failed_item": _failed_item(forms["opinion"]),
    }


def _failed_item(form):
    """The agenda item whose opinion form was refused, to show its errors there."""
    if not form.is_bound or not form.errors:
        return None
    try:
        return int(form.data.get("opinion-item", ""))
    except ValueError:
        return None
