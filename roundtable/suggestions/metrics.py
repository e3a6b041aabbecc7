"""The metrics of DOMAIN.md §3, each defined once: its words, arithmetic and the items behind it.

Every number is a count of items selected by a Q (`COUNTS`); a rate is a ratio of such counts
and a mean is taken over such items, so every number on a page links to the list behind it and
that list's length is the number. `figures(queryset)` computes all of them in one SQL query with
conditional aggregation; `breakdown(queryset, dimension)` does the same grouped, in one query.
Rates are kept as fractions and rounded to a whole percent half-up; they are always shown with
their numerator and denominator ("142 / 164 = 87%").
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Channel, Rating, Status

VALID = ~Q(status__in=[Status.INVALID, Status.MERGED])
RESPONDED = VALID & Q(responded_at__isnull=False)
RATED = VALID & ~Q(rating="")
TIMED = RESPONDED & Q(resolve_by__isnull=False)


@dataclass(frozen=True)
class Tally:
    """A count of the items that `filter` selects."""

    name: str
    label: str
    definition: str
    filter: Q


COUNTS = (
    Tally("collected", _("Collected"), _("Every suggestion received, through any channel."), Q()),
    Tally(
        "valid",
        _("Valid"),
        _("Collected minus those not accepted and those merged into another as duplicates."),
        VALID,
    ),
    Tally(
        "responded",
        _("Responded"),
        _(
            "Valid suggestions that have received a response (responded and handled); "
            "those answered on the spot at triage count too."
        ),
        RESPONDED,
    ),
    Tally(
        "resolved",
        _("Resolved"),
        _("Valid suggestions completed and closed."),
        VALID & Q(status=Status.CLOSED),
    ),
    Tally("rated", _("Rated"), _("Valid suggestions the resident has rated."), RATED),
    Tally(
        "content",
        _("Satisfied or basically satisfied"),
        _("Rated “satisfied” or “basically satisfied”."),
        RATED & Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY]),
    ),
    Tally("satisfied", _("Satisfied"), _("Rated “satisfied”."), RATED & Q(rating=Rating.SATISFIED)),
    Tally(
        "basically",
        _("Basically satisfied"),
        _("Rated “basically satisfied”."),
        RATED & Q(rating=Rating.BASICALLY),
    ),
    Tally(
        "followed_up",
        _("Followed up"),
        _("Rated, or closed without a rating after the follow-up period."),
        RATED | (VALID & Q(status=Status.CLOSED, rating="")),
    ),
    Tally(
        "timed",
        _("Responded with a deadline"),
        _("Responded suggestions that had a resolve-by deadline."),
        TIMED,
    ),
    Tally(
        "on_time",
        _("Responded on time"),
        _("Responded no later than their resolve-by deadline."),
        TIMED & Q(responded_at__lte=F("resolve_by")),
    ),
    Tally(
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
        """The items the rate is taken over: its denominator."""
        return COUNT[self.denominator].filter


@dataclass(frozen=True)
class Mean:
    """The mean time from `start` to `end` over the items of count `over`."""

    name: str
    label: str
    definition: str
    start: str
    end: str
    over: str

    @property
    def filter(self):
        return COUNT[self.over].filter

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


def percent(numerator, denominator):
    """A whole percent, rounded half-up; None when there is nothing to divide by."""
    if not denominator:
        return None
    exact = Fraction(numerator) * 100 / denominator
    return int(Decimal(exact.numerator / Decimal(exact.denominator)).quantize(1, ROUND_HALF_UP))


@dataclass(frozen=True)
class Rate:
    ratio: Ratio
    terms: tuple  # ((weight string, count name, count), ...)
    denominator: int

    @property
    def numerator(self):
        return sum((Fraction(w) * n for w, _name, n in self.terms), Fraction(0))

    @property
    def percent(self):
        return percent(self.numerator, self.denominator)

    @property
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


def _mean_value(value):
    if value is None or isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=value)  # a backend that averages to a number


@dataclass
class Figures:
    """All counts, rates and means of one set of items (one row of a breakdown)."""

    counts: dict
    means: dict = field(default_factory=dict)

    def value(self, name):
        metric = METRICS[name]
        if isinstance(metric, Tally):
            return self.counts[name]
        if isinstance(metric, Ratio):
            terms = tuple((w, c, self.counts[c]) for w, c in metric.numerator)
            return Rate(metric, terms, self.counts[metric.denominator])
        return self.means[name]

    def shown(self, names=HEADLINE):
        return [(METRICS[n], self.value(n)) for n in names]


def _aggregates():
    counts = {t.name: Count("pk", filter=t.filter) for t in COUNTS}
    means = {m.name: Avg(m.expression(), filter=m.filter) for m in MEANS}
    return {**counts, **means}


def _figures(row):
    counts = {t.name: row[t.name] for t in COUNTS}
    means = {m.name: _mean_value(row[m.name]) for m in MEANS}
    return Figures(counts, means)


def figures(queryset):
    """Every metric of `queryset`, in one query."""
    return _figures(queryset.order_by().aggregate(**_aggregates()))


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    key: object  # an expression grouped by
    title: object  # an expression naming the group
    none_label: str

    def cell_filter(self, key):
        """The Q selecting the items of one group, for a key as it appears in a URL or a row."""
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


DIMENSIONS = {
    d.name: d
    for d in (
        Dimension(
            "month",
            _("Month of submission"),
            TruncMonth("submitted_at"),
            Value(""),
            "",
        ),
        Dimension(
            "compound", _("Compound"), F("compound_id"), F("compound__name"), _("No compound")
        ),
        Dimension("grid", _("Grid"), F("grid_id"), F("grid__name"), _("No grid")),
        Dimension(
            "category",
            _("Category"),
            Coalesce("category__parent_id", "category_id"),
            Coalesce("category__parent__name", "category__name"),
            _("Not categorised"),
        ),
        Dimension("channel", _("Channel"), F("channel"), Value(""), ""),
        Dimension(
            "owner", _("Owner organisation"), F("owner_id"), F("owner__name"), _("Not dispatched")
        ),
    )
}


@dataclass
class Row:
    key: object  # as used in URLs: an id, a channel code, "2026-03", or "" for none
    label: str
    figures: Figures


def _row(dimension, row):
    key = row["_key"]
    if dimension.name == "month":
        local = timezone.localtime(key) if timezone.is_aware(key) else key
        key = label = f"{local:%Y-%m}"
    elif dimension.name == "channel":
        label = Channel(key).label if key in Channel.values else key
    else:
        label = row["_title"] or dimension.none_label
        key = "" if key is None else key
    return Row(key, label, _figures(row))


def breakdown(queryset, dimension):
    """Every metric of `queryset` per group of `dimension` (a name of DIMENSIONS), in one query."""
    dim = DIMENSIONS[dimension]
    grouped = queryset.order_by().annotate(_key=dim.key, _title=dim.title)
    rows = grouped.values("_key", "_title").annotate(**_aggregates()).order_by("_key")
    result = [_row(dim, r) for r in rows]
    if dim.name not in ("month", "channel"):
        result.sort(key=lambda r: (r.key == "", str(r.label)))
    return result


def cell_filter(dimension, key):
    """The Q of one breakdown cell's items; `key` as in Row.key ("" for none)."""
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
