"""Forms of the staff pages: triage, decisions, handling and paper slips."""

from django import forms
from django.utils.translation import gettext_lazy as _

from roundtable.common.idempotency import IdempotencyKeyField
from roundtable.common.photos import PhotosField
from roundtable.common.text import CleanTextField
from roundtable.people.models import Organisation
from roundtable.people.phones import normalize_phone
from roundtable.places.models import Station

from .models import Category, Channel

NOTE = {"widget": forms.Textarea(attrs={"rows": 3}), "max_length": 2000}


class DispatchForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Send to"), queryset=Organisation.objects.none(), empty_label=None
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    urgent = forms.BooleanField(label=_("Urgent (accept within 2 hours)"), required=False)
    note = CleanTextField(label=_("Note for the organisation"), required=False, **NOTE)

    def __init__(self, suggestion, *args, **kwargs):
        category = suggestion.category or suggestion.suggested_category
        initial = {"category": category, "urgent": suggestion.urgent}
        if category and category.default_owner_id:
            initial["owner"] = category.default_owner_id
        super().__init__(*args, initial=initial, **kwargs)
        community = suggestion.community
        self.fields["owner"].queryset = Organisation.objects.filter(community=community)
        self.fields["category"].queryset = Category.objects.filter(community=community)


class ReasonForm(forms.Form):
    reason = CleanTextField(label=_("Reason"), **NOTE)


class RejectForm(forms.Form):
    reason = CleanTextField(label=_("Reason (the resident will read it)"), **NOTE)


class AnswerForm(forms.Form):
    text = CleanTextField(label=_("Answer (the resident will read it)"), **NOTE)


class MergeForm(forms.Form):
    into = CleanTextField(label=_("Reference of the suggestion to keep"), max_length=30)


class NoteForm(forms.Form):
    note = CleanTextField(label=_("Note"), required=False, **NOTE)


class SendBackForm(forms.Form):
    note = CleanTextField(label=_("What is still missing"), **NOTE)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    note = CleanTextField(label=_("Note"), required=False, **NOTE)


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = CleanTextField(label=_("Reason"), **NOTE)


class RespondForm(forms.Form):
    result = CleanTextField(label=_("What was done (the resident will read it)"), **NOTE)
    photos = PhotosField(label=_("Photos of the result (up to 6)"))


class SlipForm(forms.Form):
    where = CleanTextField(
        label=_("Room"),
        required=False,
        max_length=60,
        help_text=_("Compound, building and room, e.g. “J5 1栋 301”."),
    )
    phone = CleanTextField(
        label=_("Mobile number"),
        required=False,
        max_length=11,
        help_text=_("The whole number, or its last 4 digits where you may see phones."),
    )
    anonymous = forms.BooleanField(label=_("Anonymous slip"), required=False)
    text = CleanTextField(
        label=_("What the slip says"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photo = PhotosField(label=_("Photo of the slip"), max_count=1)
    channel = forms.ChoiceField(
        label=_("Where it came from"),
        choices=[
            (Channel.GRID_BOX, Channel.GRID_BOX.label),
            (Channel.STATION, Channel.STATION.label),
        ],
        initial=Channel.GRID_BOX,
        widget=forms.RadioSelect,
    )
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=Station.objects.none(), required=False
    )
    idempotency_key = IdempotencyKeyField()

    def __init__(self, communities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.filter(community__in=communities)

    def clean_phone(self):
        """The digits as any keyboard types them: full-width digits and separators normalised."""
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.STATION and not data.get("station"):
            self.add_error("station", _("Choose the station the slip came from."))
        found = data.get("where") or data.get("phone")
        if not data.get("anonymous") and not found:
            self.add_error("where", _("Give the room or the mobile number, or tick “anonymous”."))
        return data
