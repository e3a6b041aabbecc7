"""Duplicate detection and category suggestion for Chinese suggestion texts, with no tokenizer.

Two texts are compared twice: as TF-IDF vectors of character unigrams and bigrams (Chinese has no
spaces, and two-character words carry most of the meaning), and by what their words point to, on
two axes: the things named (subcategories of the taxonomy and taxonomy.OBJECTS) and what is wrong
(taxonomy.PROBLEMS, read longest word first). A duplicate needs the same thing and the same
problem: 狗叫 and 遛狗不牵绳 share the dog, not the problem. The place and the time of two
suggestions then raise or lower that text score. DUPLICATE_THRESHOLD was chosen on the even rows
of tests/data/duplicate_pairs.csv and is checked on the odd rows. DuplicateIndex keeps a
community's texts prepared between lookups.
"""

import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
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
    "车库": "地下车库 地库 地下停车场 停车库",
    "共享单车": "小黄车 哈啰单车",
    "排风扇": "排气扇",
    "快递柜": "丰巢柜 丰巢",
    "驿站": "菜鸟驿站 快递驿站",
    "井盖": "窨井盖 下水道盖子 下水道盖",
    "信报箱": "信箱 报箱",
    "停水": "断水",
    "婴儿车": "童车",
    "按钮": "按键",
    "大门": "正门",
    "垃圾站": "垃圾房",
    "公共卫生间": "公厕",
}

UNIGRAM_WEIGHT = 0.5  # single characters are weaker evidence than two-character words
CONCEPT_WEIGHT = 0.7  # object and problem agree: the words differ more than the meaning
RECENT_DAYS = 7
# Months later the same words usually report the problem coming back, a new suggestion.
RECENCY_FLOOR = 0.25
PLACE_FACTORS = {
    "same_building": 1.25,
    "same_compound": 1.1,
    "unknown_place": 1.0,
    "other_building_named": 0.3,  # the texts name different buildings, units or rooms
    "other_building": 0.3,  # a problem inside a building, reported from two buildings
    "other_compound": 0.3,
}
# Subcategories of problems inside one building (楼道, 电梯, 楼上漏水 …).
BUILDING_SCOPED = frozenset({"01.01", "01.03", "01.05", "04.04", "05.01", "05.02", "05.03"})
FLOOR = 0.15  # below this a candidate is not worth showing at all
# Past this many candidates a lookup scores only those sharing a thing or a rare feature (df at
# most RARE_SHARE of them, or RARE_MIN) with the new text: the rest cannot come near a match.
PREFILTER_FROM = 1000
RARE_SHARE, RARE_MIN = 0.02, 20
# Chosen on the even rows of tests/data/duplicate_pairs.csv (the best balance of precision and
# recall there, ties to the higher threshold: a wrong merge hides a resident's problem).
DUPLICATE_THRESHOLD = 0.401

_VARIANTS = {variant: word for word, variants in SYNONYMS.items() for variant in variants.split()}
_VARIANTS |= {word: word for word in SYNONYMS}  # so that 信报箱 stays whole rather than 信+报箱
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
    "gate": re.compile(r"([东西南北])门"),
}
# Places of the community outside any compound: reported from two compounds, still one problem.
COMMUNITY_PLACES = re.compile(
    "党群服务中心|卫生服务站|社区医院|社区食堂|菜场|菜市场|马路|路口|公交站|公交车站|站牌|地铁站"
)
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
    # One string per bigram however many texts have it: an index holds thousands of texts.
    grams += [sys.intern(chars[i : i + 2]) for i in range(len(chars) - 1)]
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
    starts: dict  # first character -> the lengths of the words it starts, longest first


def _lexicon(words):
    starts = {}
    for word in words:
        starts.setdefault(word[0], set()).add(len(word))
    return _Lexicon(words, {ch: sorted(ns, reverse=True) for ch, ns in starts.items()})


@lru_cache(maxsize=8)
def _keyword_index(key):
    """Each normalised keyword with the codes of the categories that list it."""
    index = {}
    for code, keywords in key:
        for word in filter(None, map(normalise, keywords)):
            index.setdefault(word, set()).add(code)
    return _lexicon(index)


def _found(chars, lexicon):
    """The words of a lexicon that occur in a normalised text."""
    starts, words = lexicon.starts, lexicon.words
    return {
        chars[i : i + n]
        for i, ch in enumerate(chars)
        for n in starts.get(ch, ())
        if chars[i : i + n] in words
    }


# What a kind of concept weighs: a named thing says more than its subcategory, and asking or
# proposing says little about which problem it is.
THING_WEIGHTS = {"code": 0.5, "object": 1.0}
WEAK_PROBLEMS = {"request": 0.3, "question": 0.3}
# Problem kinds that residents use for one problem (停满了 / 堵了, 过期 / 不能用了).
RELATED_PROBLEM = 0.5
LANDMARK_WEIGHT = 0.3  # a thing named to say where the problem is, not what it is about
_LANDMARK_RE = re.compile(
    "的?(?:旁边|边上|附近|对面|那边|这边|后面|前面|周围|下面|上面|楼下|门口|里面|里)"
)
_RELATED_PAIRS = (
    "blocked~clutter broken~expired broken~danger broken~outage broken~trapped water~full "
    "dirt~full height~missing theft~conduct request~missing full~service"
).split()
_RELATED = {
    tuple(p.split("~")[::step]): RELATED_PROBLEM for p in _RELATED_PAIRS for step in (1, -1)
}
PROBLEMS_DIFFER = 0.3  # same thing, different problems (台阶太高 / 台阶碎了)
PROBLEM_UNKNOWN = 0.75  # one text does not say what is wrong
OBJECT_UNKNOWN = 0.6  # neither text names a thing
OBJECT_ONE_SIDED = 0.3  # only one text names a thing


@lru_cache(maxsize=1)
def _thing_lexicon():
    """The words of the subcategories and of taxonomy.OBJECTS, with the things they stand for."""
    # Top-level words (安全, 坏了) are too vague to tell two problems apart.
    subcategories = [c for c in taxonomy.CATEGORIES if c.parent_code is not None]
    index = _keyword_index(_index_key(subcategories)).words
    words = {word: set(codes) for word, codes in index.items()}
    for name, listed in taxonomy.OBJECTS.items():
        for word in filter(None, map(normalise, listed.split())):
            words.setdefault(word, set()).add("object:" + name)
    return _lexicon(words)


@lru_cache(maxsize=1)
def _problem_lexicon():
    """The words of taxonomy.PROBLEMS with their kinds, and the things' words standing for none.

    The things' words are there to be read whole: 自来水 is no 来水, 热水器打不着 no 着火.
    """
    objects = (normalise(word) for names in taxonomy.OBJECTS.values() for word in names.split())
    words = {word: set() for word in objects if word}
    for kind, listed in taxonomy.PROBLEMS.items():
        for word in filter(None, map(normalise, listed.split())):
            words.setdefault(word, set()).add(kind)
    return _lexicon(words)


class Concepts(NamedTuple):
    """What a text is about (subcategories and objects) and what is wrong, as weighted vectors."""

    things: tuple
    problems: tuple


def _segmented(chars, lexicon):
    """The lexicon's words in a normalised text, the longest from the left first.

    Forward maximum matching: 能不能用 asks, it is no 不能用; 卫生间漏水 still says 漏.
    """
    starts, words, i = lexicon.starts, set(), 0
    while i < len(chars):
        for n in starts.get(chars[i], ()):
            if chars[i : i + n] in lexicon.words:
                words.add(chars[i : i + n])
                i += n
                break
        else:
            i += 1
    return words


def _only_a_landmark(word, chars):
    """Whether a thing is only named to say where (桂花树旁边的水管: the pipe is the matter)."""
    ends = [m.end() for m in re.finditer(re.escape(word), chars)]
    return all(_LANDMARK_RE.match(chars, end) for end in ends)


def _related(kind, other):
    """How alike two problem kinds are: 1 for the same, RELATED_PROBLEM for neighbours."""
    return 1.0 if kind == other else _RELATED.get((kind, other), 0.0)


def _soft_dot(vector, other):
    total = 0.0
    for kind, weight in vector.items():
        for other_kind, other_weight in other.items():
            total += weight * other_weight * _related(kind, other_kind)
    return total


def _soft_cosine(left, right):
    """Cosine of two problem vectors in which neighbouring kinds count partly as the same."""
    (a, a_len), (b, b_len) = left, right
    return min(1.0, _soft_dot(a, b) / (a_len * b_len))


@lru_cache(maxsize=16384)
def _concepts(text):
    """The things a text names and the problems it describes, weighted by word length."""
    chars, things, problems = normalise(text), Counter(), Counter()
    lexicon = _thing_lexicon()
    for word in _found(chars, lexicon):
        where = LANDMARK_WEIGHT if _only_a_landmark(word, chars) else 1.0
        for concept in lexicon.words[word]:
            weight = THING_WEIGHTS["object" if concept.startswith("object:") else "code"]
            things[concept] += len(word) * weight * where
    lexicon = _problem_lexicon()
    for word in _segmented(chars, lexicon):
        for kind in lexicon.words[word]:
            problems[kind] += len(word) * WEAK_PROBLEMS.get(kind, 1.0)
    return Concepts(_with_length(things), (problems, math.sqrt(_soft_dot(problems, problems))))


def _things_score(things, other):
    if things[1] and other[1]:
        return _cosine(things, other)
    return OBJECT_ONE_SIDED if things[1] or other[1] else OBJECT_UNKNOWN


def _problems_score(problems, other):
    if problems[1] and other[1]:
        return PROBLEMS_DIFFER + (1 - PROBLEMS_DIFFER) * _soft_cosine(problems, other)
    return PROBLEM_UNKNOWN


def _concept_score(concepts, other):
    """Same thing and same problem: a duplicate needs both."""
    things = _things_score(concepts.things, other.things)
    return things * _problems_score(concepts.problems, other.problems)


def _blend(chars, concepts, other_concepts):
    """Blend the character similarity with the similarity of what the words point to."""
    if not any(v[1] for v in (*concepts, *other_concepts)):
        return chars
    return (1 - CONCEPT_WEIGHT) * chars + CONCEPT_WEIGHT * _concept_score(concepts, other_concepts)


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
    """The buildings ("3栋"), units ("2单元"), rooms ("1502") and gates a text names, by level."""
    chars = normalise(text)
    return {level: frozenset(pattern.findall(chars)) for level, pattern in _PLACE_RES.items()}


def _name_other_places(named, other_named):
    """Whether two texts name different places at some level (3栋 / 5栋, 302 / 1101)."""
    return any(named[k] and other_named[k] and not named[k] & other_named[k] for k in named)


def _inside_building(concepts):
    """Whether the subcategory a text points to most is a problem inside a building."""
    subcategories = {k: w for k, w in concepts.things[0].items() if "." in k}
    return bool(subcategories) and max(subcategories, key=subcategories.get) in BUILDING_SCOPED


def _same(mine, theirs):
    """True or False when both records know the field, None when either does not."""
    return None if mine is None or theirs is None else mine == theirs


def place_relation(new, candidate):
    """How the places of two suggestions relate: a key of PLACE_FACTORS."""
    return _relation(_entry(new), _entry(candidate))


def _relation(new, candidate):
    same_compound = _same(new.compound_id, candidate.compound_id)
    same_building = _same(new.building_id, candidate.building_id)
    if same_compound is False:
        both_outside = new.outside_compounds and candidate.outside_compounds
        return "unknown_place" if both_outside else "other_compound"
    if _name_other_places(new.places, candidate.places):
        return "other_building_named"
    if same_building or new.places["building"] & candidate.places["building"]:
        return "same_building"
    if same_building is False and new.inside_building and candidate.inside_building:
        return "other_building"
    return "same_compound" if same_compound else "unknown_place"


def days_apart(new, candidate):
    """Whole days between two suggestions; 0 when either date is missing."""
    return _days_apart(_get(new, "created_at"), _get(candidate, "created_at"))


def _days_apart(new_at, old_at):
    if new_at is None or old_at is None:
        return 0
    return int(abs((new_at - old_at).total_seconds()) // 86400)


def recency_factor(days):
    """1 within a week, then down to RECENCY_FLOOR: a month on, the first is usually closed."""
    if days <= RECENT_DAYS:
        return 1.0
    return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * math.exp(-(days - RECENT_DAYS) / 30)


# Ranking


class _Entry:
    """A suggestion with everything ranking needs from its text worked out once."""

    __slots__ = (
        "id", "text", "compound_id", "building_id", "created_at", "chars", "features",
        "concepts", "places", "inside_building", "outside_compounds", "vector",
        "vector_version",
    )  # fmt: skip

    def __init__(self, record):
        self.id, self.text = _get(record, "id"), _get(record, "text") or ""
        self.compound_id, self.building_id = (
            _get(record, "compound_id"),
            _get(record, "building_id"),
        )
        self.created_at = _get(record, "created_at")
        self.chars, self.features = normalise(self.text), _weighted_tf(self.text)
        self.concepts = _concepts(self.text)
        self.places = _named_places(self.text)
        self.inside_building = _inside_building(self.concepts)
        self.outside_compounds = bool(COMMUNITY_PLACES.search(self.chars))
        self.vector, self.vector_version = None, None

    def weighted(self, idf, version):
        """The TF-IDF vector and its length under `idf`, kept while `version` stands."""
        if version is None or self.vector_version != version:
            vector = {f: tf * idf(f) for f, tf in self.features.items()}
            self.vector, self.vector_version = _with_length(vector), version
        return self.vector


def _entry(record):
    return record if isinstance(record, _Entry) else _Entry(record)


def _weighted_tf(text):
    """Each feature of a text with its sublinear term frequency."""
    return {feature: _TF[count] for feature, count in _features(text).items()}


def rank_duplicates(new, candidates, *, limit=5):
    """The `limit` candidates most likely to be the same suggestion as `new`, best first."""
    new_id = _get(new, "id")
    others = [c for c in candidates if new_id is None or _get(c, "id") != new_id]
    return DuplicateIndex(others if new_id is None else [new, *others]).rank(new, limit=limit)


class DuplicateIndex:
    """Suggestions prepared once, so that each lookup scores only those that may match.

    Document frequencies are kept as entries come and go, so IDF is always that of the indexed
    texts (with the new one among them, as rank_duplicates has it). Past PREFILTER_FROM entries a
    lookup scores only the entries that share a thing, a rare feature or, for a text that names
    no thing, a problem with it: the others cannot come near the threshold.
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
        self._df.update(entry.features.keys())
        for feature in entry.features:
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
        self._df.subtract(entry.features.keys())
        for feature in entry.features:
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
        if limit <= 0:
            return []
        new = self._entries.get(_get(new, "id")) or _entry(new)
        # Vectors depend on the IDF: they stand while no entry comes or goes, unless the new
        # text is not indexed (its own features then count in the IDF of this lookup only).
        idf, version = self._idf(new), self._version if new.id in self._entries else None
        vector = new.weighted(idf, version)
        matches = []
        # Place and time bound the score: from the most promising down, stop once a candidate
        # could not beat the `limit`-th best even with the same text.
        for bound, relation, days, candidate in self._bounded(new):
            if len(matches) >= limit and bound < matches[limit - 1].score:
                break
            match = self._match(new, candidate, vector, idf, version, relation, days)
            if match is not None:
                matches.append(match)
                matches.sort(key=lambda match: (-match.score, str(match.candidate_id)))
                del matches[limit:]
        return matches[:limit]

    def _bounded(self, new):
        """(highest possible score, place relation, days apart, entry) of the pool, best first."""
        bounded = []
        for id in self._pool(new):
            candidate = self._entries[id]
            relation = _relation(new, candidate)
            days = _days_apart(new.created_at, candidate.created_at)
            bound = round(min(1.0, PLACE_FACTORS[relation] * recency_factor(days)), 4)
            if bound >= FLOOR:
                bounded.append((bound, relation, days, candidate))
        bounded.sort(key=lambda row: row[0], reverse=True)
        return bounded

    def _idf(self, new):
        """IDF over the indexed texts and `new`, remembered per feature for one lookup."""
        outside = new.id is None or new.id not in self._entries
        documents, df, memo = len(self._entries) + outside, self._df, {}

        def idf(feature):
            if feature not in memo:
                count = df.get(feature, 0) + (outside and feature in new.features)
                boost = 1.0 if len(feature) > 1 else UNIGRAM_WEIGHT
                memo[feature] = boost * (math.log((1 + documents) / (1 + count)) + 1)
            return memo[feature]

        return idf

    def _pool(self, new):
        """The ids worth scoring against `new`: all of them, or past PREFILTER_FROM the likely."""
        if len(self._entries) <= PREFILTER_FROM:
            return [id for id in self._entries if id != new.id]
        rare = max(RARE_SHARE * len(self._entries), RARE_MIN)
        pool = set()
        for feature in new.features:
            if len(feature) > 1 and self._df.get(feature, 0) <= rare:
                pool |= self._by_feature[feature]
        for concept in _pool_keys(new.concepts):
            pool |= self._by_concept[concept]
        pool.discard(new.id)
        return pool

    def _match(self, new, candidate, vector, idf, version, relation, days):
        """The candidate's score and reasons, or None when it stays below FLOOR."""
        text = self._text(new, candidate, vector, idf, version)
        score = min(1.0, text * PLACE_FACTORS[relation] * recency_factor(days))
        if score < FLOOR:
            return None
        return Match(candidate.id, round(score, 4), _reasons(text, relation, days))

    def _text(self, new, candidate, vector, idf, version):
        if new.chars == candidate.chars:
            return 1.0 if new.chars else 0.0
        (weights, length), (other, other_length) = vector, candidate.weighted(idf, version)
        if not length or not other_length:
            return _blend(0.0, new.concepts, candidate.concepts)
        total = sum([weights[f] * other[f] for f in weights.keys() & other.keys()])
        return _blend(min(1.0, total / (length * other_length)), new.concepts, candidate.concepts)


def _pool_keys(concepts):
    """What a lookup may share with an entry to be scored: its things, else its problems."""
    things = concepts.things[0].keys()
    return things or ["problem:" + kind for kind in concepts.problems[0]]


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
