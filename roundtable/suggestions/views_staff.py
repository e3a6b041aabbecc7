"""What the staff pages share: running an action from a form, and the likely duplicates."""

import threading
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import CharField, Q
from django.db.models.functions import MD5, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import InvalidTransition
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
    """Call the action with the form's data; a refusal goes on the form and nothing changes."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except InvalidTransition as error:
        messages.error(request, str(error))  # the status moved on: the form itself is fine
        return False
    except ValidationError as error:
        form.add_error(None, error.messages)
        return False
    messages.success(request, success % form.cleaned_data)
    return True


def _record(suggestion):
    return {
        "id": suggestion.pk,
        "text": suggestion.text,
        "compound_id": suggestion.compound_id,
        "building_id": suggestion.building_id,
        "created_at": suggestion.submitted_at,
    }


# One DuplicateIndex per community and process: a lookup then asks the database for the
# candidates' ids with a checksum of what ranking reads, and for the rows it has not seen.
_INDEXES = {}
_INDEXES_KEPT = 64
_INDEX_LOCK = threading.Lock()


def _candidate_versions(suggestion):
    """{id: checksum} of the community's open and recent suggestions, this one included."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    checksum = MD5(Concat("text", "compound_id", "building_id", output_field=CharField()))
    rows = (
        Suggestion.objects.filter(community=suggestion.community_id)
        .exclude(status__in=[Status.INVALID, Status.MERGED])
        .filter(Q(status__in=OPEN) | Q(submitted_at__gte=since) | Q(pk=suggestion.pk))
        .values_list("id", checksum)
    )
    return dict(rows)


def _records(ids):
    fields = ("id", "text", "compound_id", "building_id", "submitted_at")
    for row in Suggestion.objects.filter(pk__in=ids).values(*fields):
        row["created_at"] = row.pop("submitted_at")
        yield row


def _community_index(community_id):
    index = _INDEXES.pop(community_id, None)
    index = DuplicateIndex() if index is None else index
    _INDEXES[community_id] = index  # the most recently used last
    while len(_INDEXES) > _INDEXES_KEPT:
        del _INDEXES[next(iter(_INDEXES))]
    return index


def likely_duplicates(suggestion, *, only_duplicates=False):
    """The top 5 open or recent suggestions of the community most like this one, with scores."""
    versions = _candidate_versions(suggestion)
    with _INDEX_LOCK:
        index = _community_index(suggestion.community_id)
        index.sync(versions, _records)
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
