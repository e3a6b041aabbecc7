"""The audit log for those who may read it: their communities' events, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from roundtable.people.permissions import Perm, communities_in_scope, may_anywhere

from .models import Event


@login_required
def event_list(request):
    if not may_anywhere(request.user, Perm.VIEW_AUDIT):
        raise PermissionDenied(_("You may not read the audit log."))
    communities = communities_in_scope(request.user, Perm.VIEW_AUDIT)
    events = Event.objects.filter(community__in=communities).select_related("community")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events.order_by("-id"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page": page, "action": action})
