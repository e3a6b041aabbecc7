"""The agenda and the opinions voiced on its items."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.suggestions.models import Suggestion

from .meeting import Meeting


class AgendaItemKind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion for deliberation")
    HOT_TOPIC = "hot_topic", _("hot topic")
    PROPOSAL = "proposal", _("proposal")
    FREE = "free", _("other item")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=AgendaItemKind.choices, default=AgendaItemKind.FREE
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    minutes_planned = models.PositiveSmallIntegerField(_("minutes planned"), default=15)
    suggestion = models.ForeignKey(
        Suggestion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("suggestion"),
    )
    # A hot topic links the similar suggestions it gathers.
    suggestions = models.ManyToManyField(
        Suggestion, related_name="hot_topic_items", blank=True, verbose_name=_("linked suggestions")
    )
    # The proposals app will own proposals; the id keeps this app independent of it meanwhile.
    proposal_id = models.PositiveBigIntegerField(_("proposal"), null=True, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class Stance(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    SUGGESTION = "suggestion", _("suggestion")


class Opinion(models.Model):
    """An opinion voiced on an agenda item; without speaker or name it is anonymous."""

    agenda_item = models.ForeignKey(
        AgendaItem, models.CASCADE, related_name="opinions", verbose_name=_("agenda item")
    )
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("speaker"),
    )
    speaker_name = models.CharField(_("speaker's name"), max_length=50, blank=True)
    stance = models.CharField(_("stance"), max_length=12, choices=Stance.choices)
    text = models.TextField(_("opinion"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["agenda_item", "created_at", "id"]

    def __str__(self):
        return f"{self.get_stance_display()}: {self.text[:40]}"

    @property
    def is_anonymous(self):
        return self.speaker_id is None and not self.speaker_name
