"""Registrations with their waiting list, the reminders sent, and personal calendar feeds."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .meeting import Meeting, new_token


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


class Registration(models.Model):
    """A person's place at a meeting, or on its waiting list (served in `position` order)."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="registrations", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField(_("order of registration"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved off the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_registration_per_person")
        ]
        indexes = [models.Index(fields=["meeting", "status", "position"])]

    def __str__(self):
        return f"{self.meeting_id} · {self.user} · {self.status}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("the day before")
    TWO_HOURS = "two_hours", _("two hours before")


class MeetingReminder(models.Model):
    """A reminder sent to one registered person; a moved start time is reminded anew."""

    registration = models.ForeignKey(
        Registration, models.CASCADE, related_name="reminders", verbose_name=_("registration")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    starts_at = models.DateTimeField(_("meeting start reminded of"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting reminder")
        verbose_name_plural = _("meeting reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "starts_at"], name="one_meeting_reminder_per_start"
            )
        ]

    def __str__(self):
        return f"{self.registration_id} {self.kind}"


class CalendarFeed(models.Model):
    """A secret address for a person's calendar feed: calendar apps cannot log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token = models.CharField(_("feed code"), max_length=40, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user}"
