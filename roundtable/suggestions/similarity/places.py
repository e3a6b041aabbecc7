"""Where and when: the places two suggestions name or were made at, and how far apart in time.

The place and the time of two suggestions raise or lower the score of their texts.
"""

import math
import re
from functools import lru_cache

from .text import CACHED_TEXTS, normalise

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
PLACE_PATTERNS = {
    "building": re.compile(r"(\d+)栋"),
    "unit": re.compile(r"(\d+)单元"),
    "room": re.compile(r"(?<!\d)(\d{3,4})(?![\d年元块米])"),
    "gate": re.compile(r"([东西南北])门"),
}
# Places of the community outside any compound: reported from two compounds, still one problem.
COMMUNITY_PLACES = re.compile(
    "党群服务中心|卫生服务站|社区医院|社区食堂|菜场|菜市场|马路|路口|公交站|公交车站|站牌|地铁站"
)


@lru_cache(maxsize=CACHED_TEXTS)
def named_places(text):
    """The buildings ("3栋"), units ("2单元"), rooms ("1502") and gates a text names, by level."""
    chars = normalise(text)
    return {level: frozenset(pattern.findall(chars)) for level, pattern in PLACE_PATTERNS.items()}


def _name_other_places(named, other_named):
    """Whether two texts name different places at some level (3栋 / 5栋, 302 / 1101)."""
    return any(named[k] and other_named[k] and not named[k] & other_named[k] for k in named)


def inside_building(concepts):
    """Whether the subcategory a text points to most is a problem inside a building."""
    subcategories = {k: w for k, w in concepts.things[0].items() if "." in k}
    return bool(subcategories) and max(subcategories, key=subcategories.get) in BUILDING_SCOPED


def _same(mine, theirs):
    """True or False when both records know the field, None when either does not."""
    return None if mine is None or theirs is None else mine == theirs


def relation(new, candidate):
    """How the places of two entries relate: a key of PLACE_FACTORS."""
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


def days_between(new_at, old_at):
    """Whole days between two times; 0 when either is missing."""
    if new_at is None or old_at is None:
        return 0
    return int(abs((new_at - old_at).total_seconds()) // 86400)


def recency_factor(days):
    """1 within a week, then down to RECENCY_FLOOR: a month on, the first is usually closed."""
    if days <= RECENT_DAYS:
        return 1.0
    return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * math.exp(-(days - RECENT_DAYS) / 30)


def days_within(share):
    """The most whole days apart at which recency_factor is still `share` or more: None for any
    number of days, -1 for none."""
    if share <= RECENCY_FLOOR:
        return None
    if share > 1:
        return -1
    return RECENT_DAYS + int(30 * math.log((1 - RECENCY_FLOOR) / (share - RECENCY_FLOOR)))
