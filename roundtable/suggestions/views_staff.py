"""What the staff pages share: running an action from a form, and the likely duplicates."""

import threading
from datetime import timedelta

from django.db import connection
from django.db.models import CharField, Q
from django.db.models.functions import MD5, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.common.views import run

from .actions import refusal
from .models import OPEN, Status, Suggestion
from .similarity import DuplicateIndex, is_duplicate

RECENT_DAYS = 90
REASONS = {
    "similar_text": _("similar words"),
    "same_building": _("same building"),
    "same_compound": _("same compound"),
    "unknown_place": _("place unknown"),
    "within_a_week": _("within a week"),
    "months_apart": _("months apart"),
}


def run_action(request, form, call, success):
    """Call the action with the form's data (common.views.run); True when it was done."""
    if not form.is_valid():
        return False
    done = run(
        request, lambda: call(form.cleaned_data), form, success % form.cleaned_data, refusal=refusal
    )
    return done is not None


def _record(suggestion):
    return {
        "id": suggestion.pk,
        "text": suggestion.text,
        "compound_id": suggestion.compound_id,
        "building_id": suggestion.building_id,
        "created_at": suggestion.submitted_at,
    }


# One DuplicateIndex per community and process, so that a lookup reads only what changed. On
# PostgreSQL a checksum of the candidates' ids tells whether anything did (ids are never used
# again there, and texts and places are not edited); elsewhere, as in tests on SQLite where a
# rolled-back id comes back, each candidate's fields are checksummed.
_INDEXES = {}
# About 11 kB a suggestion: past this many in all, the least recently used communities go.
_ENTRIES_KEPT = 20_000
_INDEX_LOCK = threading.Lock()


def _candidates(suggestion):
    """The community's open suggestions and those of the last RECENT_DAYS, this one included."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return (
        Suggestion.objects.filter(community=suggestion.community_id)
        .exclude(status__in=[Status.INVALID, Status.MERGED])
        .filter(Q(status__in=OPEN) | Q(submitted_at__gte=since) | Q(pk=suggestion.pk))
        .order_by()
    )


def _ids_checksum(candidates):
    """A checksum of the candidates' ids in one row, on PostgreSQL; None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    sql, params = candidates.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM ({sql}) c", params)
        return cursor.fetchone()[0]


def _versions(candidates):
    """{id: checksum of the fields ranking reads} of the candidates."""
    fields = ("text", "compound_id", "building_id", "submitted_at")
    return dict(candidates.values_list("id", MD5(Concat(*fields, output_field=CharField()))))


def _records(ids):
    fields = ("id", "text", "compound_id", "building_id", "submitted_at")
    for row in Suggestion.objects.filter(pk__in=ids).values(*fields):
        row["created_at"] = row.pop("submitted_at")
        yield row


def _community_index(community_id):
    """This process's [index, ids checksum] of a community, the least recently used dropped."""
    kept = _INDEXES.pop(community_id, None) or [DuplicateIndex(), None]
    while _INDEXES and len(kept[0]) + sum(len(i) for i, _ in _INDEXES.values()) > _ENTRIES_KEPT:
        del _INDEXES[next(iter(_INDEXES))]
    _INDEXES[community_id] = kept  # the most recently used last
    return kept


def likely_duplicates(suggestion, *, only_duplicates=False):
    """The top 5 open or recent suggestions of the community most like this one, with scores."""
    candidates = _candidates(suggestion)
    checksum = _ids_checksum(candidates)
    with _INDEX_LOCK:
        kept = _community_index(suggestion.community_id)
        index = kept[0]
        if checksum is None or checksum != kept[1]:
            index.sync(_versions(candidates), _records)
            kept[1] = checksum
        matches = index.rank(_record(suggestion), limit=5)
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
