"""The likeliest category of a text, from the keywords of the taxonomy's categories."""

import math
from collections import Counter

from roundtable.suggestions import taxonomy

from .concepts import found, index_key, keyword_index
from .text import normalise


def _category_scores(text, categories):
    """Each category's score: the squared lengths of its keywords found in the text."""
    lexicon, scores = keyword_index(index_key(categories)), Counter()
    for word in found(normalise(text), lexicon):
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
