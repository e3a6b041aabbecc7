"""Background work on polls, enqueued by `manage.py tick`: the scheduled close."""

from django.utils import timezone
from django_tasks import task

from roundtable.common.actions import InvalidTransition

from .actions import close_poll
from .models import Poll, Status


@task()
def close_due_polls():
    """Close every open poll whose closing time has passed, storing and publishing its result."""
    due = Poll.objects.filter(status=Status.OPEN, closes_at__lte=timezone.now()).order_by("pk")
    closed = 0
    for poll in due:
        try:
            close_poll(poll, by=None)
        except InvalidTransition:
            continue  # closed by its officers meanwhile
        closed += 1
    return {"closed": closed}
