"""Officers' poll pages: the community's polls, a draft's form, opening and closing."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roundtable.common.photos import save_photo
from roundtable.common.views import posted
from roundtable.people.permissions import Perm, buildings_in_scope, may

from . import actions, results
from .forms import CloseForm, PollForm, option_formset
from .models import Ballot, Conflict, ElectorateKind, Poll, Status
from .views_common import (
    officer_communities,
    officer_polls,
    poll_for_officer,
    require,
    run,
)

PER_PAGE = 30


def _count(model, **filters):
    rows = model.objects.filter(poll=OuterRef("pk"), **filters).order_by()
    counted = rows.values("poll").annotate(n=Count("pk")).values("n")
    return Subquery(counted, output_field=IntegerField())


@login_required
def poll_list(request):
    communities = list(officer_communities(request.user))
    if not communities:
        return render(request, "people/no_workspace.html", status=403)
    code = request.GET.get("community")
    community = next((c for c in communities if c.code == code), communities[0])
    polls = (
        officer_polls(request.user, community)
        .select_related("compound", "building__compound")
        .annotate(
            ballot_count=_count(Ballot),
            conflict_count=_count(Conflict, resolved_at__isnull=True),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(polls, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "communities": communities,
        "page": page,
        "may_create": may_create(request.user, community),
    }
    return render(request, "votes/poll_list.html", context)


def may_create(user, community):
    """Whether `user` may run a poll anywhere in `community` (the form narrows the place)."""
    places = [community, *community.compounds.all()]
    if any(may(user, Perm.RUN_POLL, place) for place in places):
        return True
    buildings = buildings_in_scope(user, Perm.RUN_POLL)
    return buildings.filter(compound__community=community).exists()


def _meetings(community):
    """The meetings a poll may be held at (the form's choice list), from settings.POLL_MEETINGS."""
    return import_string(settings.POLL_MEETINGS)(community)


@login_required
def poll_new(request):
    communities = {c.code: c for c in officer_communities(request.user)}
    community = communities.get(request.GET.get("community")) or next(
        iter(communities.values()), None
    )
    if community is None or not may_create(request.user, community):
        raise PermissionDenied(_("You may not run polls."))
    form = PollForm(
        posted(request),
        instance=_blank_poll(community),
        user=request.user,
        community=community,
        meetings=_meetings(community),
    )
    formset = option_formset(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        poll = _save(request, form, formset, create=True)
        if poll is not None:
            messages.success(request, _("The draft poll is saved. Check it, then open it."))
            return redirect("votes:detail", poll.pk)
    return _form_page(request, form, formset, community, None)


@login_required
def poll_edit(request, pk):
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.RUN_POLL, poll)
    if poll.status != Status.DRAFT:
        messages.error(request, _("Only a draft can be edited; this poll has been opened."))
        return redirect("votes:detail", poll.pk)
    options = list(poll.options.all())
    form = PollForm(
        posted(request),
        instance=poll,
        user=request.user,
        community=poll.community,
        meetings=_meetings(poll.community),
    )
    formset = option_formset(posted(request), request.FILES or None, options=options)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if _save(request, form, formset, create=False, existing=options) is not None:
            messages.success(request, _("The draft poll is saved."))
            return redirect("votes:detail", poll.pk)
    return _form_page(request, form, formset, poll.community, poll)


def _blank_poll(community):
    """A new poll's defaults: open from now for a week (Art. 278 polls: set 15 days' notice)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    return Poll(community=community, opens_at=now, closes_at=now + timedelta(days=7))


def _form_page(request, form, formset, community, poll):
    context = {"form": form, "formset": formset, "community": community, "poll": poll}
    status = 400 if request.method == "POST" else 200
    return render(request, "votes/poll_form.html", context, status=status)


def _save(request, form, formset, *, create, existing=()):
    """Store the option images, then call the action; on a refusal the images go again."""
    options, stored = _options(formset, {o.pk: o for o in existing})
    groups, fields = form.poll_fields()
    if create:
        call = lambda: actions.create_poll(  # noqa: E731
            community=form.community, by=request.user, options=options, groups=groups, **fields
        )
    else:
        poll = Poll.objects.get(pk=form.instance.pk)  # the form changed its instance already
        call = lambda: actions.update_poll(  # noqa: E731
            poll, by=request.user, options=options, groups=groups, **fields
        )
    saved = run(request, call, form)
    if saved is None:
        for path in stored:
            default_storage.delete(path)
    return saved


def _options(formset, existing):
    """The option rows as dicts for the actions, and the image files stored for them."""
    options, stored = [], []
    for data in (f.cleaned_data for f in formset.forms if f.cleaned_data.get("title")):
        image = ""
        if data["image"]:
            path, thumb = save_photo(data["image"][0], folder="votes")
            default_storage.delete(thumb)  # option images are shown whole, never as thumbnails
            image = path
            stored.append(path)
        elif data["existing"] in existing and not data["remove_image"]:
            image = existing[data["existing"]].image.name
        options.append(
            {
                "title": data["title"],
                "description": data["description"],
                "estimated_cost": data["estimated_cost"],
                "image": image,
            }
        )
    return options, stored


@login_required
def poll_detail(request, pk):
    return _detail_page(request, poll_for_officer(request.user, pk))


def _detail_page(request, poll, close_form=None):
    """The poll's page; a refused `close_form` is shown there with its errors, as typed."""
    user = request.user
    context = {
        "poll": poll,
        "options": poll.options.all(),
        "may_run": may(user, Perm.RUN_POLL, poll.scope),
        "may_enter": may(user, Perm.ENTER_BALLOTS, poll.scope),
        "turnout": results.turnout(poll) if poll.status != Status.DRAFT else None,
        "by_channel": poll.ballots.values("channel").annotate(n=Count("pk")).order_by("channel"),
        "sheets": poll.sheets.count(),
        "conflicts": poll.conflicts.unresolved().count(),
        "close_form": close_form or CloseForm(),
    }
    return render(request, "votes/poll_detail.html", context, status=400 if close_form else 200)


@login_required
@require_POST
def poll_open(request, pk):
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.RUN_POLL, poll)
    attendees = _attendees(poll)
    opened = run(request, lambda: actions.open_poll(poll, by=request.user, attendees=attendees))
    if opened is not None:
        messages.success(
            request,
            _("The poll is open: %(voters)d may vote.") % {"voters": poll.voters.count()},
        )
    return redirect("votes:detail", poll.pk)


def _attendees(poll):
    """The people checked in at the poll's meeting, for an attendees' electorate."""
    if poll.electorate_kind != ElectorateKind.ATTENDEES or poll.meeting_id is None:
        return None
    return import_string(settings.POLL_ATTENDEES)(poll.community_id, poll.meeting_id)


@login_required
@require_POST
def poll_close(request, pk):
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.RUN_POLL, poll)
    form = CloseForm(request.POST)
    if not form.is_valid():  # a reason too long: nothing closes without the reason given
        return _detail_page(request, poll, form)
    reason = form.cleaned_data["reason"]
    closed = run(request, lambda: actions.close_poll(poll, by=request.user, reason=reason))
    if closed is not None:
        messages.success(request, _("The poll is closed and its result published."))
    return redirect("votes:detail", poll.pk)
