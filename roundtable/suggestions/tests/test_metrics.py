"""The metrics of DOMAIN.md §3 against independent raw-SQL counts on a hand-built set of items.

The items are built with direct field values in every status, then the summary is rebuilt: this
tests the arithmetic, both as the figures page reads it (the summary) and counted from the items
(`recount`), not the lifecycle (test_transitions.py does that; test_summaries.py keeps the summary
in step with it).
"""

import datetime
from fractions import Fraction

import pytest
from django.db import connection
from django.utils import timezone, translation

from roundtable.people.models import OrganisationKind
from roundtable.people.tests.factories import OrganisationFactory
from roundtable.places.tests.factories import CompoundFactory, GridFactory
from roundtable.suggestions import metrics, summaries
from roundtable.suggestions.models import Channel, Rating, Status, Suggestion

from .factories import CategoryFactory, SuggestionFactory

TABLE = Suggestion._meta.db_table
VALID_SQL = "status NOT IN ('invalid', 'merged')"
RESPONDED_SQL = f"{VALID_SQL} AND responded_at IS NOT NULL"
TIMED_SQL = f"{RESPONDED_SQL} AND resolve_by IS NOT NULL"
RAW_WHERE = {
    "collected": "1 = 1",
    "valid": VALID_SQL,
    "responded": RESPONDED_SQL,
    "resolved": f"{VALID_SQL} AND status = 'closed'",
    "rated": f"{VALID_SQL} AND rating <> ''",
    "content": f"{VALID_SQL} AND rating IN ('satisfied', 'basically')",
    "satisfied": f"{VALID_SQL} AND rating = 'satisfied'",
    "basically": f"{VALID_SQL} AND rating = 'basically'",
    "followed_up": f"{VALID_SQL} AND (rating <> '' OR status = 'closed')",
    "timed": TIMED_SQL,
    "on_time": f"{TIMED_SQL} AND responded_at <= resolve_by",
    "accepted": f"{VALID_SQL} AND dispatched_at IS NOT NULL AND accepted_at IS NOT NULL",
}


def at(month, day, hour=9):
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


def build_world(community, compound, grid, owner):
    """Items in every status over three months, two compounds, two top-level categories."""
    other_compound = CompoundFactory(community=community, name="J7")
    other_grid = GridFactory(community=community, name="第一网格")
    parent = CategoryFactory(community=community, code="05", name="公共设施")
    child = CategoryFactory(community=community, code="05.06", name="游乐健身设施", parent=parent)
    flat = CategoryFactory(community=community, code="01", name="环境卫生")
    base = {"community": community}

    def make(status, month, day, **fields):
        return SuggestionFactory(**base, status=status, submitted_at=at(month, day), **fields)

    here = {"compound": compound, "grid": grid}
    there = {"compound": other_compound, "grid": other_grid}
    handled = {"owner": owner, "category": child}

    def dispatched(month, day, accept_hours=None):
        d = {**handled, "dispatched_at": at(month, day, 10), "resolve_by": at(month, day + 7)}
        if accept_hours is not None:
            d["accepted_at"] = at(month, day, 10) + datetime.timedelta(hours=accept_hours)
        return d

    def responded(month, day, after_days, **more):
        return {
            **dispatched(month, day, 3),
            "responded_at": at(month, day) + datetime.timedelta(days=after_days),
            **more,
        }

    make(Status.SUBMITTED, 1, 2, **here, channel=Channel.GRID_BOX)
    make(Status.SUBMITTED, 3, 2, channel=Channel.HOTLINE)
    make(Status.INVALID, 1, 3, **here, invalid_reason="重复")
    make(Status.MERGED, 2, 3, **there)
    make(Status.DISPATCHED, 2, 4, **here, **dispatched(2, 4))
    make(Status.ACCEPTED, 2, 5, **there, **dispatched(2, 5, 2))
    make(Status.IN_PROGRESS, 3, 5, **here, **dispatched(3, 5, 30), channel=Channel.STATION)
    make(Status.DELIBERATION, 3, 6, **here, **dispatched(3, 6, 1), channel=Channel.MEETING)
    make(Status.RESPONDED, 1, 7, **here, **responded(1, 7, 3))
    make(Status.FOLLOW_UP, 1, 8, **there, **responded(1, 8, 9))  # late
    # answered on the spot at triage: no dispatch, no deadline
    make(Status.FOLLOW_UP, 2, 9, **here, category=flat, responded_at=at(2, 9, 11))
    make(
        Status.CLOSED,
        1,
        10,
        **here,
        category=flat,
        responded_at=at(1, 10, 15),
        rating=Rating.SATISFIED,
    )
    closed = {"status": Status.CLOSED}
    for i, rating in enumerate(
        [Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED, ""]
    ):
        SuggestionFactory(
            **base,
            **closed,
            **here,
            **responded(2, 10 + i, 2 + i, rating=rating),
            submitted_at=at(2, 10 + i),
        )
    make(
        Status.CLOSED,
        3,
        10,
        **there,
        **responded(3, 10, 10, rating=Rating.BASICALLY),
        channel=Channel.HOTLINE,
    )
    make(Status.TERMINATED, 3, 11, **there, **dispatched(3, 11, 5))
    make(Status.IN_PROGRESS, 2, 20, **here, **dispatched(2, 20, 4), urgent=True)


@pytest.fixture
def owner(community):
    return OrganisationFactory(
        community=community, name="澜菲物业服务中心", kind=OrganisationKind.PROPERTY_COMPANY
    )


@pytest.fixture
def world(community, compound, grid, owner):
    build_world(community, compound, grid, owner)
    # Another community's items must never count.
    other = SuggestionFactory(status=Status.CLOSED, responded_at=at(1, 5), rating=Rating.SATISFIED)
    summaries.rebuild(community)
    summaries.rebuild(other.community)
    return community


def raw_count(community, where, extra="", params=()):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {TABLE} WHERE community_id = %s AND ({where}){extra}",
            [community.pk, *params],
        )
        return cursor.fetchone()[0]


def as_datetime(value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def raw_mean(community, start, end, where):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {start}, {end} FROM {TABLE} WHERE community_id = %s AND ({where})",
            [community.pk],
        )
        spans = [as_datetime(b) - as_datetime(a) for a, b in cursor.fetchall()]
    return sum(spans, datetime.timedelta()) / len(spans)


def of(community):
    return Suggestion.objects.filter(community=community)


# The figures page reads the summary; `recount` counts the items themselves.
SOURCES = {
    "summary": lambda community: metrics.figures(community),
    "items": lambda community: metrics.recount(of(community)),
}


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("name", list(RAW_WHERE))
def test_each_count_equals_an_independent_sql_count(world, name, source):
    assert SOURCES[source](world).value(name) == raw_count(world, RAW_WHERE[name])


def test_the_hand_built_set_has_the_expected_figures(world):
    f = metrics.figures(world)
    counts = {n: f.value(n) for n in ("collected", "valid", "responded", "resolved", "rated")}
    assert counts == {"collected": 20, "valid": 18, "responded": 10, "resolved": 7, "rated": 6}
    assert str(f.value("response_rate")) == "10 / 18 = 56%"
    assert str(f.value("satisfaction_rate")) == "5 / 6 = 83%"
    # (3 satisfied + 0.9 × 2 basically) / (6 rated + 1 closed unrated) = 4.8 / 7
    assert str(f.value("score")) == "(3 + 0.9 × 2) / 7 = 69%"
    assert f.value("score").numerator == Fraction(48, 10)


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("mean", metrics.MEANS, ids=lambda m: m.name)
def test_each_mean_duration_equals_the_mean_of_the_raw_timestamps(world, mean, source):
    where = RAW_WHERE[mean.over]
    expected = raw_mean(world, mean.start, mean.end, where)
    got = SOURCES[source](world).value(mean.name)
    assert abs(got - expected) < datetime.timedelta(milliseconds=1)


def test_answered_on_the_spot_counts_as_responded(world):
    answered = of(world).filter(status=Status.FOLLOW_UP, dispatched_at__isnull=True)
    assert metrics.recount(answered).value("responded") == 1


def test_on_time_rate_counts_only_those_with_a_deadline(world):
    rate = metrics.figures(world).value("on_time_rate")
    assert rate.denominator == raw_count(world, TIMED_SQL)
    assert rate.denominator < metrics.figures(world).value("responded")


@pytest.mark.parametrize(
    "numerator, denominator, shown",
    [
        (142, 164, 87),  # 86.585…
        (1, 8, 13),  # 12.5 rounds half up
        (3, 8, 38),  # 37.5
        (1, 200, 1),  # 0.5
        (1, 201, 0),  # 0.497…
        (5, 5, 100),
        (0, 7, 0),
        (Fraction(45, 10), 9, 50),  # a weighted numerator
    ],
)
def test_rates_round_to_a_whole_percent_half_up(numerator, denominator, shown):
    assert metrics.percent(numerator, denominator) == shown


def test_a_rate_with_nothing_to_divide_by_shows_a_dash_not_zero(community):
    for figures in (metrics.figures(community), metrics.recount(Suggestion.objects.none())):
        rate = figures.value("response_rate")
        assert rate.percent is None
        assert str(rate) == "0 / 0 = —"
        assert figures.value("time_to_respond") is None


def test_a_rate_names_its_numerator_and_denominator():
    rate = metrics.Rate(metrics.METRICS["response_rate"], (("1", "responded", 142),), 164)
    assert str(rate) == "142 / 164 = 87%"


@pytest.mark.parametrize("name", list(metrics.METRICS))
def test_the_filter_of_each_metric_selects_exactly_the_items_counted(world, name):
    metric = metrics.METRICS[name]
    items = of(world).filter(metric.filter).count()
    count_name = getattr(metric, "denominator", None) or getattr(metric, "over", None) or name
    assert items == metrics.figures(world).value(count_name)


GROUP_SQL = {
    "compound": "compound_id",
    "grid": "grid_id",
    "channel": "channel",
    "owner": "owner_id",
}


@pytest.mark.parametrize("dimension", list(GROUP_SQL))
def test_breakdowns_equal_sql_group_by_counts(world, dimension):
    column = GROUP_SQL[dimension]
    for name in ("collected", "valid", "responded", "resolved", "on_time"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column}, COUNT(*) FROM {TABLE} "
                f"WHERE community_id = %s AND ({RAW_WHERE[name]}) GROUP BY {column}",
                [world.pk],
            )
            expected = {("" if k is None else k): n for k, n in cursor.fetchall() if n}
        rows = metrics.breakdown(world, dimension)
        got = {r.key: r.figures.value(name) for r in rows if r.figures.value(name)}
        assert got == expected, name


def test_breakdown_by_top_level_category_folds_children_into_their_parent(world):
    with translation.override("en"):
        rows = metrics.breakdown(world, "category")
        labels = {str(r.label): r.figures.value("collected") for r in rows}
    assert labels == {"公共设施": 14, "环境卫生": 2, "Not categorised": 4}


def test_breakdown_by_month_of_submission(world):
    rows = {r.key: r.figures.value("collected") for r in metrics.breakdown(world, "month")}
    assert rows == {"2026-01": 5, "2026-02": 10, "2026-03": 5}


def test_every_breakdown_cell_filter_selects_exactly_the_items_counted(world):
    for dimension in metrics.DIMENSIONS:
        for row in metrics.breakdown(world, dimension):
            cell = of(world).filter(metrics.cell_filter(dimension, row.key))
            for name in metrics.COUNT:
                expected = row.figures.value(name)
                assert cell.filter(metrics.COUNT[name].filter).count() == expected, (
                    dimension,
                    row.key,
                    name,
                )


def test_the_figures_page_reads_a_few_queries_of_the_summary(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        metrics.figures(world)
    named = [d for d in metrics.DIMENSIONS.values() if d.model is not None]
    # The months, the other dimensions' groups, and the names of compounds, grids, categories …
    with django_assert_num_queries(2 + len(named)):
        metrics.breakdowns(world)


def test_period_filter_selects_whole_months_in_local_time(world):
    march = of(world).filter(metrics.period_filter("2026-02", "2026-03"))
    assert metrics.recount(march).value("collected") == 15
    assert metrics.figures(world, "2026-02", "2026-03").value("collected") == 15
    assert (
        metrics.recount(of(world).filter(metrics.period_filter(until="2026-01"))).value("collected")
        == 5
    )
    assert metrics.figures(world, until="2026-01").value("collected") == 5
    assert metrics.figures(world, since="2026-04").value("collected") == 0


def test_the_month_of_a_suggestion_is_its_month_in_local_time(community):
    # 00:30 on 1 February in Shanghai is still 31 January in UTC: it counts in February.
    SuggestionFactory(
        community=community, submitted_at=at(2, 1, 0) + datetime.timedelta(minutes=30)
    )
    summaries.rebuild(community)
    assert metrics.figures(community, "2026-02", "2026-02").value("collected") == 1
    assert [r.key for r in metrics.breakdown(community, "month")] == ["2026-02"]
