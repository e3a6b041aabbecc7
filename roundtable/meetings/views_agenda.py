"""The agenda editor: items from deliberation, hot topics, free items; order, publish.

Every button is a form of its own, so reordering works without JavaScript (up and down).
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import actions
from .forms import FreeItemForm, HotTopicForm, ItemForm, MoveForm, NoInputForm, SuggestionItemForm
from .models import AGENDA_OPEN, ANNOUNCED, AgendaItemKind, Status
from .views_common import back, run_page_action, staff_meeting


def _move(meeting, by, data):
    ids = list(meeting.agenda_items.order_by("order", "id").values_list("pk", flat=True))
    at = ids.index(data["item"].pk)
    to = at - 1 if data["direction"] == "up" else at + 1
    if 0 <= to < len(ids):
        ids[at], ids[to] = ids[to], ids[at]
    return actions.reorder_agenda(meeting, by=by, item_ids=ids)


def _page_actions(meeting):
    """action → (form factory, call(meeting, by, data), message when done)."""

    def add(kind):
        return lambda m, by, d: actions.add_agenda_item(m, by=by, kind=kind, **d)

    return {
        "free": (
            lambda data=None: FreeItemForm(data, prefix="free"),
            add(AgendaItemKind.FREE),
            _("The item is on the agenda."),
        ),
        "suggestion": (
            lambda data=None: SuggestionItemForm(data, meeting=meeting, prefix="suggestion"),
            add(AgendaItemKind.SUGGESTION),
            _("The suggestion is on the agenda."),
        ),
        "hot_topic": (
            lambda data=None: HotTopicForm(data, prefix="hot_topic"),
            add(AgendaItemKind.HOT_TOPIC),
            _("The hot topic is on the agenda."),
        ),
        "move": (
            lambda data=None: MoveForm(data, meeting=meeting, prefix="move"),
            _move,
            _("The order is saved."),
        ),
        "remove": (
            lambda data=None: ItemForm(data, meeting=meeting, prefix="remove"),
            lambda m, by, d: actions.remove_agenda_item(d["item"], by=by),
            _("The item was taken off the agenda."),
        ),
        "publish": (
            lambda data=None: NoInputForm(data),
            lambda m, by, d: actions.publish_agenda(m, by=by),
            _("The agenda is published: residents see it, and it can be printed."),
        ),
    }


@login_required
def agenda(request, pk):
    meeting = staff_meeting(request, pk)
    page_actions = _page_actions(meeting)
    forms = {name: spec[0]() for name, spec in page_actions.items()}
    done, _result = run_page_action(
        request, page_actions, forms, lambda call, data: call(meeting, request.user, data)
    )
    if done:
        return back(request, "meetings:agenda", meeting, "agenda" if done != "free" else "add")
    items = list(meeting.agenda_items.select_related("suggestion").prefetch_related("suggestions"))
    open_to_edit = meeting.status in AGENDA_OPEN
    context = {
        "meeting": meeting,
        "items": timed(meeting, items),
        "forms": forms,
        "editable": open_to_edit,
        "removable": meeting.status in {Status.DRAFT, *ANNOUNCED},
        "hot_topics": actions.propose_hot_topics(meeting, by=request.user) if open_to_edit else [],
        "may_publish": meeting.status == Status.SCHEDULED,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/agenda_edit.html", context, status=status)


def timed(meeting, items):
    """The items with the planned time each starts and ends, counted from the meeting's start."""
    at = meeting.starts_at
    for item in items:
        item.planned_start = at
        at = at + timedelta(minutes=item.minutes_planned)
        item.planned_end = at
    return items
