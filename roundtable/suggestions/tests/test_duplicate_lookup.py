"""likely_duplicates(): what the triage page shows, read through the per-community index."""

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.suggestions import views_staff
from roundtable.suggestions.models import Status, Suggestion
from roundtable.suggestions.similarity import rank_duplicates
from roundtable.suggestions.views_staff import likely_duplicates

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def _twin(suggestion, text="游乐场地胶破损，小孩容易摔倒，请更换地胶。", **fields):
    where = {"compound": suggestion.compound, "building": suggestion.building}
    return SuggestionFactory(community=suggestion.community, text=text, **where | fields)


def _found(suggestion):
    return [row["suggestion"] for row in likely_duplicates(suggestion)]


def test_a_new_suggestion_shows_up_in_the_next_lookup(suggestion):
    assert _found(suggestion) == []
    twin = _twin(suggestion)
    assert _found(suggestion) == [twin]


def test_a_suggestion_closed_long_ago_or_merged_is_no_candidate(suggestion):
    twin = _twin(suggestion)
    assert _found(suggestion) == [twin]
    Suggestion.objects.filter(pk=twin.pk).update(
        status=Status.CLOSED, submitted_at=timezone.now() - timedelta(days=200)
    )
    assert _found(suggestion) == []
    Suggestion.objects.filter(pk=twin.pk).update(status=Status.MERGED, submitted_at=timezone.now())
    assert _found(suggestion) == []


def test_an_edited_candidate_is_read_again_once_the_candidates_change(suggestion):
    """Texts are not edited in the app; on PostgreSQL an edit counts from the next change."""
    twin = _twin(suggestion)
    assert _found(suggestion) == [twin]
    Suggestion.objects.filter(pk=twin.pk).update(text="表扬网格员小王办事认真")
    _twin(suggestion, text="3栋楼道堆满了杂物")
    assert _found(suggestion) == []


def test_the_lookup_ranks_as_rank_duplicates_does(suggestion):
    others = [
        _twin(suggestion),
        _twin(suggestion, text="小区游乐场的滑梯坏了"),
        _twin(suggestion, text="游乐场地胶破了", building=None),
        _twin(suggestion, text="3栋楼道堆满了杂物"),
    ]
    expected = rank_duplicates(
        views_staff._record(suggestion), [views_staff._record(s) for s in others]
    )
    shown = likely_duplicates(suggestion)
    assert [row["suggestion"].pk for row in shown] == [m.candidate_id for m in expected]
    assert [row["percent"] for row in shown] == [round(m.score * 100) for m in expected]


def test_a_repeated_lookup_reads_only_ids_and_the_rows_shown(
    suggestion, django_assert_max_num_queries
):
    _twin(suggestion)
    likely_duplicates(suggestion)
    with django_assert_max_num_queries(2):  # the candidates' checksums, the suggestions shown
        assert len(likely_duplicates(suggestion)) == 1
