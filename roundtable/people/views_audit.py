"""The audit log for those who may read it: their communities' events, newest first.

A page of people's, not of the audit app: who may read which community's events is theirs to say,
and the audit app stays the log itself, which every app writes and which imports none of them.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from roundtable.audit.models import Event

from .permissions import Perm, communities_in_scope, may_anywhere


@login_required
def audit_log(request):
    if not may_anywhere(request.user, Perm.VIEW_AUDIT):
        raise PermissionDenied(_("You may not read the audit log."))
    communities = communities_in_scope(request.user, Perm.VIEW_AUDIT)
    events = Event.objects.filter(community__in=communities).select_related("community")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events.order_by("-id"), 50).get_page(request.GET.get("page"))
    return render(request, "people/audit_log.html", {"page": page, "action": action})
