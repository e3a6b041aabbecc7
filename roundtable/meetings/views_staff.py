"""Staff pages of meetings: the list, scheduling and changing, the overview, announce, cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roundtable.common.views import posted
from roundtable.people.permissions import Perm, may

from . import actions, metrics
from .forms import CancelForm, MeetingForm
from .models import ANNOUNCED, HELD, Attendance, Meeting, Registration, Status
from .models import RegistrationStatus as Reg
from .views_common import back, registration_counts, run, staff_communities, staff_meeting

PER_PAGE = 30


def _count(model, **filters):
    rows = model.objects.filter(meeting=OuterRef("pk"), **filters).order_by()
    return Subquery(
        rows.values("meeting").annotate(n=Count("pk")).values("n"), output_field=IntegerField()
    )


def _chosen(request, communities):
    code = request.GET.get("community") or request.POST.get("community")
    return next((c for c in communities if c.code == code), communities[0])


@login_required
def meeting_list(request):
    """The community's meetings: coming ones and drafts first, then those past."""
    communities = list(staff_communities(request.user))
    if not communities:
        return render(request, "people/no_workspace.html", status=403)
    community = _chosen(request, communities)
    meetings = (
        Meeting.objects.visible_to(request.user)
        .in_community(community)
        .select_related("station")
        .annotate(
            registered=_count(Registration, status=Reg.REGISTERED),
            present=_count(Attendance),
        )
    )
    now = timezone.now()
    coming = meetings.filter(status__in=[Status.DRAFT, *ANNOUNCED], ends_at__gt=now)
    past = meetings.exclude(pk__in=coming.values("pk")).order_by("-starts_at", "-pk")
    context = {
        "community": community,
        "communities": communities,
        "coming": coming.order_by("starts_at", "pk"),
        "page": Paginator(past, PER_PAGE).get_page(request.GET.get("page")),
        "may_schedule": _may_schedule(request.user, community),
    }
    return render(request, "meetings/work_list.html", context)


def _stations(user, community):
    """The community's stations where `user` may organise a meeting."""
    stations = list(community.stations.select_related("community", "compound__community"))
    allowed = [s.pk for s in stations if may(user, Perm.ORGANISE_MEETING, s)]
    return community.stations.filter(pk__in=allowed).order_by("name")


def _may_schedule(user, community):
    return may(user, Perm.ORGANISE_MEETING, community) or _stations(user, community).exists()


@login_required
def meeting_new(request):
    communities = [c for c in staff_communities(request.user) if _may_schedule(request.user, c)]
    if not communities:
        return render(request, "people/no_workspace.html", status=403)
    community = _chosen(request, communities)
    form = MeetingForm(
        posted(request),
        community=community,
        stations=_stations(request.user, community),
        community_wide=may(request.user, Perm.ORGANISE_MEETING, community),
    )
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        call = lambda: actions.schedule_meeting(  # noqa: E731
            community, by=request.user, draft=form.cleaned_data["draft"], **data
        )
        meeting = run(request, call, form, _("The meeting is in the calendar."))
        if meeting is not None:
            return redirect("meetings:manage", meeting.pk)
    context = {"form": form, "community": community, "communities": communities}
    return render(request, "meetings/meeting_form.html", context, status=_status(request, form))


def _status(request, form):
    return 400 if request.method == "POST" and form.errors else 200


@login_required
def meeting_edit(request, pk):
    meeting = staff_meeting(request, pk)
    stations = _stations(request.user, meeting.community)
    form = MeetingForm(
        posted(request),
        community=meeting.community,
        stations=stations,
        community_wide=may(request.user, Perm.ORGANISE_MEETING, meeting.community),
        meeting=meeting,
    )
    if request.method == "POST" and form.is_valid():
        call = lambda: actions.update_meeting(meeting, by=request.user, **form.changes())  # noqa: E731
        if run(request, call, form, _("The changes are saved.")) is not None:
            return redirect("meetings:manage", meeting.pk)
    context = {"form": form, "community": meeting.community, "meeting": meeting}
    return render(request, "meetings/meeting_form.html", context, status=_status(request, form))


@login_required
def manage(request, pk):
    """One meeting for its organisers: where it stands, what to do next, who came."""
    meeting = staff_meeting(request, pk)
    context = {
        "meeting": meeting,
        "counts": registration_counts(meeting),
        "agenda_count": meeting.agenda_items.count(),
        "attendance": _attendance(meeting),
        "started": meeting.starts_at <= timezone.now(),
        "Status": Status,
        "announced": meeting.status in ANNOUNCED,
        "held": meeting.status in HELD,
    }
    return render(request, "meetings/manage.html", context)


def _attendance(meeting):
    """Person-times, distinct participants and their make-up by role and group."""
    seen = metrics.participation(meeting.attendances.all())
    if not seen.person_times:
        return None
    community = meeting.community
    return {
        "seen": seen,
        "young": metrics.young(seen),
        "by_role": labelled_roles(metrics.by_role(community, seen)),
        "by_group": labelled_groups(metrics.by_group(community, seen)),
        "by_age": labelled_ages(metrics.by_age(seen)),
    }


def labelled_roles(counts):
    from roundtable.people.models import Role

    def label(key):
        return Role(key).label if key in Role.values else metrics.LABELS.get(key, key)

    return [(label(key), n) for key, n in counts.items() if n]


def labelled_groups(counts):
    return [(name or metrics.LABELS[metrics.NO_GROUP], n) for name, n in counts.items() if n]


def labelled_ages(counts):
    from roundtable.people import ages

    labels = {key: label for key, label, *_range in ages.BANDS} | {ages.UNKNOWN: ages.UNKNOWN_LABEL}
    return [(labels[key], n) for key, n in counts.items()]


# The status buttons of the overview: action → (the call, the message when done)
MOVES = {
    "announce": (
        actions.announce_meeting,
        gettext_lazy("Announced: residents can see it and register."),
    ),
    "hold": (actions.hold_meeting, gettext_lazy("Marked as held. Write the minutes next.")),
}


@login_required
@require_POST
def move(request, pk, action):
    meeting = staff_meeting(request, pk)
    call, success = MOVES[action]
    run(request, lambda: call(meeting, by=request.user), success=str(success))
    return back(request, "meetings:manage", meeting)


@login_required
def cancel(request, pk):
    meeting = staff_meeting(request, pk)
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        call = lambda: actions.cancel_meeting(meeting, by=request.user, reason=reason)  # noqa: E731
        if run(request, call, form, _("The meeting is cancelled; people registered are told.")):
            return redirect("meetings:manage", meeting.pk)
    if request.method == "GET" and meeting.status not in {Status.DRAFT, *ANNOUNCED}:
        messages.error(request, _("Only a meeting not yet held can be cancelled."))
        return redirect("meetings:manage", meeting.pk)
    context = {"meeting": meeting, "form": form}
    return render(request, "meetings/cancel.html", context, status=_status(request, form))
