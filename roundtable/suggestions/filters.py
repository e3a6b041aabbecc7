"""The staff lists' filters, shared by the triage board and any export of the same list."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.places.models import Compound, Grid

from .models import HANDLING, Category, Channel, Status


def overdue_q(now=None):
    """Flagged as overdue, or past the accept-by or resolve-by deadline while still open."""
    now = now or timezone.now()
    late_accept = Q(status=Status.DISPATCHED, accept_by__lt=now)
    late_resolve = Q(status__in=[*HANDLING, Status.DISPATCHED], resolve_by__lt=now)
    return (
        Q(is_overdue=True, status__in=[*HANDLING, Status.DISPATCHED]) | late_accept | late_resolve
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + Status.choices
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all(), empty_label=_("all")
    )
    compound = forms.ModelChoiceField(
        label=_("Compound"), required=False, queryset=Compound.objects.all(), empty_label=_("all")
    )
    grid = forms.ModelChoiceField(
        label=_("Grid"), required=False, queryset=Grid.objects.all(), empty_label=_("all")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all"))] + Channel.choices
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["category"].queryset = Category.objects.filter(community=community)
            self.fields["compound"].queryset = Compound.objects.filter(community=community)
            self.fields["grid"].queryset = Grid.objects.filter(community=community)


def filter_suggestions(queryset, params, *, form=None):
    """The queryset narrowed by the GET parameters, and the cleaned values (invalid ones: unset)."""
    form = form if form is not None else FilterForm(params)
    values = {}
    if form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if value}
    for name in ("status", "category", "compound", "grid", "channel"):
        if name in values:
            queryset = queryset.filter(**{name: values[name]})
    if values.get("overdue"):
        queryset = queryset.filter(overdue_q())
    return queryset, values
