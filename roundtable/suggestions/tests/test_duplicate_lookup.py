"""likely_duplicates(): what the triage page shows, ranked from features kept in the database."""

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from roundtable.places.tests.factories import BuildingFactory, CompoundFactory
from roundtable.suggestions import duplicates, similarity
from roundtable.suggestions.duplicates import likely_duplicates
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import (
    Channel,
    DuplicateCorpus,
    Status,
    Suggestion,
    TextFeatures,
    TextGrams,
)
from roundtable.suggestions.similarity import rank_duplicates

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def check_every_lookup(monkeypatch):
    """The tests change suggestions through factories and bulk updates, which record no audit
    event: every lookup checks its corpus, as one does at least every RECHECK (the tests at the
    end of this file are about that)."""
    monkeypatch.setattr(duplicates, "RECHECK", timedelta(0))


TEXTS = [
    "游乐场地胶破损，小孩容易摔倒，请更换地胶。",
    "小区游乐场的滑梯坏了",
    "游乐场地胶破了",
    "3栋楼道堆满了杂物",
    "游乐场的秋千链条生锈了，孩子玩很危险",
    "楼道声控灯不亮了",
    "游乐场晚上没有灯，孩子摔倒了",
]


def _twin(suggestion, text=TEXTS[0], **fields):
    where = {"compound": suggestion.compound, "building": suggestion.building}
    return SuggestionFactory(community=suggestion.community, text=text, **where | fields)


def _found(suggestion):
    return [row["suggestion"] for row in likely_duplicates(suggestion)]


def _record(suggestion):
    return similarity.Record(
        suggestion.pk,
        suggestion.text,
        compound_id=suggestion.compound_id,
        building_id=suggestion.building_id,
        created_at=suggestion.submitted_at,
    )


def _as_rank_duplicates_has_it(suggestion, others):
    """(ids, percents) of the lookup and of rank_duplicates over the same suggestions."""
    expected = rank_duplicates(_record(suggestion), [_record(s) for s in others])
    shown = likely_duplicates(suggestion)
    return (
        ([row["suggestion"].pk for row in shown], [row["percent"] for row in shown]),
        ([m.candidate_id for m in expected], [round(m.score * 100) for m in expected]),
    )


def _recount(community):
    """The corpus as counted afresh: the candidates and the documents with each n-gram."""
    since = timezone.now() - timedelta(days=duplicates.RECENT_DAYS)
    ids = duplicates._candidates(community.pk, since).values_list("pk", flat=True)
    frequencies = Counter()
    for grams in TextGrams.objects.filter(pk__in=ids).values_list("counts", flat=True):
        frequencies.update(grams.keys())
    return len(ids), dict(frequencies)


def _corpus(community):
    corpus = DuplicateCorpus.objects.get(community=community)
    return corpus.documents, corpus.frequencies


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
    Suggestion.objects.filter(pk=twin.pk).update(status=Status.IN_PROGRESS)
    assert _found(suggestion) == [twin]


def test_a_text_written_again_is_read_again(suggestion):
    """Texts are not edited in the app; whatever writes one again calls remember(again=True)."""
    twin = _twin(suggestion)
    assert _found(suggestion) == [twin]
    Suggestion.objects.filter(pk=twin.pk).update(text="表扬网格员小王办事认真")
    twin.refresh_from_db()
    duplicates.remember(twin, again=True)
    assert _found(suggestion) == []
    assert _corpus(suggestion.community) == _recount(suggestion.community)


def test_the_lookup_ranks_as_rank_duplicates_does(suggestion):
    others = [
        _twin(suggestion),
        _twin(suggestion, text=TEXTS[1]),
        _twin(suggestion, text=TEXTS[2], building=None),
        _twin(suggestion, text=TEXTS[3]),
    ]
    shown, expected = _as_rank_duplicates_has_it(suggestion, others)
    assert shown == expected and shown[0]


def test_past_prefilter_from_the_lookup_reads_only_the_likely_and_ranks_the_same(
    suggestion, monkeypatch
):
    """The database's prefilter (has_any_keys on n-grams and things) is the index's."""
    monkeypatch.setattr(similarity, "PREFILTER_FROM", 3)
    monkeypatch.setattr(similarity, "RARE_MIN", 1)
    others = [_twin(suggestion, text=text) for text in TEXTS for _ in range(2)]
    others += [_twin(suggestion, text="电梯坏了，关人了"), _twin(suggestion, text="噪音扰民")]
    shown, expected = _as_rank_duplicates_has_it(suggestion, others)
    assert shown == expected and shown[0]
    shown, expected = _as_rank_duplicates_has_it(others[-1], [suggestion, *others[:-1]])
    assert shown == expected


@pytest.mark.parametrize("near", [0, 3, 8], ids=["none near", "few near", "many near"])
def test_other_compounds_are_read_when_they_may_make_the_top_and_rank_the_same(suggestion, near):
    """Those of other compounds (at most 0.3 of their text) come after, within a time window."""
    elsewhere = CompoundFactory(community=suggestion.community, name="J6")
    building = BuildingFactory(compound=elsewhere, name="2栋")
    others = [_twin(suggestion, text=TEXTS[i % 3]) for i in range(near)]
    for days in (0, 3, 10, 20, 30, 45, 80):
        when = {"submitted_at": timezone.now() - timedelta(days=days)}
        for text in TEXTS[:3]:
            others.append(
                _twin(suggestion, text=text, compound=elsewhere, building=building, **when)
            )
    others.append(_twin(suggestion, text="菜场门口的马路上垃圾很多", compound=elsewhere))
    shown, expected = _as_rank_duplicates_has_it(suggestion, others)
    assert shown == expected and len(shown[0]) == 5


@pytest.mark.parametrize(
    ("status", "days", "among_them"),
    [
        (Status.CLOSED, 200, True),  # not a candidate, ranked as if it were
        (Status.MERGED, 0, False),  # never among them: its text counts in the IDF only
    ],
)
def test_a_suggestion_the_corpus_does_not_count_ranks_as_before(
    suggestion, status, days, among_them
):
    others = [_twin(suggestion, text=text) for text in TEXTS]
    when = timezone.now() - timedelta(days=days)
    Suggestion.objects.filter(pk=suggestion.pk).update(status=status, submitted_at=when)
    suggestion.refresh_from_db()
    if among_them:
        expected = rank_duplicates(_record(suggestion), [_record(s) for s in others])
    else:
        expected = similarity.DuplicateIndex([_record(s) for s in others]).rank(_record(suggestion))
    assert duplicates.ranked(suggestion, limit=5) == expected and expected


def test_a_submitted_suggestion_has_its_features_and_the_next_lookup_counts_it(
    suggestion, resident, home
):
    new = submit_suggestion(
        community=suggestion.community,
        text=TEXTS[0],
        channel=Channel.ONLINE,
        by=resident,
        submitter=resident,
        home=home,
    )
    assert TextFeatures.objects.filter(pk=new.pk, counted=False).exists()
    assert [row["suggestion"] for row in likely_duplicates(new)] == [suggestion]
    assert TextFeatures.objects.get(pk=new.pk).counted
    documents, frequencies = _corpus(suggestion.community)
    assert (documents, frequencies) == _recount(suggestion.community) and documents == 2


def test_the_corpus_follows_the_candidates_whatever_changes_them(suggestion):
    twins = [_twin(suggestion, text=text) for text in TEXTS]
    likely_duplicates(suggestion)
    assert _corpus(suggestion.community) == _recount(suggestion.community)
    Suggestion.objects.filter(pk=twins[0].pk).update(status=Status.INVALID)
    Suggestion.objects.filter(pk=twins[1].pk).delete()
    _twin(suggestion, text="游乐场的沙坑里有玻璃碴")
    likely_duplicates(suggestion)
    assert _corpus(suggestion.community) == _recount(suggestion.community)
    assert _corpus(suggestion.community)[0] == len(TEXTS)


def test_a_repeated_lookup_reads_the_corpus_and_what_it_ranks(
    suggestion, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(duplicates, "RECHECK", timedelta(seconds=60))
    _twin(suggestion)
    likely_duplicates(suggestion)
    # The corpus with the community's newest event (nothing recorded since its check: no check),
    # the suggestion's features, the candidates' place, time and key features (of the compound,
    # then, as fewer than five match, of other compounds), their n-grams and concepts, the
    # suggestions shown.
    with django_assert_num_queries(6):
        assert len(likely_duplicates(suggestion)) == 1


def test_a_recorded_change_is_counted_by_the_next_lookup(suggestion, resident, home, monkeypatch):
    monkeypatch.setattr(duplicates, "RECHECK", timedelta(hours=1))
    assert _found(suggestion) == []
    new = submit_suggestion(
        community=suggestion.community,
        text=suggestion.text,
        channel=Channel.ONLINE,
        by=resident,
        submitter=resident,
        home=home,
    )
    assert _found(suggestion) == [new]
    assert _corpus(suggestion.community) == _recount(suggestion.community)


def test_an_unrecorded_change_is_counted_within_recheck(suggestion, monkeypatch):
    """A bulk update or plain SQL records no event: the corpus is checked again RECHECK after
    its last check, whatever happened."""
    monkeypatch.setattr(duplicates, "RECHECK", timedelta(seconds=60))
    twin = _twin(suggestion)
    assert _found(suggestion) == [twin]
    Suggestion.objects.filter(pk=twin.pk).update(status=Status.INVALID)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert _found(suggestion) == []
        assert _corpus(suggestion.community) == _recount(suggestion.community)
