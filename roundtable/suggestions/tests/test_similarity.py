"""Duplicate detection and category suggestion, measured on labelled sets; no database.

`pytest -s` prints the measured precision, recall, accuracy and timing.
"""

import csv
import functools
import json
import random
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roundtable.suggestions import similarity
from roundtable.suggestions.similarity import (
    DUPLICATE_THRESHOLD,
    FLOOR,
    Record,
    is_duplicate,
    normalise,
    rank_duplicates,
    suggest_category,
)

DATA = Path(__file__).parent / "data"
NOW = datetime(2025, 6, 1, 19, 30)


def _read(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


PAIRS = _read("duplicate_pairs.csv")
EXAMPLES = _read("category_examples.csv")


# Measuring duplicate detection on the labelled pairs


def _pair(i, row):
    """Text a is new in compound 1, building 1; text b came `days_apart` earlier, placed per row."""
    new = Record(f"a{i}", row["text_a"], compound_id=1, building_id=1, created_at=NOW)
    days = timedelta(days=int(row["days_apart"]))
    candidate = Record(
        f"b{i}",
        row["text_b"],
        compound_id=1 if row["same_compound"] == "1" else 2,
        building_id=1 if row["same_building"] == "1" else 2,
        created_at=NOW - days,
    )
    return new, candidate


@functools.cache
def _backlog():
    """Every text of the set, a year old and in another compound: the IDF corpus and distractors."""
    old = NOW - timedelta(days=400)
    return tuple(
        Record(
            ("backlog", i, side), row[f"text_{side}"], compound_id=9, building_id=9, created_at=old
        )
        for i, row in enumerate(PAIRS)
        for side in "ab"
    )


def _rank_score(i, row):
    """b's score when a is ranked against b and the backlog; 0 when b is not in the top five."""
    new, candidate = _pair(i, row)
    others = [r for r in _backlog() if r.id[1] != i]
    scores = {m.candidate_id: m.score for m in rank_duplicates(new, [candidate, *others])}
    return scores.get(candidate.id, 0.0)


@functools.cache
def _scored():
    """(score, label) per row of duplicate_pairs.csv, in file order."""
    return tuple((_rank_score(i, row), row["label"] == "1") for i, row in enumerate(PAIRS))


def _precision_recall(scored, threshold):
    flagged = [label for score, label in scored if score >= threshold]
    duplicates = sum(label for _, label in scored)
    return sum(flagged) / max(len(flagged), 1), sum(flagged) / max(duplicates, 1)


def _choose_threshold(scored):
    """The threshold with the best min(precision, recall); ties go to the higher threshold."""
    candidates = sorted({score for score, _ in scored if score > 0})
    return max(candidates, key=lambda t: (min(_precision_recall(scored, t)), t))


def _halves():
    scored = _scored()
    return {"even rows (tuning)": scored[0::2], "odd rows (held out)": scored[1::2], "all": scored}


def test_the_labelled_set_is_big_enough_and_about_45_percent_duplicates():
    assert len(PAIRS) >= 160
    share = sum(row["label"] == "1" for row in PAIRS) / len(PAIRS)
    assert 0.40 <= share <= 0.50
    assert all(not (r["same_building"] == "1" and r["same_compound"] == "0") for r in PAIRS)


def test_the_threshold_is_the_one_chosen_on_the_even_rows():
    chosen = _choose_threshold(_scored()[0::2])
    print(f"\nthreshold chosen on the even rows: {chosen:.4f} (module: {DUPLICATE_THRESHOLD})")
    assert chosen == pytest.approx(DUPLICATE_THRESHOLD, abs=0.01)


def test_precision_and_recall_are_measured_and_do_not_regress():
    """Floors just under the measured values (held out: precision 0.77, recall 0.67)."""
    print()
    for name, scored in _halves().items():
        precision, recall = _precision_recall(scored, DUPLICATE_THRESHOLD)
        print(
            f"duplicates, {name:20} n={len(scored):3}  precision {precision:.3f}  "
            f"recall {recall:.3f}"
        )
    precision, recall = _precision_recall(_halves()["odd rows (held out)"], DUPLICATE_THRESHOLD)
    assert precision >= 0.75 and recall >= 0.65


def test_precision_and_recall_reach_0_8_on_all_rows():
    assert min(_precision_recall(_halves()["all"], DUPLICATE_THRESHOLD)) >= 0.8


@pytest.mark.xfail(
    strict=True,
    reason=(
        "target not reached on the held-out odd rows: precision 0.77, recall 0.67 (all rows "
        "0.84 / 0.82, tuning rows 0.90 / 0.96). Pairs whose words the lexicon does not know "
        "(刷脸 / 人脸识别 before it learnt them) fall back on shared characters"
    ),
)
def test_precision_and_recall_reach_0_8_on_the_held_out_rows():
    assert min(_precision_recall(_halves()["odd rows (held out)"], DUPLICATE_THRESHOLD)) >= 0.8


def test_the_prefilter_flags_the_same_duplicates_as_scoring_every_candidate(monkeypatch):
    """With a prefilter from 100 candidates, the 660-text backlog is looked up as in production."""
    monkeypatch.setattr(similarity, "PREFILTER_FROM", 100)
    filtered = [_rank_score(i, row) for i, row in enumerate(PAIRS)]
    assert [is_duplicate(s) for s in filtered] == [is_duplicate(s) for s, _ in _scored()]


def _stored(record, *, light=False):
    """The entry of a record as duplicates.py reads it back: its features through JSON, maybe
    without grams at first (`light`)."""
    data = json.loads(json.dumps(similarity.Features.of(record.text).to_json()))
    grams = data.pop("grams")
    features = similarity.Features.from_json(**data, grams=None if light else grams)
    fields = {"compound_id": record.compound_id, "building_id": record.building_id}
    entry = similarity.Entry(record.id, features, created_at=record.created_at, **fields)
    return (entry, grams) if light else entry


def test_features_read_back_from_json_rank_as_the_texts_do():
    """What the database keeps of a text ranks the labelled pairs exactly as the text itself."""
    backlog = _backlog()
    entries = [_stored(record) for record in backlog]
    index = similarity.DuplicateIndex(backlog)
    idf = similarity.idf_weights(len(index), index._df)
    for i in range(0, len(backlog), 7):
        expected = index.rank(backlog[i], limit=8)
        pool = [e for e in entries if e.id != backlog[i].id]
        assert similarity.rank_entries(entries[i], pool, idf, limit=8) == expected


def test_entries_read_in_two_steps_rank_as_entries_read_whole(monkeypatch):
    """Bounded by place and time first, the candidates worth scoring loaded after, in batches."""
    monkeypatch.setattr(similarity, "FIRST_LOAD", 10)
    rng = random.Random(5)
    backlog = [
        Record(r.id, r.text, compound_id=rng.choice([1, 2, None]), building_id=rng.randint(1, 4),
               created_at=NOW - timedelta(days=rng.randint(0, 200)))
        for r in _backlog()
    ]  # fmt: skip
    index = similarity.DuplicateIndex(backlog)
    idf = similarity.idf_weights(len(index), index._df)
    loads = []

    def load(entries):
        loads.append(len(entries))
        for entry in entries:
            entry.load(grams[entry.id])

    for i in range(0, len(backlog), 11):
        light = {r.id: _stored(r, light=True) for r in backlog if r.id != backlog[i].id}
        grams = {id: data for id, (_, data) in light.items()}
        pool = [entry for entry, _ in light.values()]
        ranked = similarity.rank_entries(_stored(backlog[i]), pool, idf, limit=5, load=load)
        assert ranked == index.rank(backlog[i])
    assert max(loads) > 10 and min(loads) <= 10  # some lookups needed a second batch


def test_an_entry_naming_none_of_the_things_scores_no_more_than_unshared_text_bound():
    """What lets a lookup leave out the other compounds' candidates naming none of its things."""
    entries = [similarity.Entry.of(record) for record in _backlog()[::3]]
    checked = 0
    for new in entries[::5]:
        bound = similarity.unshared_text_bound(new)
        for other in entries:
            if not new.concepts.things[0].keys() & other.concepts.things[0].keys():
                assert similarity._text_bound(new, other) <= bound
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("share", [0.26, 0.3, 0.5, 0.667, 0.9, 1.0])
def test_days_within_is_the_last_day_recency_reaches_a_share(share):
    days = similarity.days_within(share)
    assert similarity.recency_factor(days) >= share > similarity.recency_factor(days + 1)
    assert similarity.days_within(0.25) is None and similarity.days_within(1.01) == -1


def test_an_index_follows_the_records_it_is_synced_to():
    index = similarity.DuplicateIndex()
    records = {i: _record(i, text) for i, text in enumerate(["电梯坏了", "电梯又坏了", "路灯不亮"])}
    fetched = []

    def fetch(ids):
        fetched.append(sorted(ids))
        return [records[i] for i in ids]

    index.sync({0: "a", 1: "a", 2: "a"}, fetch)
    assert [m.candidate_id for m in index.rank(records[0])] == [1]
    records[1] = _record(1, "路灯又不亮了")
    index.sync({0: "a", 1: "b"}, fetch)  # 1 changed, 2 is gone
    assert fetched == [[0, 1, 2], [1]]
    assert len(index) == 2 and 2 not in index
    assert index.rank(records[0]) == [] and [m.candidate_id for m in index.rank(records[2])] == [1]


# Measuring category suggestion on the examples


def test_category_suggestion_picks_the_right_top_level_category_for_80_percent():
    found = [suggest_category(row["text"]) for row in EXAMPLES]
    right = sum(
        f is not None and f[0][:2] == row["expected"]
        for f, row in zip(found, EXAMPLES, strict=True)
    )
    accuracy = right / len(EXAMPLES)
    print(f"\ncategory suggestion, {len(EXAMPLES)} examples: top-level accuracy {accuracy:.3f}")
    assert len(EXAMPLES) >= 120
    assert accuracy >= 0.8


def test_category_suggestion_names_a_subcategory_when_one_clearly_leads():
    code, confidence = suggest_category("3栋楼道里堆满了纸箱和旧家具，过不去人")
    assert code == "01.01"
    assert 0 < confidence <= 1


def test_category_suggestion_falls_back_to_the_top_level_category():
    assert suggest_category("消防安全") == ("01", pytest.approx(0.59, abs=0.01))


def test_category_suggestion_is_none_without_any_keyword():
    assert suggest_category("hello") is None
    assert suggest_category("") is None


def test_category_suggestion_takes_model_rows_with_keywords_as_one_string():
    rows = [
        SimpleNamespace(code="05", keywords="坏了"),
        SimpleNamespace(code="05.03", keywords="电梯 关人"),
    ]
    assert suggest_category("电梯坏了，关人了", rows)[0] == "05.03"


# Normalisation, place and time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("３栋２单元，楼道！！ 堆满杂物", "3栋2单元楼道堆满杂物"),
        ("三号楼十二层", "3栋12层"),
        ("小区电瓶车和电动自行车", "小区电动车和电动车"),
        ("ＷＩＦＩ 没信号", "wifi没信号"),
        ("楼上燥音太大，拉圾没人收", "楼上噪音太大垃圾没人收"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def _record(id, text="3栋楼道堆满了杂物，请清理", compound=1, building=1, days=0):
    return Record(
        id, text, compound_id=compound, building_id=building, created_at=NOW - timedelta(days=days)
    )


def test_place_orders_the_same_text_same_building_first_other_compound_last():
    new = _record("new", "小区东门的道闸坏了，车进不来")
    text = "东门道闸坏了，车都进不来"
    candidates = [
        _record("other_compound", text, compound=2, building=7),
        _record("same_compound", text, building=2),
        _record("same_building", text),
    ]
    ranked = rank_duplicates(new, candidates)
    assert [m.candidate_id for m in ranked] == ["same_building", "same_compound", "other_compound"]
    assert ranked[0].reasons[:2] == ("similar_text", "same_building")


def test_texts_naming_different_buildings_or_rooms_are_not_duplicates():
    new = _record("new", "5栋楼道里杂物太多，堵着楼梯", building=None)
    elsewhere = _record("8栋", "8栋楼道里杂物太多了，楼梯口都堵住了", building=None)
    (match,) = rank_duplicates(new, [elsewhere])
    assert match.reasons[0:2] == ("similar_text", "other_building_named")
    assert not is_duplicate(match.score)


def test_an_in_building_problem_from_another_building_is_another_problem():
    new, other = _record("new", "电梯又坏了", building=1), _record("old", "电梯坏了", building=2)
    assert similarity.place_relation(new, other) == "other_building"
    named = _record("named", "3栋电梯坏了", building=2)
    assert similarity.place_relation(_record("new", "三号楼电梯坏了"), named) == "same_building"
    gate, other_gate = (
        _record("g1", "东门道闸坏了", building=1),
        _record("g2", "东门道闸坏了", building=2),
    )
    assert similarity.place_relation(gate, other_gate) == "same_compound"


def test_older_candidates_score_lower():
    new = _record("new")
    ranked = rank_duplicates(new, [_record("old", days=120), _record("recent", days=2)])
    assert [m.candidate_id for m in ranked] == ["recent", "old"]
    assert ranked[1].reasons[-1] == "months_apart"


def test_records_may_be_dicts_and_the_new_suggestion_is_never_its_own_duplicate():
    new = {"id": 7, "text": "8栋电梯坏了", "compound_id": 1, "building_id": 8, "created_at": NOW}
    same = dict(new, id=8)
    assert [m.candidate_id for m in rank_duplicates(new, [new, same])] == [8]


def test_rank_duplicates_over_2000_candidates_returns_the_top_five():
    """Timing belongs in bench/ (a shared machine makes timed tests flaky); this prints it."""
    rng = random.Random(2025)
    texts = [row[f"text_{side}"] for row in PAIRS for side in "ab"]
    candidates = [
        Record(
            i,
            f"{rng.randint(1, 30)}栋{rng.choice(texts)}{rng.randint(1, 999)}号",
            compound_id=1,
            building_id=rng.randint(1, 30),
            created_at=NOW - timedelta(days=rng.randint(0, 30)),
        )
        for i in range(2000)
    ]
    new = _record("new", "3栋2单元楼道里堆满了纸箱和旧家具，消防隐患，请物业清理", building=3)
    timings = []
    for _ in range(2):  # the first call meets every text for the first time, the second not
        start = time.perf_counter()
        ranked = rank_duplicates(new, candidates)
        timings.append(time.perf_counter() - start)
    print(
        f"\nrank_duplicates, 2000 candidates: first call {timings[0] * 1000:.0f} ms, "
        f"repeated {timings[1] * 1000:.0f} ms"
    )
    assert len(ranked) == 5
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)


# Properties

CHINESE = "".join(
    sorted(
        {ch for row in PAIRS for ch in row["text_a"] + row["text_b"] if "\u4e00" <= ch <= "\u9fff"}
        - set("一二两三四五六七八九十栋幢座")
    )
)
chinese_texts = st.text(alphabet=CHINESE, min_size=2, max_size=30)
any_texts = st.text(alphabet=CHINESE[:200] + "abcXYZ019 ，。！? ３Ａ", max_size=40)


@given(any_texts, any_texts)
def test_similarity_is_symmetric_and_between_0_and_1(a, b):
    score = similarity.similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(similarity.similarity(b, a), abs=1e-6)


@given(chinese_texts, st.lists(st.sampled_from(" ，。！?、\u3000"), max_size=5), st.randoms())
def test_texts_equal_after_normalisation_score_1(text, marks, rnd):
    noisy = list(text)
    for mark in marks:
        noisy.insert(rnd.randint(0, len(noisy)), mark)
    assert similarity.similarity(text, "".join(noisy)) == 1.0


@given(st.text(alphabet="abcdefgh", min_size=2, max_size=20))
def test_full_width_and_capitals_do_not_matter(text):
    full_width = "".join(chr(ord(ch.upper()) - 0x21 + 0xFF01) for ch in text)
    assert similarity.similarity(text, full_width) == 1.0


@given(
    chinese_texts,
    st.text(alphabet=CHINESE, max_size=10),
    st.text(alphabet="qwxz", min_size=4, max_size=12),
)
def test_adding_unrelated_text_lowers_the_score(a, more, unrelated):
    b = a + more
    assert similarity.similarity(a, b + unrelated) < similarity.similarity(a, b)


records = st.builds(
    Record,
    id=st.integers(0, 10_000),
    text=st.text(alphabet=CHINESE[:60] + "3栋", min_size=1, max_size=20),
    compound_id=st.sampled_from([None, 1, 2]),
    building_id=st.sampled_from([None, 1, 2, 3]),
    created_at=st.none() | st.datetimes(datetime(2024, 1, 1), datetime(2026, 1, 1)),
)


@given(records, st.lists(records, max_size=30), st.integers(0, 8))
def test_rank_duplicates_returns_at_most_limit_best_first(new, candidates, limit):
    ranked = rank_duplicates(new, candidates, limit=limit)
    assert len(ranked) <= limit
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    assert all(FLOOR <= m.score <= 1 for m in ranked)
    assert {m.candidate_id for m in ranked} <= {c.id for c in candidates} - {new.id}
