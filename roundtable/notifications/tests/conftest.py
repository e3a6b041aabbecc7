import pytest

# The tasks these tests enqueue run at once, inside enqueue() (django-tasks' immediate backend).
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE
