"""Background work of notifications: the SMS a notification calls for, sent by a worker.

`actions.send_sms_later` enqueues `send_notification_sms` once the transaction commits, so a
request never waits for the SMS gateway and a rollback texts nobody. The task is given only the
notification's id and reads the phone number and the text itself: no phone number or message
is copied into the task queue.
"""

import logging

from django_tasks import task

from .models import Notification
from .sms import send_sms

logger = logging.getLogger(__name__)


@task()
def send_notification_sms(notification_id):
    """Text a notification to its person's phone.

    A notification deleted meanwhile (with its person) or a person without a phone is skipped.
    A failing gateway is logged and raised again, so the task backend records the task as failed
    (with the notification's id, to send again); the in-app notification stays either way.
    """
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.phone:
        return {"sent": False}
    try:
        send_sms(notification.user.phone, notification.text)
    except Exception:
        logger.warning(
            "SMS for notification %s to %s failed; the in-app message stays",
            notification.pk,
            notification.user.masked_phone,
        )
        raise
    return {"sent": True}
