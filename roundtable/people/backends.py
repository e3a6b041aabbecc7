"""Django's ModelBackend behind the login limits, so every password login is counted."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle
from .phones import normalize_phone


class ThrottledModelBackend(ModelBackend):
    """Passwords checked only for unlocked numbers and addresses; wrong ones count toward a lock.

    The login page and the admin site both call `authenticate`, so both are limited here; their
    forms ask `throttle.password_refusal` for the message to show.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        phone = normalize_phone(username if username is not None else kwargs.get("phone"))
        if not phone or password is None:
            return None
        ip = throttle.client_ip(request) if request is not None else ""
        if throttle.password_refusal(phone, ip):
            raise PermissionDenied  # authenticate() stops here and reports a failed login
        user = super().authenticate(request, username=phone, password=password)
        if user is None:
            throttle.count_wrong(
                phone,
                ip,
                method="password",
                most=settings.LOGIN_PASSWORD_MAX_WRONG,
                most_per_ip=settings.LOGIN_PASSWORD_MAX_WRONG_PER_IP,
            )
        else:
            throttle.forget(f"login:wrong:{phone}")
        return user
