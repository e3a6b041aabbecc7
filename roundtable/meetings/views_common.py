"""What the meeting pages share: fetching a meeting for staff, running an action, the QR code."""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from roundtable.audit import versions
from roundtable.common import views
from roundtable.people.permissions import Perm, communities_in_scope, may, require
from roundtable.places.models import Community

from .actions.common import refusal
from .models import Meeting, Registration
from .models import RegistrationStatus as Reg

# What permission checks read about a meeting's place, loaded with the meeting itself.
RELATED = ("community", "station__community", "station__compound__community", "organiser",
           "minutes")  # fmt: skip


def staff_communities(user):
    """Communities where the person organises meetings or checks people in."""
    found = communities_in_scope(user, Perm.ORGANISE_MEETING) | communities_in_scope(
        user, Perm.CHECK_IN
    )
    return found.distinct().order_by("name")


def staff_meeting(request, pk, permission=Perm.ORGANISE_MEETING):
    """The meeting, if the person may see it (else 404), and act on it (else 403)."""
    visible = Meeting.objects.visible_to(request.user).select_related(*RELATED)
    meeting = get_object_or_404(visible, pk=pk)
    require(may(request.user, permission, meeting.permission_place))
    return meeting


def public_meeting(user, code, pk):
    """A listed meeting of the community named by `code` (drafts only for their organisers)."""
    visible = Meeting.objects.visible_to(user).select_related(*RELATED)
    return get_object_or_404(visible, pk=pk, community__code=code)


def versioned_community(code, meeting_pk=None, user=None):
    """The community with its version (audit/versions.py), in one query; 404 if none.

    Returns (community, registration): with a meeting and a logged-in person, the same query
    reads their registration for it, (status, place on the waiting list); else (None, 0).
    """
    communities = versions.versioned(Community.objects.filter(code=code))
    if meeting_pk is None or not getattr(user, "is_authenticated", False):
        return get_object_or_404(communities), (None, 0)
    found = get_object_or_404(communities.annotate(**_registration(meeting_pk, user)))
    return found, (found.registration_status, found.waiting_place)


def _registration(meeting_pk, user):
    """The person's status, and how many wait at or before their place (0 unless they wait):
    the registration (meeting, user) is unique."""
    theirs = Registration.objects.filter(meeting_id=meeting_pk, user=user)
    waiting = Registration.objects.filter(meeting_id=meeting_pk, status=Reg.WAITLISTED)
    ahead = waiting.filter(
        position__lte=Subquery(theirs.filter(status=Reg.WAITLISTED).values("position"))
    )
    counted = ahead.order_by().values("meeting_id").annotate(n=Count("pk")).values("n")
    return {
        "registration_status": Subquery(theirs.values("status")),
        "waiting_place": Coalesce(Subquery(counted), 0),
    }


def run(request, call, form=None, success=""):
    """common.views.run, a refused move worded as a meeting's; the result, or None if refused.

    A refused permission is a message here too, not an error page: a check-in code of another
    meeting, an account closed meanwhile.
    """
    try:
        return views.run(request, call, form, success, refusal=refusal)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this here."))
        return None


def run_page_action(request, actions, forms, call_with):
    """Handle a POST naming one of `actions` (name → (form factory, call, message)).

    Returns (name, the action's result) when it was done, else (None, None); a refused form
    stays in `forms` with its errors.
    """
    name = request.POST.get("action")
    if request.method != "POST" or name not in actions:
        return None, None
    make, call, success = actions[name]
    forms[name] = form = make(request.POST)
    if not form.is_valid():
        return None, None
    done = run(request, lambda: call_with(call, form.cleaned_data), form, str(success or ""))
    return (name, done) if done is not None else (None, None)


def back(request, name, meeting, anchor=""):
    url = reverse(name, args=[meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def qr_svg(url, title):
    """`url` as an inline SVG QR code (scalable, prints sharp, no image request)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, omitsize=True, title=title)
    return mark_safe(svg)  # noqa: S308 — segno writes the markup and escapes the title


def registration_counts(meeting):
    """How many are registered and waiting, in one query."""
    return meeting.registrations.aggregate(
        registered=Count("pk", filter=Q(status=Reg.REGISTERED)),
        waiting=Count("pk", filter=Q(status=Reg.WAITLISTED)),
    )
