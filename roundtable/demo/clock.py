"""A settable clock for building demo history: the real actions run as if at a past time.

Why: the demo's suggestions must have a believable ten-month history, yet they are made only by
the real intake and actions (so every Step, audit event and message is what production would
write). Those read the time from `django.utils.timezone.now`. `time_machine` would do this, but it
is a development dependency and `loaddemo` runs in production, so this module patches
`timezone.now` with the standard library's `unittest.mock` for as long as the build runs.

Patching the function is not enough on its own: model fields declared `default=timezone.now`
(Step.created_at, Notification.created_at …) hold the original function, cached by Django in
`Field._get_default`; those fields are patched too. Nothing outside the `with` block is affected.
"""

from contextlib import ExitStack, contextmanager
from datetime import UTC
from unittest import mock

from django.apps import apps
from django.utils import timezone


class Clock:
    """The time the patched `timezone.now` returns; move it with `set`."""

    def __init__(self, when):
        self.set(when)

    def set(self, when):
        """Like the real `timezone.now`, the clock gives UTC (the audit hashes its isoformat)."""
        self.when = when.astimezone(UTC)
        return self

    def now(self):
        return self.when


def _fields_defaulting_to_now(original):
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.default is original
    ]


@contextmanager
def demo_clock(when):
    """Within the block, `timezone.now()` and `default=timezone.now` give `clock.when`."""
    clock = Clock(when)
    with ExitStack() as stack:
        for field in _fields_defaulting_to_now(timezone.now):
            stack.enter_context(mock.patch.object(field, "_get_default", clock.now))
        stack.enter_context(mock.patch("django.utils.timezone.now", clock.now))
        yield clock
