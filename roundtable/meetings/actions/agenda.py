"""The agenda: items from suggestions in deliberation, hot topics, proposals and free items."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.common.actions import check
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.models import Suggestion

from ..hot_topics import hot_topics
from ..models import AGENDA_OPEN, ANNOUNCED, AgendaItem, AgendaItemKind, Status
from .common import audit, locked, require_status, role_of, transition

MAX_MINUTES = 240


def _suggestion_title(suggestion):
    return suggestion.text[:60]


def _check_suggestion(meeting, suggestion):
    check(suggestion is not None, _("Choose the suggestion to deliberate on."))
    check(
        suggestion.community_id == meeting.community_id,
        _("Choose a suggestion of this community."),
    )
    check(
        suggestion.status == SuggestionStatus.DELIBERATION,
        _("Only suggestions sent to deliberation become agenda items; send it there first."),
    )


def _check_linked(meeting, suggestions):
    check(suggestions, _("A hot topic needs the suggestions it gathers."))
    check(
        all(s.community_id == meeting.community_id for s in suggestions),
        _("Choose suggestions of this community."),
    )


def _checked_item(meeting, kind, title, suggestion, suggestions, proposal_id):
    """The title to use, after checking what the kind of item needs."""
    if kind == AgendaItemKind.SUGGESTION:
        _check_suggestion(meeting, suggestion)
        title = title or _suggestion_title(suggestion)
    elif kind == AgendaItemKind.HOT_TOPIC:
        _check_linked(meeting, suggestions)
    elif kind == AgendaItemKind.PROPOSAL:
        check(proposal_id, _("Choose the proposal."))
    else:
        check(kind == AgendaItemKind.FREE, _("Choose the kind of item."))
    title = (title or "").strip()
    check(title, _("Give the item a title."))
    check(len(title) <= 200, _("The title is too long (at most 200 characters)."))
    return title


def _next_order(meeting):
    return (meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0) + 1


@transaction.atomic
def add_agenda_item(
    meeting,
    *,
    by,
    title="",
    kind=AgendaItemKind.FREE,
    suggestion=None,
    suggestions=(),
    proposal_id=None,
    minutes_planned=15,
    note="",
):
    """Add an item at the end of the agenda; after publication the log notes it came late."""
    role = role_of(by, meeting)
    current = locked(meeting)
    require_status(current, AGENDA_OPEN, "edit_agenda")
    suggestions = list(Suggestion.objects.filter(pk__in=[getattr(s, "pk", s) for s in suggestions]))
    title = _checked_item(current, kind, title, suggestion, suggestions, proposal_id)
    check(1 <= minutes_planned <= MAX_MINUTES, _("Plan between 1 and 240 minutes."))
    item = AgendaItem.objects.create(
        meeting=current,
        order=_next_order(current),
        title=title,
        kind=kind,
        note=(note or "").strip(),
        minutes_planned=minutes_planned,
        suggestion=suggestion if kind == AgendaItemKind.SUGGESTION else None,
        proposal_id=proposal_id if kind == AgendaItemKind.PROPOSAL else None,
    )
    if kind == AgendaItemKind.HOT_TOPIC:
        item.suggestions.set(suggestions)
    late = current.status in {Status.AGENDA_PUBLISHED, Status.HELD}
    audit(item, "agenda_item_added", by=by, role=role, meeting=current, kind=kind, late=late)
    return item


@transaction.atomic
def remove_agenda_item(item, *, by):
    """Take an item off the agenda before the meeting, unless opinions were recorded on it."""
    role = role_of(by, item.meeting)
    current = locked(item.meeting)
    require_status(current, {Status.DRAFT, *ANNOUNCED}, "edit_agenda")
    check(not item.opinions.exists(), _("Opinions were recorded on this item; it stays."))
    audit(item, "agenda_item_removed", by=by, role=role, meeting=current, title=item.title)
    item.delete()
    _renumber(current, list(current.agenda_items.order_by("order", "id")))


def _renumber(meeting, items):
    for order, item in enumerate(items, start=1):
        item.order = order
    AgendaItem.objects.bulk_update(items, ["order"])


@transaction.atomic
def reorder_agenda(meeting, *, by, item_ids):
    """Put the items in the order given (every item of the agenda, each once)."""
    role = role_of(by, meeting)
    current = locked(meeting)
    require_status(current, AGENDA_OPEN, "edit_agenda")
    items = {item.pk: item for item in current.agenda_items.all()}
    ids = [int(pk) for pk in item_ids]
    check(
        len(ids) == len(set(ids)) and set(ids) == set(items),
        _("List every item of the agenda once."),
    )
    _renumber(current, [items[pk] for pk in ids])
    audit(current, "agenda_reordered", by=by, role=role, meeting=current, order=ids)
    return [items[pk] for pk in ids]


def publish_agenda(meeting, *, by):
    """Publish the agenda; later than 3 days before the start it is still published, marked late.

    Refusing a late agenda would only stop the meeting from having one; the convention (2–3 days
    ahead) is kept visible instead: `meeting.agenda_was_late` and the log entry say so.
    """

    def has_items(current):
        check(current.agenda_items.exists(), _("Add at least one item before publishing."))
        check(timezone.now() < current.starts_at, _("The meeting has already started."))

    def lateness(current):
        return {"late": current.agenda_was_late, "due": current.agenda_due_at}

    return transition(meeting, "publish_agenda", by=by, prepare=has_items, details=lateness)


def propose_hot_topics(meeting, *, by, days=60, min_size=2, limit=10):
    """Clusters of similar recent suggestions of the community, not yet on this agenda."""
    role_of(by, meeting)
    on_agenda = set(
        meeting.agenda_items.exclude(suggestion=None).values_list("suggestion", flat=True)
    )
    on_agenda |= set(
        Suggestion.objects.filter(hot_topic_items__meeting=meeting).values_list("pk", flat=True)
    )
    return hot_topics(
        meeting.community, days=days, min_size=min_size, limit=limit, exclude=on_agenda
    )
