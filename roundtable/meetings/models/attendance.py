"""Who was there: checked in by scanning the poster or by staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.common.masking import mask_name, mask_phone

from .meeting import Meeting


class CheckInChannel(models.TextChoices):
    SCAN = "scan", _("scanned the poster")
    STAFF = "staff", _("checked in by staff")


class Attendance(models.Model):
    """One person present at a meeting: a user, or a walk-in known by name and/or phone."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    channel = models.CharField(_("how"), max_length=8, choices=CheckInChannel.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "checked_in_at", "id"]
        constraints = [
            # A second check-in by the same person finds this row instead of counting twice.
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="one_check_in_per_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "phone"],
                condition=Q(user__isnull=True) & ~Q(phone=""),
                name="one_check_in_per_walk_in_phone",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name="") | ~Q(phone=""),
                name="attendance_names_someone",
            ),
        ]

    def __str__(self):
        return f"{self.meeting_id} · {self.display_name}"

    @property
    def display_name(self):
        if self.user_id:
            return self.user.name or self.user.masked_phone
        return self.name or self.masked_phone

    @property
    def masked_phone(self):
        return mask_phone(self.user.phone if self.user_id else self.phone)

    @property
    def masked_name(self):
        return mask_name(self.user.name if self.user_id else self.name)
