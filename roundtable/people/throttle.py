"""Login limits, one definition for codes and passwords: counters and locks kept in the cache.

A number is locked after too many wrong codes or passwords, whichever way they came (the
login page, the admin site); a client address after too many wrong passwords. The counters
must live in a cache every app server shares (settings.py refuses a local one where several
processes serve), or each process counts its own.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from roundtable.audit.log import record
from roundtable.common.masking import mask_phone

from .models import User


def client_ip(request):
    """The client's address; behind NUM_PROXIES reverse proxies, taken from X-Forwarded-For."""
    hops = settings.NUM_PROXIES
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if hops and len(forwarded) >= hops and forwarded[-hops]:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def count(key, window):
    """Increment a counter that lives `window` seconds from its first hit; return the new value."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        return 1


def forget(key):
    cache.delete(key)


def number_locked(phone):
    return cache.get(f"login:lock:{phone}") is not None


def address_locked(ip):
    return bool(ip) and cache.get(f"login:lock-ip:{ip}") is not None


def _minutes():
    return settings.LOGIN_LOCK_SECONDS // 60


def number_locked_message():
    return _("Too many failed logins for this number. Try again in %(minutes)s minutes.") % {
        "minutes": _minutes()
    }


def address_locked_message():
    return _("Too many failed logins from this network. Try again in %(minutes)s minutes.") % {
        "minutes": _minutes()
    }


def lock_number(phone, *, method):
    """Lock the number for LOGIN_LOCK_SECONDS and record it against its account, if any."""
    cache.set(f"login:lock:{phone}", 1, settings.LOGIN_LOCK_SECONDS)
    cache.delete(f"login:wrong:{phone}")
    user = User.objects.filter(phone=phone).first()
    record(user, "login.locked", role="system", method=method, phone=mask_phone(phone))


def lock_address(ip, *, method):
    cache.set(f"login:lock-ip:{ip}", 1, settings.LOGIN_LOCK_SECONDS)
    cache.delete(f"login:wrong-ip:{ip}")
    record(None, "login.address_locked", role="system", method=method, address=ip)


def count_wrong(phone, ip, *, method, most, most_per_ip=None):
    """Count a failed login against the number (and the address); lock either at its limit."""
    if count(f"login:wrong:{phone}", settings.LOGIN_LOCK_SECONDS) >= most:
        lock_number(phone, method=method)
    if ip and most_per_ip is not None:
        if count(f"login:wrong-ip:{ip}", settings.LOGIN_LOCK_SECONDS) >= most_per_ip:
            lock_address(ip, method=method)


def password_refusal(phone, ip):
    """Why a password login from `ip` for `phone` is refused now, or None."""
    if number_locked(phone):
        return number_locked_message()
    if address_locked(ip):
        return address_locked_message()
    return None
