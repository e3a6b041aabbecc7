"""The working-day calendar page: a year as twelve month grids, the days that break the weekday
rule (the State Council's, from the chinese-calendar library, and those set here), and a form to
set or clear a day."""

import calendar as months_of
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from . import actions, official
from .calendar import covered_years
from .forms import USUAL, DayForm
from .models import FIRST_DAY, LAST_DAY, CalendarDay, DayKind
from .permissions import can_edit_calendar

# Translators: calendar column headings, Monday first; in Chinese 一 二 三 四 五 六 日.
WEEKDAY_HEADS = [
    pgettext_lazy("calendar column", "Mo"),
    pgettext_lazy("calendar column", "Tu"),
    pgettext_lazy("calendar column", "We"),
    pgettext_lazy("calendar column", "Th"),
    pgettext_lazy("calendar column", "Fr"),
    pgettext_lazy("calendar column", "Sa"),
    pgettext_lazy("calendar column", "Su"),
]
# Translators: the one-word marks in a calendar cell; in Chinese 休 and 班.
MARKS = {
    DayKind.HOLIDAY: pgettext_lazy("calendar mark", "Off"),
    DayKind.WORKDAY: pgettext_lazy("calendar mark", "On"),
}


@dataclass(frozen=True)
class Day:
    """A day that breaks the weekday rule: the library's, or set here (`local`) on top of it."""

    date: date
    kind: str
    name: str
    local: bool = False

    @property
    def label(self):
        return DayKind(self.kind).label


def _days(year, entries):
    """The year's days off and swapped working days, in date order; a listed day replaces the
    library's for its date."""
    days = {day: Day(day, kind, name) for day, kind, name in official.days_of(year)}
    days.update({e.date: Day(e.date, e.kind, e.name, local=True) for e in entries})
    return [days[day] for day in sorted(days)]


@dataclass(frozen=True)
class Cell:
    day: date | None  # None: a day of the month before or after, shown empty
    status: str = ""  # "work" or "rest" by the weekday rule, else the listed kind
    name: str = ""
    today: bool = False

    @property
    def mark(self):
        return MARKS.get(self.status, "")

    @property
    def label(self):
        return DayKind(self.status).label if self.status in DayKind.values else ""


def _cell(day, month, listed, today):
    if day.month != month:
        return Cell(None)
    entry = listed.get(day)
    if entry is not None:
        return Cell(day, entry.kind, entry.name, day == today)
    return Cell(day, "work" if day.weekday() < 5 else "rest", "", day == today)


def _months(year, listed, today):
    weeks_of = months_of.Calendar(firstweekday=0).monthdatescalendar
    months = []
    for month in range(1, 13):
        weeks = [[_cell(d, month, listed, today) for d in week] for week in weeks_of(year, month)]
        months.append({"first": date(year, month, 1), "weeks": weeks})
    return months


def _runs(days):
    """Days grouped into runs of consecutive dates of one kind, name and source, like the notice."""
    runs = []
    for _key, group in groupby(
        enumerate(days),
        key=lambda p: (p[1].date.toordinal() - p[0], p[1].kind, p[1].name, p[1].local),
    ):
        run = [day for _index, day in group]
        runs.append({"first": run[0], "last": run[-1], "count": len(run)})
    return runs


def _year(request, today):
    """The year asked for in ?year=, else this year."""
    raw = request.GET.get("year", "")
    if not raw:
        return today.year
    if not raw.isdigit() or not FIRST_DAY.year <= int(raw) <= LAST_DAY.year:
        raise Http404(_("The calendar covers the years 2000 to 2100."))
    return int(raw)


def _spoken(day):
    return f"{date_format(day, 'DATE_FORMAT')} {date_format(day, 'l')}"


def _apply(data, *, by):
    """Carry out the form and say what happened."""
    day = data["date"]
    if data["kind"] == USUAL:
        if actions.clear_day(day, by=by):
            return _("%(date)s follows the usual rule again.") % {"date": _spoken(day)}
        return _("Nothing was listed for %(date)s; it follows the usual rule.") % {
            "date": _spoken(day)
        }
    entry = actions.set_day(day, data["kind"], data["name"], by=by)
    return _("%(date)s is listed as %(kind)s.") % {
        "date": _spoken(day),
        "kind": entry.get_kind_display(),
    }


@login_required
def calendar_page(request):
    """The year's twelve months, the days listed for it, and the form to set or clear a day."""
    if not can_edit_calendar(request.user):
        raise PermissionDenied(actions.NOT_ALLOWED)
    today = timezone.localdate()
    year = _year(request, today)
    form = DayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = _apply(form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            day = form.cleaned_data["date"]
            return redirect(f"{reverse('workdays:calendar')}?year={day.year}#m{day.month}")
    entries = list(CalendarDay.objects.filter(date__year=year))
    days = _days(year, entries)
    context = {
        "year": year,
        "previous_year": year - 1 if year > FIRST_DAY.year else None,
        "next_year": year + 1 if year < LAST_DAY.year else None,
        "this_year": today.year,
        "covered": year in covered_years(e.date for e in entries),
        "in_library": year in official.YEARS,
        "library_years": (official.FIRST_YEAR, official.LAST_YEAR),
        "months": _months(year, {d.date: d for d in days}, today),
        "runs": _runs(days),
        "heads": list(zip(WEEKDAY_HEADS, WEEKDAYS.values(), strict=True)),
        "marks": MARKS,
        "form": form,
    }
    return render(request, "workdays/calendar.html", context, status=400 if form.errors else 200)
