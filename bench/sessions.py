"""Logged-in sessions for wrk: what a browser holds after logging in, made without logging in.

`login(users)` stores one session row per user (as Django's login would) and returns, per user,
the Cookie header (session and CSRF cookies) and the CSRF secret the form sends back. Call it in
a process where Django is set up with the benchmark's settings (a `python -m bench.…`
subprocess). `delete(cookies)` removes those sessions again.
"""

from datetime import timedelta

SESSION_KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def login(users):
    """[(cookie header, csrf secret)] for `users`, one new session each, in their order."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import CSRF_SECRET_LENGTH
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store, rows, logged_in = SessionStore(), [], []
    for user in users:
        key = get_random_string(32, SESSION_KEY_CHARS)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        csrf = get_random_string(CSRF_SECRET_LENGTH)  # the cookie's secret; the form sends it too
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        logged_in.append((cookie, csrf))
    Session.objects.bulk_create(rows, batch_size=1000)
    return logged_in


def session_key(cookie):
    """The session key in a Cookie header that login() wrote."""
    from django.conf import settings

    for part in cookie.split("; "):
        name, _sep, value = part.partition("=")
        if name == settings.SESSION_COOKIE_NAME:
            return value
    raise ValueError(f"no session cookie in {cookie!r}")


def delete(cookies):
    """Remove the sessions behind these Cookie headers."""
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=[session_key(c) for c in cookies]).delete()
