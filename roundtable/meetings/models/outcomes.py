"""After the meeting: minutes, resolutions and the action items that carry them out.

A resolution's action items are suggestions (channel "meeting") handled by the suggestion
lifecycle, so carrying out a resolution is tracked and counted in one place only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.people.models import Organisation
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.models import Suggestion

from .agenda import AgendaItem
from .meeting import Meeting


class Minutes(models.Model):
    """The minutes of one meeting, written in Markdown; shown only sanitised (see minutes.py)."""

    meeting = models.OneToOneField(
        Meeting, models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    text = models.TextField(_("minutes (Markdown)"), max_length=50000, blank=True)
    updated_at = models.DateTimeField(_("last edited at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    published = models.BooleanField(_("published as a public notice"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{self.meeting}"

    @property
    def html(self):
        from ..minutes import render

        return render(self.text)

    @property
    def public_html(self):
        """As a public notice shows them: phone and ID-card numbers written in them masked."""
        from roundtable.common.masking import mask_text

        from ..minutes import render

        return render(mask_text(self.text))


class Resolution(models.Model):
    """A resolution (决议) of a meeting; its action items carry it out."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="resolutions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("agenda item"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("resolution"), max_length=2000)
    created_at = models.DateTimeField(_("adopted at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return f"{self.order}. {self.text[:60]}"

    def progress(self):
        """How carrying it out stands: counts of its action items by state.

        Lists of resolutions prefetch "action_items__suggestion" to keep this to no queries.
        """
        counts = {state: 0 for state in ActionState}
        for item in self.action_items.all():
            counts[item.state] += 1
        return counts


# A suggestion counts as carried out once its owner has responded, whatever comes after.
IMPLEMENTED = frozenset(
    {SuggestionStatus.RESPONDED, SuggestionStatus.FOLLOW_UP, SuggestionStatus.CLOSED}
)


class ActionState(models.TextChoices):
    IMPLEMENTED = "implemented", _("carried out")
    OVERDUE = "overdue", _("overdue")
    IN_PROGRESS = "in_progress", _("in progress")
    ENDED = "ended", _("ended without result")


class ActionItem(models.Model):
    """Work a resolution gives an organisation, tracked as the suggestion made for it."""

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="action_items", verbose_name=_("resolution")
    )
    text = models.TextField(_("what is to be done"), max_length=2000)
    owner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="meeting_action_items",
        verbose_name=_("owner organisation"),
    )
    due = models.DateField(_("due date"))
    suggestion = models.OneToOneField(
        Suggestion, models.PROTECT, related_name="action_item", verbose_name=_("suggestion")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["resolution", "id"]

    def __str__(self):
        return f"{self.owner}: {self.text[:40]}"

    @property
    def state(self):
        status = self.suggestion.status
        if status in IMPLEMENTED:
            return ActionState.IMPLEMENTED
        if status in {
            SuggestionStatus.INVALID,
            SuggestionStatus.MERGED,
            SuggestionStatus.TERMINATED,
        }:
            return ActionState.ENDED
        if self.suggestion.is_overdue or self.due < timezone.localdate():
            return ActionState.OVERDUE
        return ActionState.IN_PROGRESS
