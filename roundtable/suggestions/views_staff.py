"""What the staff pages share: running an action from a form, and the likely duplicates."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import InvalidTransition
from .models import OPEN, Status, Suggestion
from .similarity import is_duplicate, rank_duplicates

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


def likely_duplicates(suggestion, *, only_duplicates=False):
    """The top 5 open or recent suggestions of the community most like this one, with scores."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    candidates = (
        Suggestion.objects.filter(community=suggestion.community_id)
        .exclude(pk=suggestion.pk)
        .exclude(status__in=[Status.INVALID, Status.MERGED])
        .filter(Q(status__in=OPEN) | Q(submitted_at__gte=since))
    )
    records = [
        {
            "id": c["id"],
            "text": c["text"],
            "compound_id": c["compound_id"],
            "building_id": c["building_id"],
            "created_at": c["submitted_at"],
        }
        for c in candidates.values("id", "text", "compound_id", "building_id", "submitted_at")
    ]
    matches = rank_duplicates(_record(suggestion), records, limit=5)
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
