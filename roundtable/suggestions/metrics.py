"""The metrics of DOMAIN.md §3, each defined once: its words, arithmetic and the suggestions
behind it.

Every number is a count of suggestions selected by a Q (`COUNTS`); a rate is a ratio of such
counts and a mean is a summed duration over such suggestions divided by their count, so every
number on a page links to the list behind it and that list's length is the number. `columns()`
turns the definitions into SQL aggregates, the one place they become arithmetic:
`recount(queryset)` runs them over any set of suggestions, and summaries.py runs them to keep the
summary table (MonthlySummary) that `figures(community)` and `breakdowns(community)` read, so
the figures page costs a few small queries however many suggestions there are. Rates are kept as
fractions and rounded to a whole percent half-up; they are always shown with their numerator and
denominator ("142 / 164 = 87%").
"""

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, cached_property

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.people.models import Organisation
from roundtable.places.models import Compound, Grid

from .models import Category, Channel, MonthlySummary, Rating, Status

VALID = ~Q(status__in=[Status.INVALID, Status.MERGED])
RESPONDED = VALID & Q(responded_at__isnull=False)
RATED = VALID & ~Q(rating="")
TIMED = RESPONDED & Q(resolve_by__isnull=False)


@dataclass(frozen=True)
class Total:
    """A count of the suggestions that `filter` selects."""

    name: str
    label: str
    definition: str
    filter: Q


COUNTS = (
    Total("collected", _("Collected"), _("Every suggestion received, through any channel."), Q()),
    Total(
        "valid",
        _("Valid"),
        _("Collected minus those not accepted and those merged into another as duplicates."),
        VALID,
    ),
    Total(
        "responded",
        _("Responded"),
        _(
            "Valid suggestions that have received a response (responded and handled); "
            "those answered on the spot at triage count too."
        ),
        RESPONDED,
    ),
    Total(
        "resolved",
        _("Resolved"),
        _("Valid suggestions completed and closed."),
        VALID & Q(status=Status.CLOSED),
    ),
    Total("rated", _("Rated"), _("Valid suggestions the resident has rated."), RATED),
    Total(
        "content",
        _("Satisfied or basically satisfied"),
        _("Rated “satisfied” or “basically satisfied”."),
        RATED & Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY]),
    ),
    Total("satisfied", _("Satisfied"), _("Rated “satisfied”."), RATED & Q(rating=Rating.SATISFIED)),
    Total(
        "basically",
        _("Basically satisfied"),
        _("Rated “basically satisfied”."),
        RATED & Q(rating=Rating.BASICALLY),
    ),
    Total(
        "followed_up",
        _("Followed up"),
        _("Rated, or closed without a rating after the follow-up period."),
        RATED | (VALID & Q(status=Status.CLOSED, rating="")),
    ),
    Total(
        "timed",
        _("Responded with a deadline"),
        _("Responded suggestions that had a resolve-by deadline."),
        TIMED,
    ),
    Total(
        "on_time",
        _("Responded on time"),
        _("Responded no later than their resolve-by deadline."),
        TIMED & Q(responded_at__lte=F("resolve_by")),
    ),
    Total(
        "accepted",
        _("Accepted after dispatch"),
        _("Valid suggestions dispatched to an owner organisation and accepted by it."),
        VALID & Q(dispatched_at__isnull=False, accepted_at__isnull=False),
    ),
)
COUNT = {t.name: t for t in COUNTS}


@dataclass(frozen=True)
class Ratio:
    """Σ weight·count / denominator count, as a whole percent."""

    name: str
    label: str
    definition: str
    numerator: tuple  # ((weight as a string, count name), ...)
    denominator: str

    @property
    def filter(self):
        """The suggestions the rate is taken over: its denominator."""
        return COUNT[self.denominator].filter


@dataclass(frozen=True)
class Mean:
    """The mean time from `start` to `end` over the suggestions of count `over`."""

    name: str
    label: str
    definition: str
    start: str
    end: str
    over: str

    @property
    def filter(self):
        return COUNT[self.over].filter

    @property
    def total(self):
        """The column holding the summed duration, in microseconds."""
        return f"{self.name}_total"

    def expression(self):
        return ExpressionWrapper(F(self.end) - F(self.start), output_field=DurationField())


RATIOS = (
    Ratio(
        "response_rate",
        _("Response rate"),
        _("Responded ÷ valid."),
        (("1", "responded"),),
        "valid",
    ),
    Ratio(
        "resolution_rate",
        _("Resolution rate"),
        _("Resolved ÷ valid."),
        (("1", "resolved"),),
        "valid",
    ),
    Ratio(
        "satisfaction_rate",
        _("Satisfaction rate"),
        _("(Satisfied + basically satisfied) ÷ rated."),
        (("1", "content"),),
        "rated",
    ),
    Ratio(
        "score",
        _("12345-style score"),
        _(
            "(Satisfied + 0.9 × basically satisfied) ÷ followed up; followed up means rated, "
            "or closed without a rating."
        ),
        (("1", "satisfied"), ("0.9", "basically")),
        "followed_up",
    ),
    Ratio(
        "on_time_rate",
        _("On-time rate"),
        _("Responded by the resolve-by deadline ÷ responded (those with a deadline)."),
        (("1", "on_time"),),
        "timed",
    ),
)
MEANS = (
    Mean(
        "time_to_accept",
        _("Mean time to accept"),
        _("From dispatch to acceptance by the owner organisation, averaged over those accepted."),
        "dispatched_at",
        "accepted_at",
        "accepted",
    ),
    Mean(
        "time_to_respond",
        _("Mean time to respond"),
        _("From submission to the response, averaged over those responded."),
        "submitted_at",
        "responded_at",
        "responded",
    ),
)
METRICS = {m.name: m for m in (*COUNTS, *RATIOS, *MEANS)}
# What the figures page shows at the top and in each breakdown table, in this order.
HEADLINE = (
    "collected",
    "valid",
    "responded",
    "response_rate",
    "resolved",
    "resolution_rate",
    "satisfaction_rate",
    "score",
    "on_time_rate",
    "time_to_accept",
    "time_to_respond",
)


@cache
def _weight(text):
    return Fraction(text)


def percent(numerator, denominator):
    """A whole percent, rounded half-up; None when there is nothing to divide by."""
    if not denominator:
        return None
    if isinstance(numerator, Fraction):
        top, bottom = numerator.numerator * 100, numerator.denominator * denominator
    else:
        top, bottom = numerator * 100, denominator
    # Half-up for a non-negative top/bottom is floor(top/bottom + 1/2), exact in integers.
    return (2 * top + bottom) // (2 * bottom)


@dataclass(frozen=True)
class Rate:
    ratio: Ratio
    terms: tuple  # ((weight string, count name, count), ...)
    denominator: int

    @cached_property
    def numerator(self):
        """A whole number, or a Fraction when a term is weighted."""
        if not self.weighted:
            return sum(n for _w, _name, n in self.terms)
        return sum((_weight(w) * n for w, _name, n in self.terms), Fraction(0))

    @cached_property
    def percent(self):
        return percent(self.numerator, self.denominator)

    @cached_property
    def weighted(self):
        return any(w != "1" for w, _name, _n in self.terms)

    def __str__(self):
        top = " + ".join(n if w == "1" else f"{w} × {n}" for w, n in self._shown())
        if self.weighted:
            top = f"({top})"
        shown = "—" if self.percent is None else f"{self.percent}%"
        return f"{top} / {self.denominator} = {shown}"

    def _shown(self):
        return [(w, str(n)) for w, _name, n in self.terms]


# The columns of the summary table, in the order `columns()` gives them.
COLUMNS = (*(t.name for t in COUNTS), *(m.total for m in MEANS))


def columns():
    """The definitions as SQL aggregates: every count, and each mean's summed duration."""
    counts = {t.name: Count("pk", filter=t.filter) for t in COUNTS}
    totals = {m.total: Sum(m.expression(), filter=m.filter) for m in MEANS}
    return {**counts, **totals}


def microseconds(value):
    """A summed duration as whole microseconds, however the backend returns it."""
    if value is None:
        return 0
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(microseconds=1)
    return int(value)  # a backend that sums durations as numbers, or a sum of summary rows


@dataclass
class Figures:
    """All counts, rates and means of one set of suggestions (one row of a breakdown)."""

    counts: dict
    totals: dict = field(default_factory=dict)  # mean name → summed duration in microseconds

    @classmethod
    def of(cls, row, suffix=""):
        """From a row holding the values of `columns()` (names + `suffix`), summed or not."""
        counts = {t.name: row[t.name + suffix] or 0 for t in COUNTS}
        totals = {m.name: microseconds(row[m.total + suffix]) for m in MEANS}
        return cls(counts, totals)

    def value(self, name):
        metric = METRICS[name]
        if isinstance(metric, Total):
            return self.counts[name]
        if isinstance(metric, Ratio):
            terms = tuple((w, c, self.counts[c]) for w, c in metric.numerator)
            return Rate(metric, terms, self.counts[metric.denominator])
        return self._mean(metric)

    def _mean(self, mean):
        over = self.counts[mean.over]
        if not over:
            return None
        return datetime.timedelta(microseconds=round(Fraction(self.totals[mean.name], over)))

    def shown(self, names=HEADLINE):
        return [(METRICS[n], self.value(n)) for n in names]


def recount(queryset):
    """Every metric of any set of suggestions, counted from the suggestions in one query."""
    return Figures.of(queryset.order_by().aggregate(**columns()))


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    key: object  # the expression a suggestion's group is keyed by
    none_label: str = ""
    model: object = None  # the model a key is the id of, whose `name` names the group

    def cell_filter(self, key):
        """The Q selecting the suggestions of one group, for a key as in a URL or a row."""
        if self.name == "month":
            start = month_start(key)
            return Q(submitted_at__gte=start, submitted_at__lt=next_month(start))
        if self.name == "category":
            if key is None:
                return Q(category__isnull=True)
            return Q(category_id=key, category__parent__isnull=True) | Q(category__parent_id=key)
        if self.name == "channel":
            return Q(channel=key)
        return Q(**{f"{self.name}__isnull": True}) if key is None else Q(**{f"{self.name}_id": key})

    def rows(self, found):
        """Breakdown rows from summed summary rows of this dimension, named and in order."""
        labels = self._labels([r["key"] for r in found])
        rows = [Row(self._key(r["key"]), labels[r["key"]], Figures.of(r, SUM)) for r in found]
        if self.model is None:
            return sorted(rows, key=lambda r: r.key)
        return sorted(rows, key=lambda r: (r.key == "", str(r.label)))

    def _key(self, stored):
        if self.model is None or stored == "":
            return stored
        return int(stored)

    def _labels(self, keys):
        if self.model is None:
            return {k: Channel(k).label if k in Channel.values else k for k in keys}
        ids = [int(k) for k in keys if k]
        found = self.model.objects.filter(pk__in=ids).order_by().values_list("pk", "name")
        names = dict(found) if ids else {}
        return {k: names.get(int(k), k) if k else self.none_label for k in keys}


DIMENSIONS = {
    d.name: d
    for d in (
        Dimension("month", _("Month of submission"), TruncMonth("submitted_at")),
        Dimension("compound", _("Compound"), F("compound_id"), _("No compound"), Compound),
        Dimension("grid", _("Grid"), F("grid_id"), _("No grid"), Grid),
        Dimension(
            "category",
            _("Category"),
            Coalesce("category__parent_id", "category_id"),
            _("Not categorised"),
            Category,
        ),
        Dimension("channel", _("Channel"), F("channel")),
        Dimension(
            "owner", _("Owner organisation"), F("owner_id"), _("Not dispatched"), Organisation
        ),
    )
}
# The dimension of the summary rows that count the whole community, month by month.
WHOLE = ""
SUM = "__sum"  # the suffix Django gives Sum("x") as its default name


@dataclass
class Row:
    key: object  # as used in URLs: an id, a channel code, "2026-03", or "" for none
    label: str
    figures: Figures


def _summary(community, since="", until=""):
    """The community's summary rows for the months from `since` to `until` ("YYYY-MM")."""
    rows = MonthlySummary.objects.filter(community=community)
    if since:
        rows = rows.filter(month__gte=month_start(since).date())
    if until:
        rows = rows.filter(month__lte=month_start(until).date())
    return rows


def figures(community, since="", until=""):
    """Every metric of the community's suggestions submitted in the period (one query of the
    summary)."""
    whole = _summary(community, since, until).filter(dimension=WHOLE)
    return Figures.of(whole.aggregate(*(Sum(c) for c in COLUMNS)), SUM)


def breakdowns(community, since="", until="", names=tuple(DIMENSIONS)):
    """Every metric per group of each dimension in `names`, from the summary.

    Two queries (the months, then every other dimension's groups summed over the period) and one
    per dimension whose groups are named by a model.
    """
    rows = _summary(community, since, until)
    result = {}
    if "month" in names:
        months = rows.filter(dimension=WHOLE).order_by("month").values("month", *COLUMNS)
        result["month"] = [
            Row(f"{r['month']:%Y-%m}", f"{r['month']:%Y-%m}", Figures.of(r)) for r in months
        ]
    others = [n for n in names if n != "month"]
    found = {n: [] for n in others}
    grouped = rows.filter(dimension__in=others).values("dimension", "key").order_by()
    for row in grouped.annotate(*(Sum(c) for c in COLUMNS)):
        found[row["dimension"]].append(row)
    return result | {n: DIMENSIONS[n].rows(found[n]) for n in others}


def breakdown(community, dimension, since="", until=""):
    """Every metric per group of one dimension (a name of DIMENSIONS), from the summary."""
    return breakdowns(community, since, until, names=(dimension,))[dimension]


def cell_filter(dimension, key):
    """The Q of one breakdown cell's suggestions; `key` as in Row.key ("" for none)."""
    return DIMENSIONS[dimension].cell_filter(None if key == "" else key)


def month_start(month):
    """The first instant of a "YYYY-MM" month in the site's time zone."""
    year, mon = (int(p) for p in str(month).split("-"))
    return timezone.make_aware(datetime.datetime(year, mon, 1))


def next_month(start):
    year, mon = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return timezone.make_aware(datetime.datetime(year, mon, 1))


def period_filter(since=None, until=None):
    """Items submitted from the month `since` to the month `until`, both "YYYY-MM", inclusive."""
    q = Q()
    if since:
        q &= Q(submitted_at__gte=month_start(since))
    if until:
        q &= Q(submitted_at__lt=next_month(month_start(until)))
    return q
