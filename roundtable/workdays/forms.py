from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from roundtable.common.text import CleanTextField

from .models import FIRST_DAY, LAST_DAY, OUT_OF_RANGE, CalendarDay, DayKind

USUAL = "usual"


class DayForm(forms.Form):
    """Set a day to a holiday or a swapped working day, or back to the official schedule."""

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(
            attrs={"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()},
            format="%Y-%m-%d",
        ),
        error_messages={
            "required": _("Enter the date."),
            "invalid": _("Enter a date such as 2026-10-01."),
        },
    )
    kind = forms.ChoiceField(
        label=_("The day is"),
        choices=[
            *DayKind.choices,
            (
                USUAL,
                _(
                    "as usual: as the State Council's schedule has it, else Monday to Friday "
                    "work and weekends rest (removes the listing)"
                ),
            ),
        ],
        error_messages={
            "required": _("Choose what the day is."),
            "invalid_choice": _("Choose holiday, swapped working day or as usual."),
        },
    )
    name = CleanTextField(
        label=_("Holiday name"),
        max_length=CalendarDay._meta.get_field("name").max_length,
        required=False,
        help_text=_("The holiday it belongs to, e.g. 春节 or 国庆节."),
        error_messages={"max_length": _("A name has at most %(limit_value)d characters.")},
    )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(OUT_OF_RANGE, code="out_of_range")
        return day
