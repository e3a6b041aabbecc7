"""Template context every page needs: elder mode and the staff menu."""

from roundtable.people.permissions import Perm, may_anywhere

ELDER_COOKIE = "elder"


def site(request):
    user = getattr(request, "user", None)
    return {
        "elder_mode": request.COOKIES.get(ELDER_COOKIE) == "1",
        "is_staff_member": bool(user and may_anywhere(user, Perm.VIEW_WORKSPACE)),
    }
