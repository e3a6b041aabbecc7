"""Telling people things: an in-app notification, and an SMS when it matters."""

import logging

from django.utils import timezone

from roundtable.common.rows import insert

from .models import Notification
from .sms import SmsError, send_sms

logger = logging.getLogger(__name__)


def notify(user, text, *, url="", sms=False):
    """Leave a notification for `user`; also text their phone when `sms` is set."""
    if user is None:
        return None
    notification = Notification(user=user, text=text[:500], url=url)
    insert(notification)  # every step tells someone: plain SQL, cheaper than the ORM's save
    if sms and user.phone:
        try:
            send_sms(user.phone, text)
        except SmsError:
            logger.exception("SMS to %s failed", user.masked_phone)
    return notification


def mark_read(user, *, ids=None):
    """Mark the person's notifications read (all, or those in `ids`)."""
    unread = Notification.objects.filter(user=user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
