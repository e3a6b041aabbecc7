"""Site-wide pages: the front door, the health check, elder mode and the privacy notice."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.common.http import ELDER_COOKIE, safe_next
from roundtable.places.models import Community


def home(request):
    """One community goes straight to its page; several are listed by street."""
    communities = list(Community.objects.select_related("street").order_by("street__name", "name"))
    if len(communities) == 1:
        return redirect(communities[0])
    return render(request, "home.html", {"communities": communities})


def healthz(request):
    """The framework's floor: no database, no template (also used by load balancers)."""
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def toggle_elder_mode(request):
    """Switch 长辈模式 on or off; remembered in a cookie for a year."""
    response = redirect(safe_next(request))
    turn_on = request.COOKIES.get(ELDER_COOKIE) != "1"
    response.set_cookie(
        ELDER_COOKIE,
        "1" if turn_on else "0",
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def privacy_notice(request):
    return render(request, "privacy.html", {"version": settings.PRIVACY_NOTICE_VERSION})
