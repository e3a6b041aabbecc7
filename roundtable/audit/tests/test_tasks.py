"""Sealing the audit log in the background: `tick` enqueues it, the worker chains the events."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import default_task_backend

from roundtable.audit.log import record, verify_chain
from roundtable.audit.models import Event
from roundtable.audit.tasks import seal_audit_log

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def dummy_tasks(settings):
    settings.TASKS = DUMMY


def test_tick_enqueues_the_sealing_every_run(db):
    call_command("tick", stdout=StringIO())
    call_command("tick", stdout=StringIO())
    names = [r.task.name for r in default_task_backend.results]
    assert names.count("seal_audit_log") == 2


def test_the_task_chains_the_events_written_since_the_last_seal(resident):
    record(resident, "test.one", by=resident)
    record(resident, "test.two", by=resident)
    assert seal_audit_log.call() == {"sealed": 2}
    assert not Event.objects.filter(position=None).exists()
    assert verify_chain() == (2, [])
    assert seal_audit_log.call() == {"sealed": 0}


def test_tick_now_seals_inline(resident):
    record(resident, "test.one", by=resident)
    out = StringIO()
    call_command("tick", "--now", stdout=out)
    assert "seal_audit_log: {'sealed': 1}" in out.getvalue()
    assert verify_chain() == (1, [])
