"""Duplicate detection and category suggestion for Chinese suggestion texts, with no tokenizer.

Two texts are compared twice: as TF-IDF vectors of character unigrams and bigrams (text.py), and
by what their words point to, the things named and what is wrong (concepts.py). The place and the
time of two suggestions then raise or lower that text score (places.py). DUPLICATE_THRESHOLD was
chosen on the even rows of tests/data/duplicate_pairs.csv and is checked on the odd rows.

This module ranks. What ranking reads of a text is worked out once (Features): DuplicateIndex
keeps it in memory for a set of records (tests, hot topics), suggestions/duplicates.py keeps it in
the database for each suggestion and ranks a community's candidates read from there
(rank_entries). Category suggestion is in category.py.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import NamedTuple

from .category import suggest_category
from .concepts import Concepts, blend, concepts_of
from .places import (
    COMMUNITY_PLACES,
    PLACE_FACTORS,
    PLACE_PATTERNS,
    RECENT_DAYS,
    days_between,
    days_within,
    inside_building,
    named_places,
    recency_factor,
    relation,
)
from .text import TF, UNIGRAM_WEIGHT, build_idf, cosine, fingerprint, grams, normalise, vector
from .text import with_length as _with_length

__all__ = [
    "DUPLICATE_THRESHOLD",
    "FLOOR",
    "DuplicateIndex",
    "Entry",
    "Features",
    "Match",
    "Record",
    "days_apart",
    "days_within",
    "is_duplicate",
    "normalise",
    "place_relation",
    "prefilter",
    "rank_duplicates",
    "rank_entries",
    "recency_factor",
    "similarity",
    "suggest_category",
    "unshared_text_bound",
]

FLOOR = 0.15  # below this a candidate is not worth showing at all
# Past this many candidates a lookup scores only those sharing a thing or a rare feature (df at
# most RARE_SHARE of them, or RARE_MIN) with the new text: the rest cannot come near a match.
PREFILTER_FROM = 1000
RARE_SHARE, RARE_MIN = 0.02, 20
# Candidates read whole at first when they are read in two steps (rank_entries): most lookups
# score fewer.
FIRST_LOAD = 40
# Chosen on the even rows of tests/data/duplicate_pairs.csv (the best balance of precision and
# recall there, ties to the higher threshold: a wrong merge hides a resident's problem).
DUPLICATE_THRESHOLD = 0.401


@dataclass(frozen=True)
class Record:
    """What duplicate ranking needs of a suggestion; a dict with these keys works too."""

    id: object
    text: str
    compound_id: object = None
    building_id: object = None
    created_at: datetime | None = None


class Match(NamedTuple):
    """A possible duplicate: the candidate's id, its score in [0, 1] and the reason codes."""

    candidate_id: object
    score: float
    reasons: tuple[str, ...]


# Two texts


def _text_score(text, other, idf, text_vector, concepts):
    """Text similarity of `other` to a text whose vector and concepts are given."""
    if normalise(text) == normalise(other):
        return 1.0 if normalise(text) else 0.0
    return blend(cosine(text_vector, vector(other, idf)), concepts, concepts_of(other))


def similarity(a, b, corpus=()):
    """How alike two suggestion texts are, in [0, 1], with IDF over the corpus and both texts."""
    idf = build_idf([*corpus, a, b])
    return round(_text_score(a, b, idf, vector(a, idf), concepts_of(a)), 6)


# What ranking reads of a text, and of a suggestion


class Features(NamedTuple):
    """Everything ranking reads of a text, worked out once; to_json() is what the database keeps.

    Read back without its grams (None), it is enough to bound a candidate's score by place, time
    and concepts; Entry.load() adds them for the candidates worth scoring.
    """

    chars: str  # a fingerprint of the normalised text: equal texts score 1
    grams: dict | None  # n-gram -> count
    concepts: Concepts | None
    places: dict  # level -> frozenset of the places named
    inside_building: bool
    outside_compounds: bool

    @classmethod
    def of(cls, text):
        chars, concepts = normalise(text), concepts_of(text)
        return cls(
            fingerprint(chars),
            dict(grams(text)),
            concepts,
            named_places(text),
            inside_building(concepts),
            bool(COMMUNITY_PLACES.search(chars)),
        )

    def keys(self):
        """What another text may share with this one to be scored against it (see prefilter):
        its n-grams of two characters and its pool keys."""
        return [gram for gram in self.grams if len(gram) > 1] + list(_pool_keys(self.concepts))

    def to_json(self):
        """The fields as JSON values, by name; only the levels that name places are kept (None
        when none does)."""
        places = {level: sorted(named) for level, named in self.places.items() if named}
        return {
            "chars": self.chars,
            "grams": self.grams,
            "concepts": _concepts_to_json(self.concepts),
            "places": places or None,
            "inside_building": self.inside_building,
            "outside_compounds": self.outside_compounds,
        }

    @classmethod
    def from_json(cls, *, chars, concepts, places, inside_building, outside_compounds, grams=None):
        """The features to_json() gave (floats come back as they were); the grams may be left
        for later (None)."""
        named = NO_PLACES
        if places:
            named = {level: frozenset(places.get(level, ())) for level in PLACE_PATTERNS}
        concepts = _concepts_from_json(concepts)
        return cls(chars, grams, concepts, named, inside_building, outside_compounds)


NO_PLACES = {level: frozenset() for level in PLACE_PATTERNS}  # shared: never changed


def _concepts_to_json(concepts):
    (things, things_length), (problems, problems_length) = concepts
    return {"things": [dict(things), things_length], "problems": [dict(problems), problems_length]}


def _concepts_from_json(data):
    return Concepts(data["things"], data["problems"])  # [vector, length] pairs, as tuples are


def _get(record, name):
    """A field of a record given as a dict or as an object."""
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


class Entry:
    """A suggestion as ranking reads it: its id, place and time, and the features of its text."""

    __slots__ = (
        "id", "compound_id", "building_id", "created_at", "chars", "grams", "concepts",
        "places", "inside_building", "outside_compounds", "vector", "vector_version",
    )  # fmt: skip

    def __init__(self, id, features, *, compound_id=None, building_id=None, created_at=None):
        self.id, self.compound_id, self.building_id = id, compound_id, building_id
        self.created_at = created_at
        self.chars, self.grams, self.concepts, self.places = features[:4]
        self.inside_building, self.outside_compounds = features[4:]
        self.vector, self.vector_version = None, None

    @classmethod
    def of(cls, record):
        """The entry of a Record or a dict with its keys, the text's features worked out."""
        fields = ("compound_id", "building_id", "created_at")
        features = Features.of(_get(record, "text") or "")
        return cls(_get(record, "id"), features, **{name: _get(record, name) for name in fields})

    def load(self, grams):
        """Add the grams of an entry read without (Features.from_json)."""
        self.grams = grams

    def weighted(self, idf, version):
        """The TF-IDF vector and its length under `idf`, kept while `version` stands."""
        if version is None or self.vector_version != version:
            weights = {f: TF[n] * idf[f] for f, n in self.grams.items()}
            self.vector, self.vector_version = _with_length(weights), version
        return self.vector


def _entry(record):
    return record if isinstance(record, Entry) else Entry.of(record)


def place_relation(new, candidate):
    """How the places of two suggestions relate: a key of PLACE_FACTORS."""
    return relation(_entry(new), _entry(candidate))


def days_apart(new, candidate):
    """Whole days between two suggestions; 0 when either date is missing."""
    return days_between(_get(new, "created_at"), _get(candidate, "created_at"))


# Ranking


def rank_duplicates(new, candidates, *, limit=5):
    """The `limit` candidates most likely to be the same suggestion as `new`, best first."""
    new_id = _get(new, "id")
    others = [c for c in candidates if new_id is None or _get(c, "id") != new_id]
    return DuplicateIndex(others if new_id is None else [new, *others]).rank(new, limit=limit)


def idf_weights(documents, df, extra=()):
    """IDF over `documents` texts whose frequencies are `df`, plus one for each feature of `extra`
    (the new text, when it is not among them): idf[feature], remembered for one lookup."""
    return _IdfWeights(documents, df, extra)


class _IdfWeights(dict):
    def __init__(self, documents, df, extra):
        super().__init__()
        self.documents, self.df, self.extra = documents, df, extra

    def __missing__(self, feature):
        count = self.df.get(feature, 0) + (feature in self.extra)
        boost = 1.0 if len(feature) > 1 else UNIGRAM_WEIGHT
        self[feature] = boost * (math.log((1 + self.documents) / (1 + count)) + 1)
        return self[feature]


def prefilter(new, documents, df, extra=()):
    """What an entry must share with `new` to be scored among `documents` entries whose
    frequencies are `df` (plus one for each feature of `extra`): (its rare n-grams, its pool
    keys); None when every entry is scored.

    Past PREFILTER_FROM entries only those sharing a thing, a rare feature or, for a text that
    names no thing, a problem with `new` are: the others cannot come near the threshold.
    """
    if documents <= PREFILTER_FROM:
        return None
    rare = max(RARE_SHARE * documents, RARE_MIN)
    rare_grams = [f for f in new.grams if len(f) > 1 and df.get(f, 0) + (f in extra) <= rare]
    return rare_grams, list(_pool_keys(new.concepts))


def rank_entries(new, pool, idf, *, version=None, limit=5, load=None, more=None):
    """The `limit` entries of `pool` most like the entry `new`, best first, under `idf`.

    Vectors are kept on the entries while `version` stands (None: worked out for this call).
    Entries may come without grams: `load(entries)` adds them to the next ones to score, in
    batches (_to_load). `more(cut)` gives entries to rank after the pool's, of which
    only those whose bound reaches `cut` (the `limit`-th best score by then, or FLOOR) count.
    """
    if limit <= 0:
        return []
    matches, text_vector = [], new.weighted(idf, version)
    score = partial(_match, new, text_vector=text_vector, idf=idf, version=version)
    _rank_into(matches, _bounded(new, pool), score, limit, load)
    if more is not None:
        cut = matches[limit - 1].score if len(matches) >= limit else FLOOR
        _rank_into(matches, _bounded(new, more(cut)), score, limit, load)
    return matches[:limit]


def _rank_into(matches, bounded, score, limit, load):
    """Score the bounded entries into `matches` (best first, at most `limit`)."""
    loaded = 0
    # Place and time bound the score: from the most promising down, stop once a candidate could
    # not beat the `limit`-th best even with the same text.
    for i, (bound, place, days, candidate) in enumerate(bounded):
        if len(matches) >= limit and bound < matches[limit - 1].score:
            break
        if load is not None and i == loaded:
            cut = matches[limit - 1].score if len(matches) >= limit else 0.0
            loaded = i + _to_load(bounded, i, cut)
            load([row[3] for row in bounded[i:loaded]])
        match = score(candidate, place=place, days=days)
        if match is not None:
            matches.append(match)
            matches.sort(key=lambda match: (-match.score, str(match.candidate_id)))
            del matches[limit:]


def _to_load(bounded, start, cut):
    """How many of these (bounded, best first) to load from `start`: those whose bound reaches
    `cut`, the `limit`-th best score so far, FIRST_LOAD at first and then twice as many as are
    loaded (the cut rises as more are scored)."""
    most = max(FIRST_LOAD, start)
    return sum(1 for row in bounded[start : start + most] if row[0] >= cut)


def _bounded(new, pool):
    """(highest possible score, place relation, days apart, entry) of the pool, best first.

    The bound is the score with the best text score the two texts' concepts allow: all the same
    n-grams (similarity.concepts.blend of a cosine of 1).
    """
    bounded = []
    for candidate in pool:
        place = relation(new, candidate)
        days = days_between(new.created_at, candidate.created_at)
        reach = PLACE_FACTORS[place] * recency_factor(days)
        if round(min(1.0, reach), 4) < FLOOR:
            continue
        bound = round(min(1.0, _text_bound(new, candidate) * reach), 4)
        if bound >= FLOOR:
            bounded.append((bound, place, days, candidate))
    bounded.sort(key=lambda row: row[0], reverse=True)
    return bounded


def _text_bound(new, candidate):
    """The highest text score the candidate may have (_text with a cosine of 1)."""
    if new.chars == candidate.chars:
        return 1.0
    return blend(1.0, new.concepts, candidate.concepts)


def unshared_text_bound(new):
    """The highest text score an entry naming none of the things `new` names may have."""
    if not new.concepts.things[1]:
        return 1.0  # the same text names no thing either
    # Naming no thing at all (another thing scores less) and the same problems.
    return blend(1.0, new.concepts, Concepts(({}, 0.0), new.concepts.problems))


def _match(new, candidate, *, text_vector, idf, version, place, days):
    """The candidate's score and reasons, or None when it stays below FLOOR."""
    text = _text(new, candidate, text_vector, idf, version)
    score = min(1.0, text * PLACE_FACTORS[place] * recency_factor(days))
    if score < FLOOR:
        return None
    return Match(candidate.id, round(score, 4), _reasons(text, place, days))


def _text(new, candidate, text_vector, idf, version):
    if new.chars == candidate.chars:
        return 1.0 if new.chars else 0.0
    (weights, length), (other, other_length) = text_vector, candidate.weighted(idf, version)
    if not length or not other_length:
        return blend(0.0, new.concepts, candidate.concepts)
    total = sum([weights[f] * other[f] for f in weights.keys() & other.keys()])
    return blend(min(1.0, total / (length * other_length)), new.concepts, candidate.concepts)


class DuplicateIndex:
    """Suggestions prepared once, so that each lookup scores only those that may match.

    Document frequencies are kept as entries come and go, so IDF is always that of the indexed
    texts (with the new one among them, as rank_duplicates has it).
    """

    def __init__(self, records=()):
        self._entries, self._versions, self._df, self._version = {}, {}, Counter(), 0
        self._by_feature, self._by_concept = defaultdict(set), defaultdict(set)
        for record in records:
            self.add(record)

    def __len__(self):
        return len(self._entries)

    def __contains__(self, id):
        return id in self._entries

    def add(self, record):
        """Index a suggestion (replacing an entry with its id)."""
        entry = _entry(record)
        self.discard(entry.id)
        self._entries[entry.id] = entry
        self._df.update(entry.grams.keys())
        for feature in entry.grams:
            self._by_feature[feature].add(entry.id)
        for concept in _pool_keys(entry.concepts):
            self._by_concept[concept].add(entry.id)
        self._version += 1

    def discard(self, id):
        """Forget a suggestion, if indexed."""
        entry = self._entries.pop(id, None)
        self._versions.pop(id, None)
        if entry is None:
            return
        self._df.subtract(entry.grams.keys())
        for feature in entry.grams:
            self._by_feature[feature].discard(id)
        for concept in _pool_keys(entry.concepts):
            self._by_concept[concept].discard(id)
        self._version += 1

    def sync(self, versions, fetch):
        """Make the index hold exactly these {id: version}; `fetch(ids)` gives their records.

        A version is anything that changes with the record (a checksum of its fields), so that an
        edited record, or an id used again, is read again.
        """
        for id in [id for id in self._entries if self._versions.get(id) != versions.get(id)]:
            self.discard(id)
        missing = versions.keys() - self._entries.keys()
        for record in fetch(missing) if missing else ():
            self.add(record)
            self._versions[_get(record, "id")] = versions.get(_get(record, "id"))

    def rank(self, new, *, limit=5):
        """The `limit` indexed suggestions most like `new`, best first (never `new` itself)."""
        new = self._entries.get(_get(new, "id")) or _entry(new)
        # Vectors depend on the IDF: they stand while no entry comes or goes, unless the new
        # text is not indexed (its own features then count in the IDF of this lookup only).
        outside = new.id is None or new.id not in self._entries
        idf = idf_weights(len(self._entries) + outside, self._df, new.grams if outside else ())
        pool = (self._entries[id] for id in self._pool(new))
        return rank_entries(new, pool, idf, version=None if outside else self._version, limit=limit)

    def _pool(self, new):
        """The ids worth scoring against `new`: all of them, or past PREFILTER_FROM the likely."""
        shared = prefilter(new, len(self._entries), self._df)
        if shared is None:
            return [id for id in self._entries if id != new.id]
        pool = set()
        rare_grams, keys = shared
        for feature in rare_grams:
            pool |= self._by_feature[feature]
        for key in keys:
            pool |= self._by_concept[key]
        pool.discard(new.id)
        return pool


def _pool_keys(concepts):
    """What a lookup may share with an entry to be scored: its things, else its problems."""
    things = concepts.things[0].keys()
    return things or ["problem:" + kind for kind in concepts.problems[0]]


def _reasons(text_score, place, days):
    """Short codes that explain a match to the person triaging it."""
    reasons = ["similar_text"] if text_score >= DUPLICATE_THRESHOLD else []
    reasons.append(place)
    if days <= RECENT_DAYS:
        reasons.append("within_a_week")
    elif days > 60:
        reasons.append("months_apart")
    return tuple(reasons)


def is_duplicate(score):
    """Whether a rank score is high enough to propose merging the two suggestions."""
    return score >= DUPLICATE_THRESHOLD
