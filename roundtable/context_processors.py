"""Template context every page needs: elder mode and the staff menu."""

from roundtable.common.http import elder_mode
from roundtable.people.permissions import Perm, may_anywhere


def site(request):
    user = getattr(request, "user", None)
    return {
        "elder_mode": elder_mode(request),
        "unread_count": _unread(user),
        "is_staff_member": bool(user and may_anywhere(user, Perm.VIEW_WORKSPACE)),
    }


def _unread(user):
    if not (user and user.is_authenticated):
        return 0
    from roundtable.notifications.models import Notification

    return Notification.objects.filter(user=user).unread().count()
