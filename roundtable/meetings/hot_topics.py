"""Hot topics: clusters of similar suggestions of a community from the last 60 days.

Two suggestions are linked when the public ranking of suggestions/similarity.py calls them
duplicates by their texts alone (no place or date given, so a topic spans buildings and weeks).
Clusters are stars: the suggestion with the most links not yet taken becomes a centre and takes
its linked ones, so every member is similar to the centre (single linkage would chain unrelated
texts together). A suggestion merged as a duplicate joins the cluster of the one it was merged
into (when that one is in the period too): it is one more resident raising the topic. Only texts
of the same top-level category (the one suggested from the text, else the triaged one) are
compared, which keeps the work per community small; each category compares at most
MAX_PER_CATEGORY of its newest suggestions.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from roundtable.suggestions.models import Status, Suggestion
from roundtable.suggestions.similarity import is_duplicate, rank_duplicates

DAYS = 60
MAX_PER_CATEGORY = 120  # the ranking is pairwise: its cost grows with the square of this
TITLE_LENGTH = 60


@dataclass(frozen=True)
class HotTopic:
    """A cluster: its centre's text as the title, every suggestion in it, the newest first."""

    title: str
    suggestions: tuple

    @property
    def count(self):
        return len(self.suggestions)

    @property
    def suggestion_ids(self):
        return [s.pk for s in self.suggestions]

    @property
    def references(self):
        return [s.reference for s in self.suggestions]

    @property
    def links(self):
        return [(s.reference, s.get_absolute_url()) for s in self.suggestions]


def _category_key(suggestion):
    category = suggestion.suggested_category or suggestion.category
    return category.code.split(".")[0] if category else ""


def _links(nodes):
    """For each suggestion id, the ids of those its text duplicates (symmetric)."""
    records = [{"id": s.pk, "text": s.text} for s in nodes]
    links = {s.pk: set() for s in nodes}
    for record in records:
        for match in rank_duplicates(record, records, limit=len(records)):
            if is_duplicate(match.score):
                links[record["id"]].add(match.candidate_id)
                links[match.candidate_id].add(record["id"])
    return links


def _stars(nodes, weight):
    """Clusters of ids: the best-linked remaining suggestion with its remaining links."""
    links, remaining = _links(nodes), {s.pk for s in nodes}
    while remaining:
        centre = max(remaining, key=lambda pk: (len(links[pk] & remaining), weight[pk], pk))
        members = {centre} | (links[centre] & remaining)
        remaining -= members
        yield centre, members


def _topics(nodes, duplicates, min_size):
    by_id = {s.pk: s for s in nodes}
    weight = {pk: 1 + len(duplicates[pk]) for pk in by_id}
    for centre, members in _stars(nodes, weight):
        items = [by_id[pk] for pk in members] + [d for pk in members for d in duplicates[pk]]
        if len(items) >= min_size:
            items.sort(key=lambda s: (s.submitted_at, s.pk), reverse=True)
            yield HotTopic(by_id[centre].text[:TITLE_LENGTH], tuple(items))


def _recent(community, now, days, exclude):
    since = now - timedelta(days=days)
    return (
        Suggestion.objects.in_community(community)
        .filter(submitted_at__gte=since, submitted_at__lte=now)
        .exclude(status=Status.INVALID)
        .exclude(pk__in=exclude)
        .select_related("category", "suggested_category")
        .order_by("-submitted_at", "-pk")
    )


def hot_topics(community, *, now=None, days=DAYS, min_size=2, limit=10, exclude=()):
    """The community's hot topics, the largest first, each with at least `min_size` suggestions."""
    suggestions = list(_recent(community, now or timezone.now(), days, exclude))
    present = {s.pk for s in suggestions}
    duplicates = defaultdict(list)
    buckets = defaultdict(list)
    for s in suggestions:
        if s.status == Status.MERGED and s.merged_into_id in present:
            duplicates[s.merged_into_id].append(s)
        else:
            buckets[_category_key(s)].append(s)
    topics = []
    for nodes in buckets.values():
        topics += _topics(nodes[:MAX_PER_CATEGORY], duplicates, min_size)
    topics.sort(key=lambda t: (-t.count, -t.suggestions[0].submitted_at.timestamp()))
    return topics[:limit]
