"""Likely duplicates of a suggestion: what the triage page and the slip form show.

A lookup ranks the community's candidates (its open suggestions and those of the last
RECENT_DAYS, less the invalid and merged ones) against the suggestion, as similarity's
DuplicateIndex would, but no process keeps them: workers share what the lookups need through the
database, and a lookup's memory is its own.

- What ranking reads of a text is worked out once: TextFeatures (place named, concepts, a
  fingerprint), TextGrams (its n-grams) and TextKey (what another text may share with it), written
  with the suggestion (intake) or by the first lookup that finds a candidate without them.
- The IDF needs the number of candidates with each n-gram: the community's DuplicateCorpus. It
  counts the features marked `counted`; a lookup checks in one query that these are exactly the
  candidates and, when not (a new suggestion, one closed long enough ago, a status changed by
  anything), brings the corpus in step under a lock on its row, reading only what came and went.
  The check is skipped while the community has no newer audit event than at the last one (every
  change of a suggestion is recorded) and that one is less than RECHECK old: a change made
  without a record (plain SQL, a bulk update) or recorded out of order is counted within RECHECK.
- A lookup reads the place, time and concepts of the candidates sharing a thing or a rare n-gram
  with the suggestion (similarity.prefilter, through TextKey), enough to bound their scores, then
  the n-grams of those whose bound may make the top five. Those of other compounds, which score
  at most PLACE_FACTORS["other_compound"] of their text, are read after and only if they may.
"""

import gc
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from itertools import chain

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.audit.versions import newest_event

from .models import (
    OPEN,
    DuplicateCorpus,
    Status,
    Suggestion,
    TextFeatures,
    TextGrams,
    TextKey,
)
from .similarity import (
    PLACE_FACTORS,
    Entry,
    Features,
    days_within,
    idf_weights,
    is_duplicate,
    prefilter,
    rank_entries,
    unshared_text_bound,
)

RECENT_DAYS = 90
RECHECK = timedelta(seconds=60)  # at most this long between two checks of a corpus
SHOWN = 5
REASONS = {
    "similar_text": _("similar words"),
    "same_building": _("same building"),
    "same_compound": _("same compound"),
    "unknown_place": _("place unknown"),
    "within_a_week": _("within a week"),
    "months_apart": _("months apart"),
}
NOT_CANDIDATES = (Status.INVALID, Status.MERGED)
CHUNK = 500  # suggestions per query when many come or go at once
COPIED = ("compound_id", "building_id", "submitted_at")  # of the suggestion, kept with its features
LIGHT_FIELDS = ("chars", "concepts", "places", "inside_building", "outside_compounds")
FIELDS = (*LIGHT_FIELDS, "grams__counts")


def remember(suggestion, *, again=False):
    """Work out and keep what duplicate lookups read of the suggestion's text (`again`: a text
    written again; the corpus, no longer matching what it counted, is counted afresh)."""
    if again:
        TextFeatures.objects.filter(pk=suggestion.pk).delete()
    row = [suggestion.pk, suggestion.text, *(getattr(suggestion, name) for name in COPIED)]
    _keep(suggestion.community_id, [row], counted=False)


def likely_duplicates(suggestion, *, only_duplicates=False):
    """The top 5 open or recent suggestions of the community most like this one, with scores."""
    matches = ranked(suggestion, limit=SHOWN)
    if only_duplicates:
        matches = [m for m in matches if is_duplicate(m.score)]
    found = Suggestion.objects.in_bulk([m.candidate_id for m in matches])
    return [
        {
            "suggestion": found[m.candidate_id],
            "percent": round(m.score * 100),
            "reasons": [REASONS.get(code, code) for code in m.reasons],
            "is_duplicate": is_duplicate(m.score),
        }
        for m in matches
    ]


def ranked(suggestion, *, limit):
    """The `limit` candidates most like the suggestion, best first, as similarity.Match."""
    with _collector_waits():
        return _ranked(suggestion, limit=limit)


@contextmanager
def _collector_waits():
    """Ranking makes many small short-lived objects, which set off Python's cyclic collector
    over the whole heap several times a lookup (most of the p95 tail). Reference counting frees
    them as they go, so the collector waits until the lookup ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ranked(suggestion, *, limit):
    corpus = _corpus(suggestion.community_id)
    new, counted = _entry(suggestion)
    documents, frequencies = corpus.documents, corpus.frequencies
    # A suggestion the corpus does not count is ranked as if it did (its n-grams once more),
    # unless it is invalid or merged; its own n-grams always count in the IDF.
    extra = () if counted else new.grams
    inside = not counted and suggestion.status not in NOT_CANDIDATES
    shared = prefilter(new, documents + inside, frequencies, extra if inside else ())
    idf = idf_weights(documents + (not counted), frequencies, extra)
    keys = None if shared is None else [*chain(*shared)]
    near = _near(new)
    # The others, from other compounds, are read only if their bound may still make the top.
    more = None if near is None else partial(_far, suggestion, new, keys, ~near)
    pool = _pool(suggestion, keys, near or Q())
    return rank_entries(new, pool, idf, limit=limit, load=_load, more=more)


def _entry(suggestion):
    """(the suggestion's entry, whether the corpus counts it), from its features if kept."""
    kept = TextFeatures.objects.filter(pk=suggestion.pk).values(*FIELDS, "counted").first()
    counted = bool(kept and kept.pop("counted"))
    if kept:
        kept["grams"] = kept.pop("grams__counts")
    features = Features.from_json(**kept) if kept else Features.of(suggestion.text)
    where = {"compound_id": suggestion.compound_id, "building_id": suggestion.building_id}
    return Entry(suggestion.pk, features, created_at=suggestion.submitted_at, **where), counted


def _near(new):
    """The candidates whose place may relate to the entry's otherwise than as another compound's
    (similarity.places.relation); None when all may. The others score PLACE_FACTORS
    ["other_compound"] of their text at most, less than most matches."""
    if new.compound_id is None:
        return None
    near = Q(compound=None) | Q(compound=new.compound_id)
    return near | Q(outside_compounds=True) if new.outside_compounds else near


def _far(suggestion, new, keys, far, cut):
    """The candidates of other compounds whose bound may reach `cut`: made close enough in time,
    and naming one of the suggestion's things unless one naming none may reach it too."""
    factor = PLACE_FACTORS["other_compound"]
    days = days_within(cut / factor)
    if days == -1:
        return []
    if days is not None:
        at, margin = suggestion.submitted_at, timedelta(days=days + 1)  # a day for rounding
        far &= Q(submitted_at__range=(at - margin, at + margin))
    if round(min(1.0, factor * unshared_text_bound(new)), 4) < cut:
        keys = list(new.concepts.things[0])  # in the pool: these are its keys when it has any
    return _pool(suggestion, keys, far)


def _pool(suggestion, keys, where):
    """The counted candidates `where` says, all or those with one of these keys (TextKey), with
    what bounds their scores (place, time, concepts); _load() adds the n-grams of those scored."""
    rows = TextFeatures.objects.filter(where, community=suggestion.community_id, counted=True)
    if keys is not None:
        sharing = TextKey.objects.filter(community=suggestion.community_id, key__in=keys)
        rows = rows.filter(pk__in=sharing.values("features"))
    # How long before the suggestion each was made: a duration is read faster than a time.
    at = suggestion.submitted_at
    before = ExpressionWrapper(Value(at) - F("submitted_at"), DurationField())
    rows = rows.exclude(pk=suggestion.pk).annotate(before=before)
    return [
        Entry(
            pk,
            Features.from_json(
                chars=chars,
                concepts=concepts,
                places=places,
                inside_building=inside,
                outside_compounds=outside,
            ),
            compound_id=compound_id,
            building_id=building_id,
            created_at=at - before,
        )  # fmt: skip
        for pk, compound_id, building_id, before, chars, concepts, places, inside, outside in (
            rows.values_list("pk", "compound_id", "building_id", "before", *LIGHT_FIELDS)
        )
    ]


def _load(entries):
    """Read the n-grams of these entries of _pool()."""
    by_id = {entry.id: entry for entry in entries}
    for pk, counts in TextGrams.objects.filter(pk__in=list(by_id)).values_list("pk", "counts"):
        by_id[pk].load(counts)


def _keep(community_id, texts, *, counted):
    """Store the features, n-grams and keys of these (id, text, *COPIED); returns the n-grams of
    each."""
    grams = []
    for chunk in _chunks(texts):
        features, counts, keys = [], [], []
        for pk, text, *copied in chunk:
            row, row_counts, row_keys = _rows(community_id, pk, text, copied, counted)
            features.append(row)
            counts.append(row_counts)
            keys += row_keys
        TextFeatures.objects.bulk_create(features)
        TextGrams.objects.bulk_create(counts)
        TextKey.objects.bulk_create(keys, batch_size=5000)
        grams += [row.counts for row in counts]
    return grams


def _rows(community_id, pk, text, copied, counted):
    """The rows of a text's features, its n-grams and its keys."""
    features, community = Features.of(text), {"community_id": community_id}
    data = features.to_json() | dict(zip(COPIED, copied, strict=True))
    counts = data.pop("grams")
    row = TextFeatures(suggestion_id=pk, counted=counted, **community, **data)
    keys = [TextKey(features=row, key=key, **community) for key in features.keys()]
    return row, TextGrams(features=row, counts=counts), keys


# The corpus


def _candidates(community_id, since):
    """The suggestions the community's lookups rank: open, or submitted since `since`."""
    return (
        Suggestion.objects.filter(community=community_id)
        .exclude(status__in=NOT_CANDIDATES)
        .filter(Q(status__in=OPEN) | Q(submitted_at__gte=since))
        .order_by()
    )


def _corpus(community_id):
    """The community's corpus, first brought in step with its candidates when it is not."""
    now = timezone.now()
    since = now - timedelta(days=RECENT_DAYS)
    corpus = (
        DuplicateCorpus.objects.filter(community=community_id)
        .annotate(newest_event=newest_event(community_id))
        .first()
    )
    if corpus is None:
        return _bring_in_step(community_id, since, checked=(now, None))
    checked = (now, corpus.newest_event)  # read before the check: a later change re-checks
    if corpus.checked_event == corpus.newest_event and corpus.checked_at > now - RECHECK:
        return corpus
    if not _in_step(community_id, since, corpus.documents):
        return _bring_in_step(community_id, since, checked=checked)
    DuplicateCorpus.objects.filter(pk=community_id).update(
        checked_at=checked[0], checked_event=checked[1]
    )
    return corpus


def _in_step(community_id, since, documents):
    """Whether the candidates are exactly the `documents` features counted.

    The corpus counts as many as are marked; if all the candidates are marked and as many as
    that, the marked ones are the candidates.
    """
    totals = _candidates(community_id, since).aggregate(
        all=Count("pk"), counted=Count("pk", filter=Q(text_features__counted=True))
    )
    return totals["all"] == totals["counted"] == documents


@transaction.atomic
def _bring_in_step(community_id, since, *, checked):
    """Count what came among the candidates and forget what left, the corpus row locked;
    `checked`: (when, the community's newest event then)."""
    corpus, _ = DuplicateCorpus.objects.select_for_update().get_or_create(community_id=community_id)
    marked = TextFeatures.objects.filter(community=community_id, counted=True)
    if marked.count() != corpus.documents:  # counted rows deleted or written again: start over
        marked.update(counted=False)
        corpus.documents, corpus.frequencies = 0, {}
    candidates = _candidates(community_id, since)
    came = candidates.exclude(text_features__counted=True)
    # Those made before features were kept (or by bulk_create) have theirs worked out now.
    unread = list(came.filter(text_features__isnull=True).values_list("pk", "text", *COPIED))
    came = list(came.filter(text_features__isnull=False).values_list("pk", flat=True))
    left = list(marked.exclude(suggestion__in=candidates).values_list("pk", flat=True))
    frequencies = Counter(corpus.frequencies)
    for grams in _keep(community_id, unread, counted=True):
        frequencies.update(grams.keys())
    for ids, counted in ((came, True), (left, False)):
        for chunk in _chunks(ids):
            for grams in TextGrams.objects.filter(pk__in=chunk).values_list("counts", flat=True):
                (frequencies.update if counted else frequencies.subtract)(grams.keys())
            TextFeatures.objects.filter(pk__in=chunk).update(counted=counted)
    corpus.documents += len(unread) + len(came) - len(left)
    corpus.frequencies = {gram: n for gram, n in frequencies.items() if n > 0}
    corpus.checked_at, corpus.checked_event = checked
    corpus.save()
    return corpus


def _chunks(items):
    return (items[i : i + CHUNK] for i in range(0, len(items), CHUNK))
