"""Reminders already sent, so each deadline reminder goes out once (tasks.sweep_deadlines), and
the days whose morning digest went out (tasks.daily_digest, once a day from DIGEST_AT)."""

from datetime import time

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIGEST_AT = time(8, 0)  # Asia/Shanghai, the project's TIME_ZONE


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


class DigestDay(models.Model):
    """A day whose morning digest has been enqueued: `tick` sends it once per day."""

    day = models.DateField(_("day"), unique=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)

    class Meta:
        app_label = "suggestions"
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")

    def __str__(self):
        return f"{self.day}"


def digest_due(now):
    """True once per day, on the first tick at or after 08:00 local time (SCHEDULED_TASKS)."""
    local = timezone.localtime(now)
    if local.time() < DIGEST_AT:
        return False
    try:
        with transaction.atomic():
            DigestDay.objects.create(day=local.date())
    except IntegrityError:
        return False
    return True
