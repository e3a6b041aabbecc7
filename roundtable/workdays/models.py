"""The working-day calendar: the days that break the weekday rule (DOMAIN.md §3 deadlines)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import official

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
OUT_OF_RANGE = _("Choose a date between 2000 and 2100.")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday (a day off)")
    WORKDAY = "workday", _("swapped working day (a weekend day with work)")


class CalendarDay(models.Model):
    """One day listed by staff: a holiday (法定节假日, 调休 days off, a local day off) or a
    weekend day that is a working day (调休上班). A listed day replaces what the State Council's
    schedule (official.py) says of its date; other days follow that schedule, else the rule:
    Monday–Friday work. A working day on a weekday can only undo an official holiday."""

    date = models.DateField(
        _("date"),
        unique=True,
        validators=[
            MinValueValidator(FIRST_DAY, message=OUT_OF_RANGE),
            MaxValueValidator(LAST_DAY, message=OUT_OF_RANGE),
        ],
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=DayKind.choices,
        error_messages={"invalid_choice": _("Choose holiday or swapped working day.")},
    )
    name = models.CharField(
        _("name"), max_length=50, blank=True, help_text=_("The holiday it belongs to, e.g. 春节.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="calendar_day_known_kind"
            )
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def clean(self):
        if (
            self.kind == DayKind.WORKDAY
            and self.date
            and self.date.weekday() < 5
            and self.date not in official.HOLIDAYS
        ):
            raise ValidationError(
                {
                    "kind": ValidationError(
                        _(
                            "Only a Saturday or Sunday can be a swapped working day: "
                            "Monday to Friday are working days already."
                        ),
                        code="not_weekend",
                    )
                }
            )
