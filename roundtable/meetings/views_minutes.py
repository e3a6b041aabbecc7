"""After the meeting: the minutes, resolutions and their action items, approving the minutes."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.people.permissions import Perm, may

from . import actions
from .forms import ActionItemForm, MinutesForm, NoInputForm, ResolutionForm
from .models import ANNOUNCED, IN_SESSION, ActionItem, Minutes, Status
from .views_common import back, run_page_action, staff_meeting


def minutes_of(meeting):
    """The meeting's minutes, or None before any were written."""
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def _page_actions(meeting):
    def action_item(by, d):
        return actions.add_action_item(
            d["resolution"], by=by, owner=d["owner"], due=d["due"], text=d["text"],
            compound=d["compound"],
        )  # fmt: skip

    return {
        "save": (
            lambda data=None: MinutesForm(data, prefix="minutes", initial=_written(meeting)),
            lambda by, d: actions.save_minutes(meeting, by=by, text=d["text"]),
            _("The minutes are saved."),
        ),
        "resolution": (
            lambda data=None: ResolutionForm(data, meeting=meeting, prefix="resolution"),
            lambda by, d: actions.add_resolution(
                meeting, by=by, text=d["text"], agenda_item=d["agenda_item"]
            ),
            _("The resolution is recorded."),
        ),
        "action_item": (
            lambda data=None: ActionItemForm(data, meeting=meeting, prefix="action"),
            action_item,
            _("The action item is dispatched to its owner as a suggestion."),
        ),
        "hold": (
            lambda data=None: NoInputForm(data),
            lambda by, d: actions.hold_meeting(meeting, by=by),
            _("Marked as held."),
        ),
        "approve": (
            lambda data=None: NoInputForm(data),
            lambda by, d: actions.approve_minutes(meeting, by=by),
            _("The minutes are approved and published as a public notice."),
        ),
    }


def _written(meeting):
    minutes = minutes_of(meeting)
    return {"text": minutes.text if minutes else ""}


@login_required
def minutes(request, pk):
    meeting = staff_meeting(request, pk)
    page_actions = _page_actions(meeting)
    forms = {name: spec[0]() for name, spec in page_actions.items()}
    done, _result = run_page_action(
        request, page_actions, forms, lambda call, data: call(request.user, data)
    )
    if done:
        anchors = {"save": "minutes", "resolution": "resolutions", "action_item": "resolutions"}
        return back(request, "meetings:minutes", meeting, anchors.get(done, ""))
    context = {
        "meeting": meeting,
        "minutes": minutes_of(meeting),
        "resolutions": resolutions_of(meeting),
        "forms": forms,
        "recording": meeting.status in IN_SESSION,
        "may_dispatch": may(request.user, Perm.TRIAGE, meeting.community),
        "may_hold": meeting.status in ANNOUNCED and meeting.starts_at <= timezone.now(),
        "may_approve": meeting.status == Status.HELD,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/minutes_edit.html", context, status=status)


def resolutions_of(meeting):
    """The resolutions with their action items and each one's suggestion, in three queries."""
    items = ActionItem.objects.select_related("suggestion", "owner").order_by("pk")
    return list(
        meeting.resolutions.select_related("agenda_item").prefetch_related(
            Prefetch("action_items", queryset=items)
        )
    )
