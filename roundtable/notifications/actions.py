"""Telling people things: an in-app notification, and an SMS when it matters."""

from django.db import transaction
from django.utils import timezone

from .models import Notification
from .tasks import send_notification_sms


def notify(user, text, *, url="", sms=False):
    """Leave a notification for `user`; when `sms` is set, also text it to their phone once the
    transaction commits (send_sms_later)."""
    if user is None:
        return None
    notification = Notification.objects.create(user=user, text=text[:500], url=url)
    if sms and user.phone:
        send_sms_later(notification)
    return notification


def send_sms_later(notification):
    """Text `notification` to its person by a task enqueued after the commit.

    After the commit, so a rollback texts nobody; by a task, so the request never waits for the
    SMS gateway. `robust`: if even enqueueing fails, it is logged and the committed request
    still succeeds, its in-app notification in place.
    """
    pk = notification.pk

    # A function, not a partial: Django names a robust callback that fails by its __qualname__.
    def enqueue():
        send_notification_sms.enqueue(pk)

    transaction.on_commit(enqueue, robust=True)


def mark_read(user, *, ids=None):
    """Mark the person's notifications read (all, or those in `ids`)."""
    unread = Notification.objects.filter(user=user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
