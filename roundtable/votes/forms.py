"""The poll forms: a poll and its options (officers), a ballot (voters and paper entry), the
show-of-hands counts, closing early, settling a conflict and checking a receipt code.

A ballot form only collects what was chosen; whether it is a valid ballot is the action's
question (ballots.validated), so a refusal reads the same whichever page it came from.
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from roundtable.common.dates import cn_datetime
from roundtable.common.photos import PhotosField
from roundtable.common.text import CleanTextField
from roundtable.people.permissions import Perm, buildings_in_scope, may

from .models import Method, Poll
from .rules.choices import SCORE_MAX, SCORE_MIN

MAX_OPTIONS = 20
MAX_DESCRIPTION = 5000  # a poll's description; an option's, a clause or a reason: MAX_NOTE
MAX_NOTE = 2000
ANSWERS = (("yes", _("Agree")), ("no", _("Disagree")), ("abstain", _("Abstain")))
WHEN = {"type": "datetime-local"}


def _when():
    return forms.DateTimeInput(attrs=WHEN, format="%Y-%m-%dT%H:%M")


def _model_text(name, max_length, rows):
    """A clean-text field for the Poll model field `name`, with its label and help text."""
    model_field = Poll._meta.get_field(name)
    return CleanTextField(
        label=capfirst(model_field.verbose_name), help_text=model_field.help_text,
        required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}),
    )  # fmt: skip


class PollForm(forms.ModelForm):
    meeting_id = forms.TypedChoiceField(
        label=_("Held at a meeting"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Needed for the attendees' electorate and for a show of hands."),
    )
    description = _model_text("description", MAX_DESCRIPTION, rows=4)
    policy_clause = _model_text("policy_clause", MAX_NOTE, rows=2)

    class Meta:
        model = Poll
        fields = [
            "question", "description", "compound", "building", "method", "max_choices",
            "opens_at", "closes_at", "electorate_kind", "groups", "meeting_id", "secret",
            "changeable", "visibility", "rule", "non_voter_policy", "policy_clause", "quorum",
            "threshold", "advisory",
        ]  # fmt: skip
        field_classes = {"question": CleanTextField}
        widgets = {
            "opens_at": _when(),
            "closes_at": _when(),
            "groups": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "compound": _("Leave empty for the whole community."),
            "building": _("Only for a matter of one building's shared parts."),
            "groups": _("Only for the members of constituency groups."),
            "max_choices": _("Only for “several options”."),
            "quorum": _("Custom rule only: a fraction like 1/2."),
            "threshold": _("Custom rule only: a fraction like 2/3."),
        }

    SECTIONS = (
        (_("The question"), ("question", "description")),
        (_("Where and who votes"), ("compound", "building", "electorate_kind", "groups",
                                    "meeting_id")),
        (_("How and when"), ("method", "max_choices", "opens_at", "closes_at", "secret",
                             "changeable", "visibility")),
        (_("How it is decided"), ("rule", "non_voter_policy", "policy_clause", "quorum",
                                  "threshold", "advisory")),
    )  # fmt: skip

    def __init__(self, *args, user, community, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.community = user, community
        self.fields["compound"].queryset = community.compounds.order_by("name")
        self.fields["building"].queryset = (
            buildings_in_scope(user, Perm.RUN_POLL)
            .filter(compound__community=community)
            .select_related("compound")
            .order_by("compound__name", "name")
        )
        self.fields["groups"].queryset = community.groups.all()
        self.fields["meeting_id"].choices = [("", _("Not held at a meeting"))] + [
            (m.pk, f"{m.title} · {cn_datetime(m.starts_at)}") for m in meetings
        ]

    def sections(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def clean(self):
        data = super().clean()
        place = data.get("building") or data.get("compound") or self.community
        if not may(self.user, Perm.RUN_POLL, place):
            field = "building" if data.get("building") else "compound"
            self.add_error(field, _("You may run polls only in your own place; choose it here."))
        return data

    def poll_fields(self):
        """The cleaned fields as the create and update actions take them."""
        data = dict(self.cleaned_data)
        return data.pop("groups"), data


class OptionForm(forms.Form):
    """One option; a row left blank is skipped, so the form can offer a few spare rows."""

    existing = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = CleanTextField(label=_("Option"), max_length=200, required=False)
    description = CleanTextField(
        label=_("Description"), required=False, max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost (yuan)"), max_digits=12, decimal_places=2, min_value=0,
        required=False,
    )  # fmt: skip
    image = PhotosField(label=_("Image (optional)"), max_count=1)
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)

    def clean(self):
        data = super().clean()
        used = data.get("description") or data.get("estimated_cost") is not None
        if (used or data.get("image")) and not data.get("title"):
            self.add_error("title", _("Give the option a title."))
        return data


def option_formset(data=None, files=None, *, options=()):
    """The poll's options as forms, plus spare rows for new ones (no JavaScript needed)."""
    initial = [
        {
            "existing": o.pk,
            "title": o.title,
            "description": o.description,
            "estimated_cost": o.estimated_cost,
        }
        for o in options
    ]
    formset_class = forms.formset_factory(
        OptionForm, extra=2 if initial else 3, max_num=MAX_OPTIONS, validate_max=True
    )
    return formset_class(data, files, initial=initial, prefix="options")


class BallotForm(forms.Form):
    """The answer fields of one poll, by its method; `chosen()` is what the actions take."""

    def __init__(self, *args, poll, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll, self.options = poll, list(options)
        self.limit = poll.max_choices or len(self.options)  # for the "choose up to" legend
        method = poll.method
        if method == Method.YES_NO:
            self.fields["choice"] = _radio(ANSWERS)
        elif method == Method.SINGLE:
            self.fields["choice"] = _radio([(str(o.pk), o.title) for o in self.options])
        elif method in (Method.MULTIPLE, Method.APPROVAL):
            self.fields["choice"] = forms.MultipleChoiceField(
                label=_("Your choice"),
                choices=[(str(o.pk), o.title) for o in self.options],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        else:
            self._add_numbered_fields()

    def _add_numbered_fields(self):
        ranked = self.poll.method == Method.RANKED
        numbers = range(1, len(self.options) + 1) if ranked else range(SCORE_MIN, SCORE_MAX + 1)
        blank = _("not ranked") if ranked else _("no score")
        for option in self.options:
            self.fields[self._numbered(option)] = forms.ChoiceField(
                label=option.title,
                choices=[("", blank)] + [(str(n), str(n)) for n in numbers],
                required=False,
            )

    def _numbered(self, option):
        return f"{'rank' if self.poll.method == Method.RANKED else 'score'}_{option.pk}"

    def rows(self):
        """(option or None, bound field or radio/checkbox) pairs, in the poll's order."""
        if self.poll.method == Method.YES_NO:
            return [(None, box) for box in self["choice"]]
        if "choice" in self.fields:
            return list(zip(self.options, self["choice"], strict=True))
        return [(o, self[self._numbered(o)]) for o in self.options]

    def chosen(self):
        data, method = self.cleaned_data, self.poll.method
        if method in (Method.YES_NO, Method.SINGLE):
            return data.get("choice") or None
        if method in (Method.MULTIPLE, Method.APPROVAL):
            return data.get("choice") or []
        return {o.pk: data[self._numbered(o)] for o in self.options if data[self._numbered(o)]}

    @staticmethod
    def initial_from(poll, choice):
        """Form initial data showing a stored choice (to change a vote)."""
        method = poll.method
        if method in (Method.YES_NO, Method.SINGLE):
            return {"choice": str(choice)}
        if method in (Method.MULTIPLE, Method.APPROVAL):
            return {"choice": [str(pk) for pk in choice]}
        if method == Method.RANKED:
            return {f"rank_{pk}": str(place) for place, pk in enumerate(choice, start=1)}
        return {f"score_{pk}": str(score) for pk, score in choice.items()}


def _radio(choices):
    return forms.ChoiceField(
        label=_("Your choice"), choices=choices, widget=forms.RadioSelect, required=False
    )


class VoteForm(BallotForm):
    """A voter's own ballot; `voter` appears when they vote for several homes."""

    def __init__(self, *args, voters=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(voters) > 1:
            self.fields["voter"] = forms.TypedChoiceField(
                label=_("Voting for"),
                choices=[(v.pk, v.label or v.key) for v in voters],
                coerce=int,
                widget=forms.RadioSelect,
            )


class PaperBallotForm(BallotForm):
    serial = CleanTextField(
        label=_("Serial number on the ballot sheet"),
        max_length=30,
        help_text=_("As printed at the top of the sheet, e.g. 12-00034."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class HandsForm(forms.Form):
    """Raised hands per answer, counted at the meeting."""

    def __init__(self, *args, poll, options, **kwargs):
        super().__init__(*args, **kwargs)
        answers = ANSWERS if poll.method == Method.YES_NO else [(o.pk, o.title) for o in options]
        for key, label in answers:
            self.fields[f"hands_{key}"] = forms.IntegerField(
                label=label, min_value=0, initial=0, widget=forms.NumberInput(attrs={"min": 0})
            )
        self.answers = [key for key, _label in answers]

    def counts(self):
        return {key: self.cleaned_data[f"hands_{key}"] for key in self.answers}


class CloseForm(forms.Form):
    reason = CleanTextField(
        label=_("Why it closes before its closing time"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only before the closing time; it is published with the result."),
    )


class ResolveForm(forms.Form):
    resolution = CleanTextField(
        label=_("How it was settled"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write down how the conflict was settled.")},
    )


class ReceiptForm(forms.Form):
    code = CleanTextField(
        label=_("Your receipt code"),
        max_length=30,
        help_text=_("The code shown after you voted, or printed on your ballot sheet's stub."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
