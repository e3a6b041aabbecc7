"""A notification's SMS leaves the request: a task sends it after the commit, and a slow or
failing gateway never reaches the request."""

import logging
from unittest import mock

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_enqueued, task_finished
from django_tasks_db.models import DBTaskResult

from roundtable.notifications import actions
from roundtable.notifications.actions import notify
from roundtable.notifications.models import Notification
from roundtable.notifications.sms import BaseBackend, SmsError
from roundtable.notifications.tasks import send_notification_sms

HERE = __name__
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Boom(Exception):
    pass


class FailingBackend(BaseBackend):
    """A gateway that refuses every message."""

    def send(self, phone, text):
        raise SmsError("gateway said no")


class TimingOutBackend(BaseBackend):
    """A gateway that never answers in time: not even an SmsError."""

    def send(self, phone, text):
        raise TimeoutError("read timed out")


class WatchedBackend(BaseBackend):
    """A slow gateway (it would take seconds): `calls` shows when it was called."""

    calls = []

    def send(self, phone, text):
        self.calls.append({"phone": phone, "text": text})


@pytest.fixture
def finished():
    """The task results the backend finished during the test, in order."""
    results = []

    def receive(sender, task_result, **kwargs):
        results.append(task_result)

    task_finished.connect(receive)
    yield results
    task_finished.disconnect(receive)


@pytest.fixture
def enqueued():
    results = []

    def receive(sender, task_result, **kwargs):
        results.append(task_result)

    task_enqueued.connect(receive)
    yield results
    task_enqueued.disconnect(receive)


def test_the_sms_goes_after_the_commit_by_the_task(
    resident, sms_outbox, finished, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(resident, "您的建议已受理", url="/s/1/", sms=True)
        assert sms_outbox == [] and finished == []  # nothing leaves before the commit
    assert sms_outbox == [{"phone": "13900000001", "text": "【议事圆桌】您的建议已受理"}]
    (result,) = finished
    assert result.task.name == "send_notification_sms" and result.args == [notification.pk]
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == {"sent": True}


def test_a_rollback_sends_nothing(
    resident, sms_outbox, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            notify(resident, "您的建议已受理", sms=True)
            raise Boom
    assert callbacks == [] and enqueued == [] and sms_outbox == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize("sms, phone", [(False, "13900000001"), (True, "")])
def test_no_task_without_sms_or_a_phone(
    resident, sms_outbox, enqueued, django_capture_on_commit_callbacks, sms, phone
):
    resident.phone = phone
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(resident, "新消息", sms=sms)
    assert callbacks == [] and enqueued == [] and sms_outbox == []
    assert Notification.objects.filter(user=resident).count() == 1


@pytest.mark.parametrize("backend", ["FailingBackend", "TimingOutBackend"])
def test_a_failing_gateway_does_not_reach_the_request_and_the_message_stays(
    settings, resident, finished, caplog, django_capture_on_commit_callbacks, backend
):
    settings.SMS_BACKEND = f"{HERE}.{backend}"
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        notification = notify(resident, "您的建议已受理", sms=True)
    assert Notification.objects.get(user=resident) == notification
    (result,) = finished
    assert result.status == TaskResultStatus.FAILED and result.args == [notification.pk]
    warning = next(r for r in caplog.records if r.name == "roundtable.notifications.tasks")
    assert f"notification {notification.pk}" in warning.getMessage()
    assert "139****0001" in warning.getMessage() and "13900000001" not in warning.getMessage()


def test_a_failing_enqueue_is_logged_not_raised(
    resident, sms_outbox, caplog, django_capture_on_commit_callbacks
):
    broken = mock.Mock(**{"enqueue.side_effect": ConnectionError("task queue down")})
    with (
        mock.patch.object(actions, "send_notification_sms", broken),
        caplog.at_level(logging.ERROR),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = notify(resident, "您的建议已受理", sms=True)
    broken.enqueue.assert_called_once_with(notification.pk)
    assert Notification.objects.filter(pk=notification.pk).exists() and sms_outbox == []
    assert any("task queue down" in r.getMessage() for r in caplog.records)


def test_a_slow_gateway_is_left_to_the_worker(
    settings, resident, django_capture_on_commit_callbacks
):
    # With the database backend, as deployed: the request only queues the task.
    settings.TASKS = DATABASE
    settings.SMS_BACKEND = f"{HERE}.WatchedBackend"
    WatchedBackend.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(resident, "您的建议已受理", sms=True)
    assert WatchedBackend.calls == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("send_notification_sms")
    assert queued.args_kwargs == {"args": [notification.pk], "kwargs": {}}  # no phone, no text
    # What db_worker does with the row (the command itself closes the test's connection).
    assert queued.task.call(*queued.args_kwargs["args"]) == {"sent": True}
    assert [(c["phone"], c["text"]) for c in WatchedBackend.calls] == [
        ("13900000001", "【议事圆桌】您的建议已受理")
    ]


def test_the_task_skips_a_notification_gone_or_a_person_without_a_phone(resident, sms_outbox):
    notification = notify(resident, "新消息")
    resident.phone = ""
    resident.save(update_fields=["phone"])
    assert send_notification_sms.call(notification.pk) == {"sent": False}
    Notification.objects.all().delete()
    assert send_notification_sms.call(notification.pk) == {"sent": False}
    assert sms_outbox == []


def test_the_name_the_demo_patches_stops_the_sms(resident, sms_outbox, enqueued):
    # roundtable.demo texts nobody: it runs on_commit callbacks at once and patches this name.
    with (
        mock.patch("django.db.transaction.on_commit", lambda func, *a, **k: func()),
        mock.patch("roundtable.notifications.actions.send_sms_later", lambda notification: None),
    ):
        notify(resident, "演示消息", sms=True)
    assert enqueued == [] and sms_outbox == []
    assert Notification.objects.filter(user=resident).count() == 1
