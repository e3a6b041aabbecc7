"""Residents' and public pages: the community's meetings, one meeting (register, agenda), the
printable agenda, the published minutes, the meeting figures and a person's own meetings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roundtable.common.dates import cn_datetime
from roundtable.people.permissions import Perm, may, may_anywhere
from roundtable.places.models import Community, Station
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.votes.models import Poll
from roundtable.votes.models import Status as PollStatus

from . import actions, ics, metrics
from .forms import PeriodForm
from .models import ANNOUNCED, HELD, Meeting, Registration, Status
from .models import RegistrationStatus as Reg
from .views_agenda import timed
from .views_common import public_meeting, registration_counts, run, versioned_community
from .views_minutes import minutes_of, resolutions_of
from .views_staff import labelled_ages, labelled_groups, labelled_roles

PER_PAGE = 20
NOT_PUBLIC = {SuggestionStatus.SUBMITTED, SuggestionStatus.INVALID, SuggestionStatus.MERGED}


def public_list(request, code):
    community = get_object_or_404(Community, code=code)
    meetings = Meeting.objects.visible_to(request.user).in_community(community)
    meetings = meetings.select_related("station")
    now = timezone.now()
    coming = meetings.filter(ends_at__gt=now).order_by("starts_at", "pk")
    past = meetings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    context = {
        "community": community,
        "coming": coming,
        "page": Paginator(past, PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "meetings/public_list.html", context)


def agenda_public(meeting):
    """The agenda is public once published, or once the meeting is held."""
    return bool(meeting.agenda_published_at) or meeting.status in HELD


def agenda_shown(meeting, user):
    """The public agenda; organisers see it always."""
    return agenda_public(meeting) or may(user, Perm.ORGANISE_MEETING, meeting.permission_place)


def agenda_items(meeting):
    items = timed(meeting, list(meeting.agenda_items.prefetch_related("suggestions")))
    for item in items:
        linked = list(item.suggestions.all())
        item.linked_count = len(linked)
        item.public_links = [s for s in linked if s.status not in NOT_PUBLIC]
    return items


# The meeting page's content is cached for everyone who sees it as the public does, keyed by the
# community's version, as the public suggestion pages are: every change the page shows (the
# meeting, its agenda, registrations, votes, minutes, the suggestions it links) is recorded in the
# audit log in its own transaction, so a change makes a new key at once, in every process. Only a
# listed meeting's page is kept, so finding it shows the meeting is visible to everyone. The
# registration card (the person's place, the forms and their CSRF tokens) and the header are
# rendered per request. Organisers, who also see drafts and unpublished agendas, get it afresh.
PAGE_CACHE_SECONDS = 600  # only frees memory


def detail(request, code, pk):
    user = request.user
    community, registration = versioned_community(code, meeting_pk=pk, user=user)
    key = (
        f"meetings:page:{community.pk}:{pk}:{community.version}:{community.version_elsewhere}:"
        f"{get_language()}"
    )
    shared = cache.get(key)
    if shared is None or _organises(user, community, shared["meeting"]):
        meeting = public_meeting(user, code, pk)
        organiser = may(user, Perm.ORGANISE_MEETING, meeting.permission_place)
        shared = _shared(meeting, registration_counts(meeting), organiser)
        if not organiser and meeting.status != Status.DRAFT:
            cache.set(key, shared, PAGE_CACHE_SECONDS)
    facts = shared["meeting"]
    context = {
        **shared,
        "community": community,
        "mine": _mine(*registration),
        "registering": facts["status"] in ANNOUNCED and timezone.now() < facts["starts_at"],
    }
    return render(request, "meetings/detail.html", context)


def _organises(user, community, facts):
    """May the person organise the meeting (and so see it otherwise than the public)?"""
    if not may_anywhere(user, Perm.ORGANISE_MEETING):
        return False  # most viewers: their station session's place need not be read
    place = community
    if facts["station_id"]:
        place = Station.objects.select_related("community", "compound__community").get(
            pk=facts["station_id"]
        )
    return may(user, Perm.ORGANISE_MEETING, place)


def _shared(meeting, counts, organiser):
    """The page as everyone who is not its organiser sees it: its top and agenda rendered (no
    request: nothing in them is the viewer's), the registration counts and the facts the rest
    of the page needs."""
    shown = organiser or agenda_public(meeting)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "organiser": organiser,
        "polls": _polls(meeting),
        "minutes": _published(meeting),
        "agenda_shown": shown,
        "items": agenda_items(meeting) if shown else [],
    }
    location = meeting.location
    summary = [meeting.get_kind_display(), cn_datetime(meeting.starts_at), location]
    return {
        "top": mark_safe(render_to_string("meetings/_detail_top.html", context)),  # noqa: S308
        "agenda": mark_safe(render_to_string("meetings/_detail_agenda.html", context)),  # noqa: S308
        "counts": {"registered": counts["registered"], "waiting": counts["waiting"]},
        "meeting": {
            "pk": meeting.pk,
            "title": meeting.title,
            "summary": " · ".join(filter(None, summary)),
            "status": meeting.status,
            "starts_at": meeting.starts_at,
            "capacity": meeting.capacity,
            "station_id": meeting.station_id,
            "open_to_all": meeting.open_to_all,
        },
    }


def _polls(meeting):
    """The votes held at the meeting (the votes app names the meeting by its id)."""
    held_here = Poll.objects.filter(meeting_id=meeting.pk, community=meeting.community_id)
    return held_here.exclude(status=PollStatus.DRAFT).order_by("-opened_at", "-pk")


def _published(meeting):
    minutes = minutes_of(meeting)
    return minutes if minutes is not None and minutes.published else None


def _mine(status, waiting_place):
    """The person's registration status, with their place on the waiting list when they wait."""
    if status is None:
        return None
    if status == Reg.WAITLISTED:
        return {"status": status, "waiting_place": waiting_place}
    return {"status": status}


@login_required
@require_POST
def register(request, code, pk):
    meeting = public_meeting(request.user, code, pk)
    registration = run(request, lambda: actions.register(meeting, by=request.user))
    if registration is not None:
        if registration.status == Reg.REGISTERED:
            messages.success(request, _("You are registered. See you at the meeting."))
        else:
            messages.warning(
                request,
                _("The meeting is full: you are on the waiting list and get an SMS if a place "
                  "becomes free."),
            )  # fmt: skip
    return redirect("meetings:detail", code, meeting.pk)


@login_required
@require_POST
def unregister(request, code, pk):
    meeting = public_meeting(request.user, code, pk)
    mine = get_object_or_404(Registration, meeting=meeting, user=request.user)
    call = lambda: actions.cancel_registration(mine, by=request.user)  # noqa: E731
    run(request, call, success=_("Your registration is cancelled."))
    return redirect("meetings:detail", code, meeting.pk)


def agenda_print(request, code, pk):
    """The agenda on A4, for the notice board and the hall."""
    meeting = public_meeting(request.user, code, pk)
    if not agenda_shown(meeting, request.user):
        raise Http404
    context = {"meeting": meeting, "community": meeting.community, "items": agenda_items(meeting)}
    return render(request, "meetings/agenda_print.html", context)


def notice(request, code, pk):
    """The approved minutes as a public notice (公示), names masked, printable on A4."""
    meeting = public_meeting(request.user, code, pk)
    minutes = _published(meeting)
    if minutes is None:
        raise Http404
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "minutes": minutes,
        "items": _with_opinions(meeting),
        "resolutions": resolutions_of(meeting),
        "seen": metrics.participation(meeting.attendances.all()),
    }
    return render(request, "meetings/notice.html", context)


def _with_opinions(meeting):
    items = meeting.agenda_items.prefetch_related("opinions__speaker")
    return timed(meeting, list(items))


def figures(request, code):
    """The meeting figures of the community, each with its definition and denominator."""
    community = get_object_or_404(Community, code=code)
    form = PeriodForm(request.GET or None)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    found = metrics.figures(community, since, until)
    held = metrics.held_meetings(community, since, until).annotate(
        present=Count("attendances", distinct=True),
        resolution_count=Count("resolutions", distinct=True),
    )
    context = {
        "community": community,
        "form": form,
        "f": found,
        "definitions": metrics.DEFINITIONS,
        "by_role": labelled_roles(found.by_role),
        "by_group": labelled_groups(found.by_group),
        "by_age": labelled_ages(found.by_age),
        "held": held.order_by("-starts_at", "-pk")[:100],
    }
    return render(request, "meetings/figures.html", context)


@login_required
def mine(request):
    """The person's meetings and the secret address of their calendar feed."""
    active = Q(status__in=[Reg.REGISTERED, Reg.WAITLISTED])
    registrations = (
        Registration.objects.filter(active, user=request.user)
        .select_related("meeting__community", "meeting__station")
        .order_by("-meeting__starts_at")[:50]
    )
    context = {"registrations": registrations, "feed_token": ics.feed_token(request.user)}
    return render(request, "meetings/mine.html", context)
