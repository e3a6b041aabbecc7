"""Background work on the audit log, enqueued by `manage.py tick`."""

from django_tasks import task

from .heads import publish_head
from .log import seal


@task()
def seal_audit_log():
    """Chain the events written since the last seal (log.seal)."""
    return {"sealed": seal()}


@task()
def publish_audit_head():
    """Publish the day's head of the chain (heads.publish_head), once a day from 01:00."""
    head = publish_head()
    return {"published": head is not None, "entries": head.length if head else None}
