"""The notification centre: a person's messages, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .actions import mark_read
from .models import Notification


@login_required
def inbox(request):
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    unread = [n.pk for n in page if n.read_at is None]
    response = render(request, "notifications/inbox.html", {"page": page, "unread": set(unread)})
    mark_read(request.user, ids=unread)
    return response


@require_POST
@login_required
def read_all(request):
    mark_read(request.user)
    return redirect("notifications:inbox")
