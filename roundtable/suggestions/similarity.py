"""Duplicate detection and category suggestion for Chinese suggestion texts, with no tokenizer.

Two texts are compared twice: as TF-IDF vectors of character unigrams and bigrams (Chinese has no
spaces, and two-character words carry most of the meaning), and by what their words point to: the
subcategories of the taxonomy (the object) and taxonomy.PROBLEMS (what is wrong with it). The
place and the time of two suggestions then raise or lower that text score. DUPLICATE_THRESHOLD was
chosen on the even rows of tests/data/duplicate_pairs.csv and is checked on the odd rows.
"""

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from roundtable.suggestions import taxonomy

# Variants residents write for the same thing, with the common typos; the longest match wins.
SYNONYMS = {
    "电动车": "电瓶车 电动自行车 电单车 小电驴 电驴 电摩",
    "电池": "电瓶",
    "楼道": "楼梯间 楼梯道 走廊 过道",
    "消防通道": "消防车道 生命通道",
    "消防栓": "消火栓",
    "噪音": "噪声 燥音",
    "垃圾": "拉圾",
    "垃圾桶": "垃圾箱",
    "天花板": "吊顶",
    "监控": "摄像头 探头",
    "牵绳": "拴绳 栓绳",
    "燃气": "煤气 天然气",
    "漏水": "渗水 漏雨",
    "卫生间": "厕所 洗手间",
    "流浪猫": "野猫",
    "物业": "物业公司 物业管理处 物业服务中心",
    "业委会": "业主委员会",
    "车棚": "停车棚",
    "外卖员": "外卖小哥 外卖骑手 骑手",
    "快递员": "快递小哥",
    "声控灯": "感应灯",
    "孩子": "小孩 小朋友",
    "老人": "老人家 老年人",
}

UNIGRAM_WEIGHT = 0.5  # single characters are weaker evidence than two-character words
CONCEPT_WEIGHT = 0.7  # object and problem agree: the words differ more than the meaning
RECENT_DAYS = 7
PLACE_FACTORS = {
    "same_building": 1.25,
    "same_compound": 1.1,
    "unknown_place": 1.0,
    "other_building_named": 0.3,  # the texts name different buildings, units or rooms
    "other_building": 0.3,  # a problem inside a building, reported from two buildings
    "other_compound": 0.4,
}
# Subcategories of problems inside one building (楼道, 电梯, 楼上漏水 …).
BUILDING_SCOPED = frozenset({"01.01", "01.03", "01.05", "04.04", "05.01", "05.02", "05.03"})
FLOOR = 0.15  # below this a candidate is not worth showing at all
# Chosen on the even rows of tests/data/duplicate_pairs.csv (the best balance of precision and
# recall there, ties to the higher threshold: a wrong merge hides a resident's problem).
DUPLICATE_THRESHOLD = 0.53

_VARIANTS = {variant: word for word, variants in SYNONYMS.items() for variant in variants.split()}
_VARIANT_RE = re.compile("|".join(sorted(map(re.escape, _VARIANTS), key=len, reverse=True)))
_PROBLEM_WORDS = {w: kind for kind, words in taxonomy.PROBLEMS.items() for w in words.split()}
_NUMERALS = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CHINESE_NUMBER_RE = re.compile(r"([一二两三四五六七八九十]{1,3})(?=栋|号楼|幢|座|单元|楼|层)")
_BUILDING_RE = re.compile(r"(\d+)(?:号楼|幢|座)")
_NUMBER_RE = re.compile(r"\d+(?:栋|单元|楼|层|室|号)?")
_PLACE_RES = {
    "building": re.compile(r"(\d+)栋"),
    "unit": re.compile(r"(\d+)单元"),
    "room": re.compile(r"(?<!\d)(\d{3,4})(?![\d年元块米])"),
}
# Particles that say nothing about the problem; dropped as unigrams only.
_STOP_CHARS = frozenset("的了吗呢吧啊呀哦嘛么是在有我你他她它们这那就都也还很太把被给和又再个一")


class _Unmark(dict):
    """A str.translate table that deletes punctuation, symbols, spaces and control characters."""

    def __missing__(self, codepoint):
        self[codepoint] = None if unicodedata.category(chr(codepoint))[0] in "PSZC" else codepoint
        return self[codepoint]


_UNMARK = _Unmark()


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


# Normalisation


def _chinese_number(numeral):
    """Convert a Chinese numeral below 100 ("十三", "二十", "五") to an int."""
    if "十" not in numeral:
        return _NUMERALS.get(numeral, 0)
    tens, _, ones = numeral.partition("十")
    return _NUMERALS.get(tens, 1) * 10 + _NUMERALS.get(ones, 0)


def _digits(text):
    """Write building, unit and floor numbers as digits and buildings as "N栋"."""
    text = _CHINESE_NUMBER_RE.sub(lambda m: str(_chinese_number(m.group(1))), text)
    return _BUILDING_RE.sub(r"\1栋", text)


@lru_cache(maxsize=16384)
def normalise(text):
    """Half-width, lower-case, no punctuation or spaces, numbers as digits, one word per synonym."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_UNMARK)
    return _VARIANT_RE.sub(lambda m: _VARIANTS[m.group(0)], _digits(text))


# Character n-grams weighted by TF-IDF


@lru_cache(maxsize=16384)
def _features(text):
    """Counts of the character unigrams and bigrams of what a text says, without its numbers."""
    chars = _NUMBER_RE.sub("", normalise(text))
    grams = [ch for ch in chars if ch not in _STOP_CHARS]
    grams += [chars[i : i + 2] for i in range(len(chars) - 1)]
    return Counter(grams)


@dataclass(frozen=True)
class Idf:
    """Smoothed inverse document frequencies over a corpus; unseen features weigh the most."""

    documents: int
    weights: dict

    def weight(self, feature):
        boost = 1.0 if len(feature) > 1 else UNIGRAM_WEIGHT
        return self.weights.get(feature) or boost * (math.log(1 + self.documents) + 1)


def build_idf(texts):
    """The IDF weight of every feature of these texts."""
    frequencies, documents = Counter(), 0
    for text in texts:
        frequencies.update(_features(text).keys())
        documents += 1
    weights = {
        feature: (1.0 if len(feature) > 1 else UNIGRAM_WEIGHT)
        * (math.log((1 + documents) / (1 + df)) + 1)
        for feature, df in frequencies.items()
    }
    return Idf(documents, weights)


class _SublinearTf(dict):
    """1 + ln(count), remembered: counts are small integers."""

    def __missing__(self, count):
        self[count] = 1 + math.log(count)
        return self[count]


_TF = _SublinearTf()


def _vector(text, idf):
    """The TF-IDF vector of a text (sublinear term frequency) and its length."""
    weights, weight = idf.weights, idf.weight
    features = _features(text).items()
    return _with_length({f: _TF[n] * (weights.get(f) or weight(f)) for f, n in features})


def _with_length(vector):
    """A sparse vector with its Euclidean length."""
    return vector, math.hypot(*vector.values())


def _cosine(left, right):
    """Cosine of two (vector, length) pairs; 0 when either is empty."""
    (a, a_len), (b, b_len) = left, right
    if not a_len or not b_len:
        return 0.0
    return min(1.0, sum([a[f] * b[f] for f in a.keys() & b.keys()]) / (a_len * b_len))


# Concepts: the subcategory a text's words point to, and what is wrong


def _keywords(category):
    """A category's keywords, given as a tuple or as a space-separated string (the model's)."""
    keywords = category.keywords
    return tuple(keywords.split()) if isinstance(keywords, str) else tuple(keywords)


def _index_key(categories):
    """Codes and keywords of categories as a hashable key (model rows may change between calls)."""
    return tuple((category.code, _keywords(category)) for category in categories)


class _Lexicon(NamedTuple):
    """Words to look for in a text, with what each stands for."""

    words: dict  # normalised word -> what it stands for
    lengths: frozenset  # the lengths of the words, to look for no others


@lru_cache(maxsize=8)
def _keyword_index(key):
    """Each normalised keyword with the codes of the categories that list it."""
    index = {}
    for code, keywords in key:
        for word in filter(None, map(normalise, keywords)):
            index.setdefault(word, set()).add(code)
    return _Lexicon(index, frozenset(map(len, index)))


def _found(chars, lexicon):
    """The words of a lexicon that occur in a normalised text."""
    grams = {chars[i : i + n] for n in lexicon.lengths if n > 1 for i in range(len(chars) - n + 1)}
    return (grams | set(chars)) & lexicon.words.keys()


@lru_cache(maxsize=1)
def _concept_lexicon():
    """The words of the subcategories and of taxonomy.PROBLEMS, with the concepts they stand for."""
    # Top-level words (安全, 坏了) are too vague to tell two problems apart.
    subcategories = [c for c in taxonomy.CATEGORIES if c.parent_code is not None]
    index = _keyword_index(_index_key(subcategories)).words
    words = {word: set(codes) for word, codes in index.items()}
    for word, kind in _PROBLEM_WORDS.items():
        words.setdefault(normalise(word), set()).add("problem:" + kind)
    return _Lexicon(words, frozenset(map(len, words)))


@lru_cache(maxsize=16384)
def _concepts(text):
    """Weights (summed word lengths) of the subcategories and problem kinds a text mentions."""
    lexicon, vector = _concept_lexicon(), Counter()
    for word in _found(normalise(text), lexicon):
        for concept in lexicon.words[word]:
            vector[concept] += len(word)
    return _with_length(vector)


def _blend(chars, concepts, other_concepts):
    """Blend the character similarity with the similarity of what the words point to."""
    if not concepts[1] and not other_concepts[1]:
        return chars
    return (1 - CONCEPT_WEIGHT) * chars + CONCEPT_WEIGHT * _cosine(concepts, other_concepts)


def _text_score(text, other, idf, vector, concepts):
    """Text similarity of `other` to a text whose vector and concepts are given."""
    if normalise(text) == normalise(other):
        return 1.0 if normalise(text) else 0.0
    return _blend(_cosine(vector, _vector(other, idf)), concepts, _concepts(other))


def similarity(a, b, corpus=()):
    """How alike two suggestion texts are, in [0, 1], with IDF over the corpus and both texts."""
    idf = build_idf([*corpus, a, b])
    return round(_text_score(a, b, idf, _vector(a, idf), _concepts(a)), 6)


# Place and time


def _get(record, name):
    """A field of a record given as a dict or as an object."""
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


@lru_cache(maxsize=16384)
def _named_places(text):
    """The buildings ("3栋"), units ("2单元") and rooms ("1502") a text names, by level."""
    chars = normalise(text)
    return {level: frozenset(pattern.findall(chars)) for level, pattern in _PLACE_RES.items()}


def _name_other_places(text, other):
    """Whether two texts name different places at some level (3栋 / 5栋, 302 / 1101)."""
    named, other_named = _named_places(text), _named_places(other)
    return any(named[k] and other_named[k] and not named[k] & other_named[k] for k in named)


def _name_same_building(text, other):
    """Whether two texts name a building in common, wherever their writers live."""
    return bool(_named_places(text)["building"] & _named_places(other)["building"])


def _inside_building(text):
    """Whether the subcategory a text points to most is a problem inside a building."""
    subcategories = {k: w for k, w in _concepts(text)[0].items() if "." in k}
    return bool(subcategories) and max(subcategories, key=subcategories.get) in BUILDING_SCOPED


def _same(new, candidate, field):
    """True or False when both records know the field, None when either does not."""
    mine, theirs = _get(new, field), _get(candidate, field)
    return None if mine is None or theirs is None else mine == theirs


def place_relation(new, candidate):
    """How the places of two suggestions relate: a key of PLACE_FACTORS."""
    text, other = _get(new, "text"), _get(candidate, "text")
    same_compound = _same(new, candidate, "compound_id")
    same_building = _same(new, candidate, "building_id")
    if same_compound is False:
        return "other_compound"
    if _name_other_places(text, other):
        return "other_building_named"
    if same_building or _name_same_building(text, other):
        return "same_building"
    if same_building is False and _inside_building(text) and _inside_building(other):
        return "other_building"
    return "same_compound" if same_compound else "unknown_place"


def days_apart(new, candidate):
    """Whole days between two suggestions; 0 when either date is missing."""
    new_at, old_at = _get(new, "created_at"), _get(candidate, "created_at")
    if new_at is None or old_at is None:
        return 0
    return int(abs((new_at - old_at).total_seconds()) // 86400)


def recency_factor(days):
    """1 within a week, then down towards 0.4: after a month the first is usually closed."""
    if days <= RECENT_DAYS:
        return 1.0
    return 0.4 + 0.6 * math.exp(-(days - RECENT_DAYS) / 30)


# Ranking


def rank_duplicates(new, candidates, *, limit=5):
    """The `limit` candidates most likely to be the same suggestion as `new`, best first."""
    new_id = _get(new, "id")
    candidates = [c for c in candidates if new_id is None or _get(c, "id") != new_id]
    text = _get(new, "text")
    idf = build_idf([text, *(_get(candidate, "text") for candidate in candidates)])
    vector, concepts = _vector(text, idf), _concepts(text)
    matches = (_match(new, candidate, idf, vector, concepts) for candidate in candidates)
    matches = [match for match in matches if match is not None]
    return sorted(matches, key=lambda match: -match.score)[:limit]


def _match(new, candidate, idf, vector, concepts):
    """The candidate's score and reasons, or None when it stays below FLOOR."""
    text = _text_score(_get(new, "text"), _get(candidate, "text"), idf, vector, concepts)
    if text * max(PLACE_FACTORS.values()) < FLOOR:
        return None  # place and time cannot lift it to the floor
    relation, days = place_relation(new, candidate), days_apart(new, candidate)
    score = min(1.0, text * PLACE_FACTORS[relation] * recency_factor(days))
    if score < FLOOR:
        return None
    return Match(_get(candidate, "id"), round(score, 4), _reasons(text, relation, days))


def _reasons(text_score, relation, days):
    """Short codes that explain a match to the person triaging it."""
    reasons = ["similar_text"] if text_score >= DUPLICATE_THRESHOLD else []
    reasons.append(relation)
    if days <= RECENT_DAYS:
        reasons.append("within_a_week")
    elif days > 60:
        reasons.append("months_apart")
    return tuple(reasons)


def is_duplicate(score):
    """Whether a rank score is high enough to propose merging the two suggestions."""
    return score >= DUPLICATE_THRESHOLD


# Category suggestion


def _category_scores(text, categories):
    """Each category's score: the squared lengths of its keywords found in the text."""
    lexicon, scores = _keyword_index(_index_key(categories)), Counter()
    for word in _found(normalise(text), lexicon):
        for code in lexicon.words[word]:
            scores[code] += len(word) ** 2  # 消防通道 says far more than 消防 and 通道 apart
    return scores


def _top_level_totals(scores):
    """Each top-level code's own score plus its subcategories'."""
    totals = Counter()
    for code, score in scores.items():
        totals[code.split(".")[0]] += score
    return totals


def _best_child(top, scores, total):
    """The clearly leading subcategory of a top-level code, or None."""
    ranked = sorted(((s, c) for c, s in scores.items() if c.startswith(top + ".")), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1] if 2 * ranked[0][0] >= total else None


def suggest_category(text, categories=taxonomy.CATEGORIES):
    """The likeliest category code for a text and a confidence in [0, 1], or None."""
    scores = _category_scores(text, categories)
    totals = _top_level_totals(scores)
    if not totals:
        return None
    top = min(totals, key=lambda code: (-totals[code], code))
    share = totals[top] / sum(totals.values())
    confidence = share * (1 - math.exp(-totals[top] / 9))
    return _best_child(top, scores, totals[top]) or top, round(confidence, 2)
