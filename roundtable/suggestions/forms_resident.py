"""The residents' forms: a suggestion, and the rating of how it was handled."""

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from roundtable.common.idempotency import IdempotencyKeyField
from roundtable.common.photos import PhotosField
from roundtable.common.text import CleanTextField
from roundtable.places.models import Building

from .intake import MAX_TEXT
from .models import Category, Rating

ELSEWHERE = "elsewhere"


class SuggestionForm(forms.Form):
    text = CleanTextField(
        label=_("What is the matter?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say where exactly and what you would like done. At most 2,000 characters."),
        error_messages={
            "required": _("Write what the matter is."),
            "max_length": _("Write at most %(limit_value)d characters (now %(show_value)d)."),
        },
    )
    place = forms.ChoiceField(label=_("Where?"), required=False, widget=forms.RadioSelect)
    building = forms.ChoiceField(label=_("Building"), required=False)
    photos = PhotosField(
        label=_("Photos (optional)"), help_text=_("Up to 6 photos, each at most 10 MB.")
    )
    category = forms.ModelChoiceField(
        label=_("Kind of matter (optional)"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Let the community decide"),
        help_text=_("If you leave this, we suggest one from your words."),
    )
    show_name = forms.BooleanField(
        label=_("Show my name publicly (only the family name)"), required=False
    )
    photos_public = forms.BooleanField(label=_("My photos may be shown publicly"), required=False)
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, community, homes, refusal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community, self.homes, self.refusal = community, list(homes), refusal
        # Read when shown or when a building is chosen, not on every submission from a home.
        self.fields["building"].choices = lambda: _building_choices(community)
        self.fields["category"].queryset = Category.objects.filter(community=community)
        if self.homes:
            homes_choices = [(str(h.pk), _("My home: %(home)s") % {"home": h}) for h in self.homes]
            self.fields["place"].choices = [
                *homes_choices,
                (ELSEWHERE, _("Somewhere else in the community (choose the building below)")),
            ]
            self.fields["place"].initial = homes_choices[0][0]
            self.fields["building"].label = _("Building (if somewhere else)")
        else:
            del self.fields["place"]

    def full_clean(self):
        """A post refused before reading it (the hourly limit) shows that error alone, having
        decoded none of its photos."""
        if self.refusal is None:
            return super().full_clean()
        self._errors, self.cleaned_data = ErrorDict(), {}
        self.add_error(None, self.refusal)

    def clean(self):
        data = super().clean()
        place = data.get("place") or ELSEWHERE
        data["home"] = next((h for h in self.homes if str(h.pk) == place), None)
        data["building_obj"] = None
        if data["home"] is None and data.get("building"):
            data["building_obj"] = Building.objects.filter(
                pk=data["building"], compound__community=self.community
            ).first()
        return data

    def place_arguments(self):
        home = self.cleaned_data["home"]
        return {"home": home} if home else {"building": self.cleaned_data["building_obj"]}


def _building_choices(community):
    buildings = Building.objects.filter(compound__community=community).select_related("compound")
    groups = {}
    for b in buildings.order_by("compound__name", "name"):
        groups.setdefault(b.compound.name, []).append((str(b.pk), b.name))
    return [("", _("Choose a building")), *groups.items()]


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Are you satisfied with how it was handled?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the three answers.")},
    )
    comment = CleanTextField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublicFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    compound = forms.ChoiceField(label=_("Compound"), required=False)

    def __init__(self, *args, statuses, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *statuses]
        self.fields["compound"].choices = [
            ("", _("All")),
            *[(str(c.pk), c.name) for c in compounds],
        ]
