"""SMS backends. `SMS_BACKEND` names the class; a real provider implements `send`.

A provider backend is a class with one method::

    class AliyunBackend(BaseBackend):
        def send(self, phone, text):
            ...  # call the provider; raise SmsError on failure

and is selected with SMS_BACKEND=path.to.AliyunBackend. Messages are short plain text; the
signature from SMS_SIGNATURE is prepended by `send_sms`.

`send_sms` calls the backend at once and waits for it. Notifications do not call it inside a
request: `notify(..., sms=True)` leaves it to a task run after the commit (tasks.py).
"""

import abc
import json
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider could not take the message."""


class BaseBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, phone, text):
        """Deliver `text` to `phone`, or raise SmsError."""


class ConsoleBackend(BaseBackend):
    """Prints messages to the server's log: the default for development."""

    def send(self, phone, text):
        logger.warning("SMS to %s: %s", phone, text)


class FileBackend(BaseBackend):
    """Appends one JSON line per message to SMS_FILE_PATH (for tests and demos)."""

    def send(self, phone, text):
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"time": timezone.now().isoformat(), "phone": phone, "text": text}
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


class MemoryBackend(BaseBackend):
    """Keeps messages in `outbox` (for unit tests)."""

    outbox = []

    def send(self, phone, text):
        self.outbox.append({"phone": phone, "text": text})


def send_sms(phone, text):
    """Hand `text`, signed, to the configured backend now; SmsError (or the provider's own
    error) if it cannot take it."""
    backend = import_string(settings.SMS_BACKEND)()
    backend.send(phone, f"{settings.SMS_SIGNATURE}{text}")


def read_file_outbox(path=None):
    """The messages a FileBackend wrote, oldest first."""
    path = Path(path or settings.SMS_FILE_PATH)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
