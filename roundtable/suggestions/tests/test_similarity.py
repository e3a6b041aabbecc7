"""Duplicate detection and category suggestion on labelled examples and small properties; no
database.

The labelled pairs pin the rules here on a few rows each (a rule broken shows in seconds);
bench/duplicate_quality.py measures precision, recall and the threshold on the whole set and runs
the same equivalence checks on far more lookups. `pytest -s` prints the category accuracy and
the timing of a lookup over 2,000 candidates.
"""

import random
import time
from datetime import datetime, timedelta
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

from . import labelled
from .labelled import EXAMPLES, NOW, PAIRS

# Duplicate detection on the labelled pairs (data/duplicate_pairs.csv): rows well clear of
# DUPLICATE_THRESHOLD (at least 0.06 either side), one per thing the score must get right.
FLAGGED = {
    "same-building-reworded": 12,  # 9栋消防栓箱门坏了 / 9号楼一楼消防拴的门掉了
    "numbers-in-words": 10,  # 2栋3单元 / 二栋三单元
    "typo-and-building-number": 23,  # 垃圾桶 / 8号楼下的拉圾箱
    "same-button-other-words": 224,  # 电梯按钮失灵 / 电梯按键没反应
    "same-compound-other-building": 6,  # 东门消防通道被私家车堵死 / 东门消防车道天天停满车
    "ten-days-apart": 21,  # 僵尸车 described twice
    "place-unknown": 156,  # 党群服务中心空调坏了, twice
    "synonyms-the-lexicon-knows": 330,  # 人脸识别 / 刷脸
}
NOT_FLAGGED = {
    "same-building-other-problem": 1,  # 楼道堆满纸箱 / 楼道灯坏了
    "same-building-same-place-other-problem": 24,  # 垃圾桶满了 / 垃圾分类没人指导
    "other-building-named": 30,  # 10栋下水道堵了 / 4栋下水道也堵了
    "other-building-same-words": 264,  # 5栋 / 9栋电梯按钮也失灵
    "other-compound": 33,  # 小区老鼠多 in two compounds
    "same-text-other-compound": 305,  # 小区后门的路灯全坏了, word for word
    "three-months-apart": 26,  # 8栋垃圾桶满了 again after 90 days
    "half-a-year-apart": 55,  # 7栋电梯坏了 again after 200 days
}


def test_the_labelled_set_is_big_enough_and_about_45_percent_duplicates():
    assert len(PAIRS) >= 160
    share = sum(row["label"] == "1" for row in PAIRS) / len(PAIRS)
    assert 0.40 <= share <= 0.50
    assert all(not (r["same_building"] == "1" and r["same_compound"] == "0") for r in PAIRS)


def test_the_hand_picked_rows_are_labelled_as_the_tests_read_them():
    assert {PAIRS[i]["label"] for i in FLAGGED.values()} == {"1"}
    assert {PAIRS[i]["label"] for i in NOT_FLAGGED.values()} == {"0"}


@pytest.mark.parametrize("row", FLAGGED.values(), ids=FLAGGED.keys())
def test_a_clear_duplicate_is_flagged(row):
    assert labelled.rank_score(row) >= DUPLICATE_THRESHOLD + 0.06


@pytest.mark.parametrize("row", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_a_different_problem_or_place_or_time_is_not_flagged(row):
    assert labelled.rank_score(row) <= DUPLICATE_THRESHOLD - 0.06


def test_the_prefilter_flags_the_same_duplicates_as_scoring_every_candidate():
    """With a prefilter from 100 candidates, the 755-text backlog is looked up as in production."""
    assert labelled.prefilter_differences(range(0, len(PAIRS), 25)) == []


def test_features_read_back_from_json_rank_as_the_texts_do():
    """What the database keeps of a text ranks the labelled pairs exactly as the text itself."""
    assert labelled.json_differences(step=60) == []


def test_entries_read_in_two_steps_rank_as_entries_read_whole():
    """Bounded by place and time first, the candidates worth scoring loaded after, in batches."""
    differences, batches = labelled.two_step_differences(step=60, first_load=10)
    assert differences == []
    sizes = [size for loaded in batches for size in loaded]
    assert max(sizes) > 10 and min(sizes) <= 10  # some lookups needed a second batch
    assert any(len(loaded) > 1 for loaded in batches)


def test_an_entry_naming_none_of_the_things_scores_no_more_than_unshared_text_bound():
    """What lets a lookup leave out the other compounds' candidates naming none of its things."""
    entries = [similarity.Entry.of(record) for record in labelled.backlog()[::3]]
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
