"""Background work on the audit log, enqueued by `manage.py tick`."""

from django_tasks import task

from .log import seal


@task()
def seal_audit_log():
    """Chain the events written since the last seal (log.seal)."""
    return {"sealed": seal()}
