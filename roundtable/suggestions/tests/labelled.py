"""The labelled sets (data/*.csv) as records, and the checks run on them at two sizes.

test_similarity.py runs the checks on a few rows; bench/duplicate_quality.py runs them on every
pair and on five to ten times as many lookups, and measures precision and recall there. Each
check returns what went wrong (an empty list: nothing).
"""

import contextlib
import csv
import functools
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from roundtable.suggestions import similarity
from roundtable.suggestions.similarity import Record, is_duplicate, rank_duplicates

DATA = Path(__file__).parent / "data"
NOW = datetime(2025, 6, 1, 19, 30)


def read(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


PAIRS = read("duplicate_pairs.csv")
EXAMPLES = read("category_examples.csv")


def pair(i, row):
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
def backlog():
    """Every text of the set, a year old and in another compound: the IDF corpus and distractors."""
    old = NOW - timedelta(days=400)
    return tuple(
        Record(
            ("backlog", i, side), row[f"text_{side}"], compound_id=9, building_id=9, created_at=old
        )
        for i, row in enumerate(PAIRS)
        for side in "ab"
    )


def rank_score(i):
    """Row i's b score when a is ranked against b and the backlog; 0 when b is not in the top
    five."""
    new, candidate = pair(i, PAIRS[i])
    others = [r for r in backlog() if r.id[1] != i]
    scores = {m.candidate_id: m.score for m in rank_duplicates(new, [candidate, *others])}
    return scores.get(candidate.id, 0.0)


@contextlib.contextmanager
def setting(name, value):
    """similarity.<name> is `value` inside the block (as pytest's monkeypatch sets it)."""
    saved = getattr(similarity, name)
    setattr(similarity, name, value)
    try:
        yield
    finally:
        setattr(similarity, name, saved)


def prefilter_differences(rows, prefilter_from=100, every=None):
    """Rows flagged differently when a lookup scores only the candidates the prefilter keeps
    (from `prefilter_from` candidates: the 755-text backlog is looked up as in production) than
    when it scores every candidate (`every`: their scores by row, if already known)."""
    if every is None:
        with setting("PREFILTER_FROM", float("inf")):
            every = {i: rank_score(i) for i in rows}
    with setting("PREFILTER_FROM", prefilter_from):
        return [i for i in rows if is_duplicate(rank_score(i)) != is_duplicate(every[i])]


def stored(record, *, light=False):
    """The entry of a record as duplicates.py reads it back: its features through JSON, maybe
    without grams at first (`light`)."""
    data = json.loads(json.dumps(similarity.Features.of(record.text).to_json()))
    grams = data.pop("grams")
    features = similarity.Features.from_json(**data, grams=None if light else grams)
    fields = {"compound_id": record.compound_id, "building_id": record.building_id}
    entry = similarity.Entry(record.id, features, created_at=record.created_at, **fields)
    return (entry, grams) if light else entry


def json_differences(step):
    """Backlog texts (every `step`-th) whose lookup ranks differently from what the database
    keeps of each text (its features read back from JSON) than from the texts themselves."""
    records = backlog()
    entries = [stored(record) for record in records]
    index = similarity.DuplicateIndex(records)
    idf = similarity.idf_weights(len(index), index._df)
    differences = []
    for i in range(0, len(records), step):
        pool = [e for e in entries if e.id != records[i].id]
        ranked = similarity.rank_entries(entries[i], pool, idf, limit=8)
        if ranked != index.rank(records[i], limit=8):
            differences.append(records[i].id)
    return differences


def two_step_differences(step, first_load=10):
    """Lookups (every `step`-th text of the backlog, given random places and ages) that rank
    differently when the candidates are bounded by place and time first and those worth scoring
    loaded after, `first_load` at first and more in later batches; and, per lookup, the size of
    each batch it loaded."""
    rng = random.Random(5)
    records = [
        Record(r.id, r.text, compound_id=rng.choice([1, 2, None]), building_id=rng.randint(1, 4),
               created_at=NOW - timedelta(days=rng.randint(0, 200)))
        for r in backlog()
    ]  # fmt: skip
    index = similarity.DuplicateIndex(records)
    idf = similarity.idf_weights(len(index), index._df)
    loads, differences = [], []

    def load(entries):
        loads[-1].append(len(entries))
        for entry in entries:
            entry.load(grams[entry.id])

    with setting("FIRST_LOAD", first_load):
        for i in range(0, len(records), step):
            loads.append([])
            light = {r.id: stored(r, light=True) for r in records if r.id != records[i].id}
            grams = {id: data for id, (_, data) in light.items()}
            pool = [entry for entry, _ in light.values()]
            ranked = similarity.rank_entries(stored(records[i]), pool, idf, limit=5, load=load)
            if ranked != index.rank(records[i]):
                differences.append(records[i].id)
    return differences, loads
