"""Normalised text and its character n-grams, weighted by TF-IDF.

Chinese has no spaces, and two-character words carry most of the meaning: a text is read as its
character unigrams and bigrams, after the variants residents write for one thing are made one.
"""

import hashlib
import math
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

# Texts seen lately, kept worked out: a lookup meets the same few texts again (a page and its
# form, a hot topic's members) and the labelled sets of the tests hold 660. Bounded, as each
# process has them: a text's entries take about 5 kB.
CACHED_TEXTS = 1024

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

_VARIANTS = {variant: word for word, variants in SYNONYMS.items() for variant in variants.split()}
_VARIANTS |= {word: word for word in SYNONYMS}  # so that 信报箱 stays whole rather than 信+报箱
_VARIANT_RE = re.compile("|".join(sorted(map(re.escape, _VARIANTS), key=len, reverse=True)))
_NUMERALS = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CHINESE_NUMBER_RE = re.compile(r"([一二两三四五六七八九十]{1,3})(?=栋|号楼|幢|座|单元|楼|层)")
_BUILDING_RE = re.compile(r"(\d+)(?:号楼|幢|座)")
_NUMBER_RE = re.compile(r"\d+(?:栋|单元|楼|层|室|号)?")
# Particles that say nothing about the problem; dropped as unigrams only.
_STOP_CHARS = frozenset("的了吗呢吧啊呀哦嘛么是在有我你他她它们这那就都也还很太把被给和又再个一")


class _Unmark(dict):
    """A str.translate table that deletes punctuation, symbols, spaces and control characters."""

    def __missing__(self, codepoint):
        self[codepoint] = None if unicodedata.category(chr(codepoint))[0] in "PSZC" else codepoint
        return self[codepoint]


_UNMARK = _Unmark()


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


@lru_cache(maxsize=CACHED_TEXTS)
def normalise(text):
    """Half-width, lower-case, no punctuation or spaces, numbers as digits, one word per synonym."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_UNMARK)
    return _VARIANT_RE.sub(lambda m: _VARIANTS[m.group(0)], _digits(text))


def fingerprint(chars):
    """A short digest of a normalised text: "" for an empty one, equal for equal texts."""
    return hashlib.blake2b(chars.encode(), digest_size=8).hexdigest() if chars else ""


# Character n-grams weighted by TF-IDF


@lru_cache(maxsize=CACHED_TEXTS)
def grams(text):
    """Counts of the character unigrams and bigrams of what a text says, without its numbers."""
    chars = _NUMBER_RE.sub("", normalise(text))
    found = [ch for ch in chars if ch not in _STOP_CHARS]
    # One string per bigram however many texts have it: a lookup holds thousands of texts.
    found += [sys.intern(chars[i : i + 2]) for i in range(len(chars) - 1)]
    return Counter(found)


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
        frequencies.update(grams(text).keys())
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


TF = _SublinearTf()


def vector(text, idf):
    """The TF-IDF vector of a text (sublinear term frequency) and its length."""
    weights, weight = idf.weights, idf.weight
    features = grams(text).items()
    return with_length({f: TF[n] * (weights.get(f) or weight(f)) for f, n in features})


def with_length(vector):
    """A sparse vector with its Euclidean length."""
    return vector, math.hypot(*vector.values())


def cosine(left, right):
    """Cosine of two (vector, length) pairs; 0 when either is empty."""
    (a, a_len), (b, b_len) = left, right
    if not a_len or not b_len:
        return 0.0
    return min(1.0, sum([a[f] * b[f] for f in a.keys() & b.keys()]) / (a_len * b_len))
