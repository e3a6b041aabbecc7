"""One-time login codes: sent by SMS, valid 5 minutes, rate-limited, locking after wrong tries."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.notifications.sms import send_sms

from . import throttle
from .models import LoginCode, User
from .phones import normalize_phone, validate_mobile


class LoginRefused(Exception):
    """A code could not be sent or accepted; the message is shown to the person."""


def _digest(phone, code):
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _locked_message():
    return _("Too many wrong codes for this number. Try again in %(minutes)s minutes.") % {
        "minutes": settings.LOGIN_LOCK_SECONDS // 60
    }


def send_login_code(raw_phone, *, ip):
    """Send a fresh code to the number, within the per-number and per-IP limits."""
    phone = normalize_phone(raw_phone)
    validate_mobile(phone)
    if throttle.number_locked(phone):
        raise LoginRefused(_locked_message())
    if cache.get(f"login:recent:{phone}"):
        raise LoginRefused(_("A code was just sent. Please wait a minute before asking again."))
    if throttle.count(f"login:ip:{ip}", 3600) > settings.LOGIN_CODE_MAX_PER_IP_HOUR:
        raise LoginRefused(_("Too many codes were requested from this network. Try again later."))
    if throttle.count(f"login:phone:{phone}", 3600) > settings.LOGIN_CODE_MAX_PER_PHONE_HOUR:
        raise LoginRefused(_("Too many codes for this number in the last hour. Try again later."))
    cache.set(f"login:recent:{phone}", 1, settings.LOGIN_CODE_RESEND_SECONDS)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    LoginCode.objects.filter(phone=phone, used_at=None).update(used_at=now)
    LoginCode.objects.create(
        phone=phone,
        code_hash=_digest(phone, code),
        expires_at=now + timedelta(seconds=settings.LOGIN_CODE_TTL_SECONDS),
    )
    minutes = settings.LOGIN_CODE_TTL_SECONDS // 60
    send_sms(
        phone,
        _("Your login code is %(code)s, valid for %(minutes)s minutes.")
        % {
            "code": code,
            "minutes": minutes,
        },
    )
    return phone


def check_login_code(raw_phone, code):
    """The user for a right, unexpired, unused code (created if new); else LoginRefused."""
    phone = normalize_phone(raw_phone)
    validate_mobile(phone)
    if throttle.number_locked(phone):
        raise LoginRefused(_locked_message())
    user = _use_code(phone, code)
    if user is None:
        # Counted after the code's transaction, so the lock's audit event is kept.
        throttle.count_wrong(phone, "", method="code", most=settings.LOGIN_CODE_MAX_WRONG)
        if throttle.number_locked(phone):
            raise LoginRefused(_locked_message())
        raise LoginRefused(_("The code is wrong or has expired. Check the SMS or ask again."))
    throttle.forget(f"login:wrong:{phone}")
    if not user.is_active:
        raise LoginRefused(_("This account is disabled. Please contact your community."))
    return user


@transaction.atomic
def _use_code(phone, code):
    """Spend the right, unexpired, unused code: its user (created if new), or None."""
    now = timezone.now()
    used = LoginCode.objects.filter(
        phone=phone,
        code_hash=_digest(phone, (code or "").strip()),
        used_at=None,
        expires_at__gt=now,
    ).update(used_at=now)
    if used != 1:
        return None
    user, created = User.objects.get_or_create(phone=phone)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
