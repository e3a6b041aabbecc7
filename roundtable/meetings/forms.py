"""The meeting forms; they collect input, the actions decide whether it may be done."""

from datetime import datetime, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.common.text import CleanTextField
from roundtable.people.forms import PhoneField
from roundtable.people.models import Organisation, Role, User
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.models import Suggestion
from roundtable.votes.models import ElectorateKind, Method, Rule, SubjectKind, Visibility

from .models import (
    DEFAULT_END,
    DEFAULT_START,
    AgendaItem,
    Kind,
    Meeting,
    RegistrationStatus,
    Resolution,
    Stance,
)

LIVE_POLL_MINUTES = ((5, _("5 minutes")), (10, _("10 minutes")), (15, _("15 minutes")),
                     (30, _("30 minutes")), (60, _("1 hour")))  # fmt: skip


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day, at):
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


class MeetingForm(forms.Form):
    """Schedule or change a meeting: 19:00–21:00 unless other times are given."""

    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Kind.choices)
    title = CleanTextField(label=_("Title"), max_length=200)
    description = CleanTextField(
        label=_("Description"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    day = forms.DateField(label=_("Day"), widget=_date())
    starts = forms.TimeField(label=_("Starts at"), initial=DEFAULT_START, widget=_time())
    ends = forms.TimeField(label=_("Ends at"), initial=DEFAULT_END, widget=_time())
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=None, required=False,
        help_text=_("A station session is held at its station."),
    )  # fmt: skip
    place = CleanTextField(
        label=_("Place"), max_length=200, required=False,
        help_text=_("e.g. the residents' meeting hall"),
    )  # fmt: skip
    online_link = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https",
        help_text=_("For people who join from home: a video meeting's address."),
    )  # fmt: skip
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False,
        help_text=_("Empty: no limit. When full, people who register go on a waiting list."),
    )  # fmt: skip
    check_in_opens_before = forms.IntegerField(
        label=_("Check-in opens (minutes before the start)"), min_value=0, max_value=240,
        initial=60,
    )  # fmt: skip
    open_to_all = forms.BooleanField(
        label=_("Open to everyone"), required=False,
        help_text=Meeting._meta.get_field("open_to_all").help_text,
    )  # fmt: skip
    invited_roles = forms.MultipleChoiceField(
        label=_("Invited roles"), choices=Role.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    invited_organisations = forms.ModelMultipleChoiceField(
        label=_("Invited organisations"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    invited_groups = forms.ModelMultipleChoiceField(
        label=_("Invited constituency groups"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    draft = forms.BooleanField(
        label=_("Keep it as a draft: residents see it only once it is announced"),
        required=False,
    )

    def __init__(self, *args, community, stations, community_wide=True, meeting=None, **kwargs):
        if meeting is not None:
            kwargs.setdefault("initial", initial_of(meeting))
        super().__init__(*args, **kwargs)
        self.community, self.community_wide = community, community_wide
        self.fields["station"].queryset = stations
        self.fields["invited_organisations"].queryset = Organisation.objects.filter(
            Q(community=community) | Q(community=None)
        )
        self.fields["invited_groups"].queryset = community.groups.all()
        if meeting is not None:
            del self.fields["draft"]  # a draft is announced by its own button

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not self.community_wide and data["station"] is None:
            self.add_error("station", _("You organise meetings at your station: choose it."))
        data["starts_at"] = _aware(data["day"], data["starts"])
        data["ends_at"] = _aware(data["day"], data["ends"])
        if data["ends_at"] <= data["starts_at"]:
            self.add_error("ends", _("The meeting must end after it starts."))
        return data

    def changes(self):
        """The cleaned data as the schedule and update actions take them."""
        data = self.cleaned_data
        fields = ("kind", "title", "description", "starts_at", "ends_at", "station", "place",
                  "online_link", "capacity", "check_in_opens_before", "invited_roles",
                  "open_to_all")  # fmt: skip
        changes = {name: data[name] for name in fields}
        changes["invited_organisations"] = list(data["invited_organisations"])
        changes["invited_groups"] = list(data["invited_groups"])
        return changes


def initial_of(meeting):
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "description": meeting.description,
        "day": starts.date(),
        "starts": starts.time(),
        "ends": ends.time(),
        "station": meeting.station_id,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "capacity": meeting.capacity,
        "check_in_opens_before": meeting.check_in_opens_before,
        "open_to_all": meeting.open_to_all,
        "invited_roles": meeting.invited_roles,
        "invited_organisations": list(meeting.invited_organisations.all()),
        "invited_groups": list(meeting.invited_groups.all()),
    }


class CancelForm(forms.Form):
    reason = CleanTextField(
        label=_("Why is it cancelled?"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone registered or waiting gets this by SMS."),
    )  # fmt: skip


class MinutesPlanned(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Minutes planned"))
        super().__init__(min_value=1, max_value=240, initial=15, **kwargs)


class FreeItemForm(forms.Form):
    title = CleanTextField(label=_("Title"), max_length=200)
    note = CleanTextField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes_planned = MinutesPlanned()


class SuggestionItemForm(forms.Form):
    """An agenda item from a suggestion the community sent to deliberation."""

    suggestion = forms.ModelChoiceField(label=_("Suggestion for deliberation"), queryset=None)
    minutes_planned = MinutesPlanned()

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        on_agenda = meeting.agenda_items.exclude(suggestion=None).values("suggestion")
        self.fields["suggestion"].queryset = (
            Suggestion.objects.in_community(meeting.community)
            .filter(status=SuggestionStatus.DELIBERATION)
            .exclude(pk__in=on_agenda)
            .order_by("submitted_at", "pk")
        )
        self.fields["suggestion"].label_from_instance = lambda s: f"{s.reference} · {s.text[:50]}"


class HotTopicForm(forms.Form):
    """A proposed hot topic accepted as an item: the suggestions it gathers, and a title."""

    title = CleanTextField(label=_("Title"), max_length=200)
    suggestions = forms.CharField(widget=forms.HiddenInput)
    minutes_planned = MinutesPlanned()

    def clean_suggestions(self):
        try:
            return [int(pk) for pk in self.cleaned_data["suggestions"].split(",") if pk]
        except ValueError:
            raise forms.ValidationError(_("Choose the suggestions again.")) from None


class ItemForm(forms.Form):
    """One item of the meeting's agenda, named by a hidden field (remove it)."""

    item = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = AgendaItem.objects.filter(meeting=meeting)


class MoveForm(ItemForm):
    direction = forms.ChoiceField(choices=(("up", "up"), ("down", "down")))


class NoInputForm(forms.Form):
    """A button alone (publish, approve): nothing to fill in."""


class OptionalPhoneField(PhoneField):
    def clean(self, value):
        return super().clean(value) if (value or "").strip() else ""


class WalkInForm(forms.Form):
    name = CleanTextField(label=_("Name"), max_length=50, required=False)
    phone = OptionalPhoneField(
        required=False, help_text=_("A number already known here is matched to its person.")
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("name") or data.get("phone")):
            raise forms.ValidationError(_("Give the person's name or mobile number."))
        return data


class RegisteredForm(forms.Form):
    """A person registered for the meeting, checked in by staff with one tap."""

    person = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.filter(
            meeting_registrations__meeting=meeting,
            meeting_registrations__status=RegistrationStatus.REGISTERED,
        )


class OpinionForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices, widget=forms.RadioSelect)
    text = CleanTextField(
        label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    speaker_name = CleanTextField(
        label=_("Speaker"), max_length=50, required=False,
        help_text=_("Leave empty for an anonymous opinion."),
    )  # fmt: skip

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = AgendaItem.objects.filter(meeting=meeting)


class LivePollForm(forms.Form):
    """A yes/no vote of the people checked in, shown live on the hall's screen."""

    question = CleanTextField(label=_("Question to vote on"), max_length=200)
    minutes = forms.TypedChoiceField(
        label=_("Voting time"), choices=LIVE_POLL_MINUTES, coerce=int, initial=15
    )
    secret = forms.BooleanField(
        label=_("Secret ballot (nobody sees who chose what)"), required=False, initial=True
    )


def live_poll_fields(meeting, data):
    """The votes engine's fields for a live poll, from LivePollForm's cleaned data."""
    now = timezone.now().replace(microsecond=0)
    return {
        "question": data["question"],
        "method": Method.YES_NO,
        "electorate_kind": ElectorateKind.ATTENDEES,
        "rule": Rule.ELECTORATE_MAJORITY,  # 议事会: more than half of those present
        "visibility": Visibility.EVERYTHING,  # the running count is shown on the hall's screen
        "secret": data["secret"],
        "opens_at": now,
        "closes_at": now + timedelta(minutes=data["minutes"]),
        "subject_kind": SubjectKind.MEETING,
        "subject_id": meeting.pk,
        "meeting_id": meeting.pk,
    }


class MinutesForm(forms.Form):
    text = CleanTextField(
        label=_("Minutes (Markdown)"), required=False, max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Headings with #, lists with -, **bold**. The approved minutes are published as a "
            "public notice: write people's names masked, as 张*."
        ),
    )  # fmt: skip


class ResolutionForm(forms.Form):
    text = CleanTextField(
        label=_("Resolution"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    agenda_item = forms.ModelChoiceField(
        label=_("On agenda item"), queryset=None, required=False, empty_label=_("(none)")
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting)


class ActionItemForm(forms.Form):
    """Work that carries out a resolution: it becomes a suggestion dispatched to the owner."""

    field_order = ["resolution", "text", "owner", "due", "compound"]

    text = CleanTextField(
        label=_("What is to be done"), max_length=1800, widget=forms.Textarea(attrs={"rows": 2})
    )
    resolution = forms.ModelChoiceField(label=_("Carries out resolution"), queryset=None)
    owner = forms.ModelChoiceField(label=_("Owner organisation"), queryset=None)
    due = forms.DateField(label=_("Due date"), widget=_date())
    compound = forms.ModelChoiceField(
        label=_("Compound"), queryset=None, required=False,
        help_text=_("Where the work is; the owner's staff there see it in their queue."),
    )  # fmt: skip

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        community = meeting.community
        self.fields["resolution"].queryset = Resolution.objects.filter(meeting=meeting)
        self.fields["owner"].queryset = Organisation.objects.filter(
            Q(community=community) | Q(community=None)
        )
        self.fields["compound"].queryset = community.compounds.order_by("name")


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("Meetings from"), required=False, widget=_date())
    until = forms.DateField(label=_("Meetings until"), required=False, widget=_date())
