"""What the poll pages share: finding a poll for its officers or the public, running an action.

An officer is anyone who may run a poll or enter its ballots in the poll's place. Others get a
404 for the officers' pages of a poll, as if it did not exist; a 403 only for a step they can
see but may not take (an officer who enters ballots trying to close the poll).
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from roundtable.common import views
from roundtable.people import permissions
from roundtable.people.permissions import (
    Perm,
    assignments,
    buildings_in_scope,
    communities_in_scope,
    may,
    role_has,
)
from roundtable.places.models import Community

from .models import Poll, Status

OFFICER_PERMS = (Perm.RUN_POLL, Perm.ENTER_BALLOTS)


def officer_communities(user):
    """Communities where `user` may run polls or enter ballots somewhere."""
    found = Q(pk__in=[])
    for perm in OFFICER_PERMS:
        found |= Q(pk__in=communities_in_scope(user, perm).values("pk"))
    return Community.objects.filter(found).order_by("name")


def officer_polls(user, community):
    """The polls of `community` held in a place where `user` may run them or enter ballots."""
    polls = Poll.objects.filter(community=community)
    if any(may(user, perm, community) for perm in OFFICER_PERMS):
        return polls
    compounds = {
        a.scope_key[1]
        for a in assignments(user)
        if a.scope_key[0] == "compound" and any(role_has(a.role, p) for p in OFFICER_PERMS)
    }
    found = Q(building__isnull=True, compound__in=compounds)
    for perm in OFFICER_PERMS:
        found |= Q(building__in=buildings_in_scope(user, perm).values("pk"))
    return polls.filter(found)


def is_officer(user, poll):
    return any(may(user, perm, poll.scope) for perm in OFFICER_PERMS)


def poll_for_officer(user, pk):
    """The poll if `user` is one of its officers; 404 otherwise (hidden reads as missing)."""
    poll = get_object_or_404(
        Poll.objects.select_related("community", "compound", "building__compound"), pk=pk
    )
    if not is_officer(user, poll):
        raise Http404
    return poll


def require(user, perm, poll):
    """PermissionDenied unless `user` may do `perm` in the poll's place."""
    permissions.require(may(user, perm, poll.scope), _("You may not do this in this poll."))


def public_poll(code, pk):
    """An open or closed poll of the community `code`; drafts are nobody's business yet."""
    return get_object_or_404(
        Poll.objects.exclude(status=Status.DRAFT).select_related(
            "community__street", "compound", "building__compound", "created_by"
        ),
        pk=pk,
        community__code=code,
    )


def refusal(error):
    """An InvalidTransition of a poll, in words: what it is now."""
    return _("This poll is “%(status)s” now, so this cannot be done.") % {
        "status": Status(error.status).label
    }


def run(request, call, form=None):
    """common.views.run, a refused step worded as a poll's; the result, or None if refused."""
    return views.run(request, call, form, refusal=refusal)
