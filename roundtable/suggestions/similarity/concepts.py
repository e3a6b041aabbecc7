"""What a text's words point to, on two axes: the things named and what is wrong.

The things are the subcategories of the taxonomy and taxonomy.OBJECTS; what is wrong is
taxonomy.PROBLEMS, read longest word first. A duplicate needs the same thing and the same problem:
狗叫 and 遛狗不牵绳 share the dog, not the problem.
"""

import math
import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from roundtable.suggestions import taxonomy

from .text import CACHED_TEXTS, cosine, normalise, with_length

CONCEPT_WEIGHT = 0.7  # object and problem agree: the words differ more than the meaning


def _keywords(category):
    """A category's keywords, given as a tuple or as a space-separated string (the model's)."""
    keywords = category.keywords
    return tuple(keywords.split()) if isinstance(keywords, str) else tuple(keywords)


def index_key(categories):
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
def keyword_index(key):
    """Each normalised keyword with the codes of the categories that list it."""
    index = {}
    for code, keywords in key:
        for word in filter(None, map(normalise, keywords)):
            index.setdefault(word, set()).add(code)
    return _lexicon(index)


def found(chars, lexicon):
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
    index = keyword_index(index_key(subcategories)).words
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


@lru_cache(maxsize=CACHED_TEXTS)
def concepts_of(text):
    """The things a text names and the problems it describes, weighted by word length."""
    chars, things, problems = normalise(text), Counter(), Counter()
    lexicon = _thing_lexicon()
    for word in found(chars, lexicon):
        where = LANDMARK_WEIGHT if _only_a_landmark(word, chars) else 1.0
        for concept in lexicon.words[word]:
            weight = THING_WEIGHTS["object" if concept.startswith("object:") else "code"]
            things[concept] += len(word) * weight * where
    lexicon = _problem_lexicon()
    for word in _segmented(chars, lexicon):
        for kind in lexicon.words[word]:
            problems[kind] += len(word) * WEAK_PROBLEMS.get(kind, 1.0)
    return Concepts(with_length(things), (problems, math.sqrt(_soft_dot(problems, problems))))


def _things_score(things, other):
    if things[1] and other[1]:
        return cosine(things, other)
    return OBJECT_ONE_SIDED if things[1] or other[1] else OBJECT_UNKNOWN


def _problems_score(problems, other):
    if problems[1] and other[1]:
        return PROBLEMS_DIFFER + (1 - PROBLEMS_DIFFER) * _soft_cosine(problems, other)
    return PROBLEM_UNKNOWN


def _concept_score(concepts, other):
    """Same thing and same problem: a duplicate needs both."""
    things = _things_score(concepts.things, other.things)
    return things * _problems_score(concepts.problems, other.problems)


def blend(chars, concepts, other_concepts):
    """Blend the character similarity with the similarity of what the words point to."""
    if not any(v[1] for v in (*concepts, *other_concepts)):
        return chars
    return (1 - CONCEPT_WEIGHT) * chars + CONCEPT_WEIGHT * _concept_score(concepts, other_concepts)
