"""`manage.py tick` enqueues what settings.SCHEDULED_TASKS lists, each when it is due."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import default_task_backend, task

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HERE = __name__


@task()
def greet():
    return "hello"


@task()
def wave():
    return "bye"


def never(now):
    return False


@pytest.fixture(autouse=True)
def schedule(settings):
    settings.TASKS = DUMMY
    settings.SCHEDULED_TASKS = [
        {"task": f"{HERE}.greet"},
        {"task": f"{HERE}.wave", "due": f"{HERE}.never"},
    ]


def test_the_tick_enqueues_each_listed_task_that_is_due():
    out = StringIO()
    call_command("tick", stdout=out)
    assert [r.task.name for r in default_task_backend.results] == ["greet"]
    assert out.getvalue() == "greet: enqueued\n"


def test_the_tick_now_runs_them_inline():
    out = StringIO()
    call_command("tick", "--now", stdout=out)
    assert default_task_backend.results == []
    assert out.getvalue() == "greet: hello\n"
