"""Request helpers that know no domain: where to go next, and whether elder mode is on."""

from django.utils.http import url_has_allowed_host_and_scheme

ELDER_COOKIE = "elder"


def safe_next(request, fallback="/"):
    """The `next` the request asks for, if it stays on this site; otherwise `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def elder_mode(request):
    """长辈模式: larger type and fewer things per page, remembered in a cookie."""
    return request.COOKIES.get(ELDER_COOKIE) == "1"
