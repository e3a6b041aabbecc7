"""Reminders already sent, so each deadline reminder goes out once (tasks.sweep_deadlines), and
the days the daily tasks ran (the morning digest from DIGEST_AT, the figures' check from
FIGURES_CHECK_AT), so `tick` enqueues each once a day."""

from datetime import time

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIGEST_AT = time(8, 0)  # Asia/Shanghai, the project's TIME_ZONE
FIGURES_CHECK_AT = time(3, 0)  # a quiet hour: the check recounts every community


class ReminderKind(models.TextChoices):
    ACCEPT = "accept", _("accept-by reminder")
    RESOLVE = "resolve", _("resolve-by reminder")


class Reminder(models.Model):
    """One reminder sent before one deadline; a moved deadline (an extension) is reminded anew."""

    suggestion = models.ForeignKey(
        "suggestions.Suggestion",
        models.CASCADE,
        related_name="reminders",
        verbose_name=_("suggestion"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    deadline = models.DateTimeField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        app_label = "suggestions"
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "kind", "deadline"], name="one_reminder_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.suggestion_id} {self.kind} {self.deadline:%Y-%m-%d %H:%M}"


class DailyRun(models.Model):
    """A task `tick` runs once a day (the morning digest, the night's check of the figures) and a
    day it was enqueued: the row stops a second run that day."""

    name = models.CharField(_("task"), max_length=50, default="digest")
    day = models.DateField(_("day"))
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)

    class Meta:
        app_label = "suggestions"
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="one_run_a_day")]

    def __str__(self):
        return f"{self.name} {self.day}"


def once_a_day(name, at, now):
    """True on the first call for `name` at or after `at` (local time) each day, then False."""
    local = timezone.localtime(now)
    if local.time() < at:
        return False
    try:
        with transaction.atomic():
            DailyRun.objects.create(name=name, day=local.date())
    except IntegrityError:
        return False
    return True


def digest_due(now):
    """The morning digest: once a day from 08:00 local time (SCHEDULED_TASKS)."""
    return once_a_day("digest", DIGEST_AT, now)


def figures_check_due(now):
    """The figures' check against a recount: once a night from 03:00 (SCHEDULED_TASKS)."""
    return once_a_day("figures_check", FIGURES_CHECK_AT, now)
