"""Voters' pages: the polls they may vote in, and the vote page (no JavaScript needed).

The receipt code is shown once, on the page after voting: until that page is shown it is kept
in a signed cookie of the voter's browser, sent to that page alone, and stored nowhere else in
clear (the server keeps only its hash). A cookie rather than the session: casting a ballot then
writes no session, which had cost every ballot a commit of its own.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from roundtable.common.views import posted
from roundtable.people.permissions import Perm, may

from . import actions
from .ballots import BallotRefused, require_voting
from .forms import BallotForm, VoteForm
from .models import Ballot, Channel, Method, Option, Poll, Status, Voter
from .views_common import is_officer, run

RECEIPT_COOKIE = "receipt"


@login_required
def my_polls(request):
    mine = Ballot.objects.filter(poll=OuterRef("pk"), voter__user=request.user)
    polls = (
        Poll.objects.filter(voters__user=request.user)
        .exclude(status=Status.DRAFT)
        .distinct()
        .select_related("community")
        .annotate(voted=Exists(mine))
        .order_by("status", "-closes_at", "-pk")[:50]
    )
    polls = list(polls)
    context = {
        "open_polls": [p for p in polls if p.status == Status.OPEN],
        "closed_polls": [p for p in polls if p.status == Status.CLOSED],
    }
    return render(request, "votes/my_polls.html", context)


@login_required
def vote(request, pk):
    polls = Poll.objects.exclude(status=Status.DRAFT)
    if request.method != "POST":  # a page shown names the poll's places: read with them
        polls = polls.select_related("community", "compound", "building__compound")
    poll = get_object_or_404(polls, pk=pk)
    state = _state(poll, _mine(poll, request.user))
    form = _form(request, poll, state)
    if request.method == "POST" and form.is_valid():
        done = run(request, lambda: _submit(poll, request.user, form, state), form)
        if done is not None:
            return _after_vote(request, poll, done)
    receipt = request.get_signed_cookie(RECEIPT_COOKIE, None, salt=_receipt_salt(poll))
    context = {
        **state,
        "poll": poll,
        "form": form,
        "show_form": request.method == "POST" or not state["blocked"],
        "receipt": receipt,
        "serial": request.GET.get("serial", "")[:30],
        "may_enter": may(request.user, Perm.ENTER_BALLOTS, poll.scope),
    }
    response = render(request, "votes/vote.html", context, status=400 if form.errors else 200)
    if RECEIPT_COOKIE in request.COOKIES:  # shown once
        response.delete_cookie(RECEIPT_COOKIE, path=request.path, samesite="Lax")
    return response


def _mine(poll, user):
    """[(voter, their ballot or None)] of the user's rows in the poll: one for each of their
    homes (mostly one). A ballot is read by its voter, whatever the statistics know of a newly
    opened poll's ballots."""
    voters = Voter.objects.filter(poll=poll, user=user).order_by("pk").prefetch_related("ballots")
    return [(voter, next(iter(voter.ballots.all()), None)) for voter in voters]


def _state(poll, mine):
    """The voter's rows and ballots in this poll, and why they cannot vote now (or None)."""
    voters = [voter for voter, _ballot in mine]
    ballots = {voter.pk: ballot for voter, ballot in mine if ballot is not None}
    for voter, ballot in mine:
        if ballot is not None:
            ballot.voter = voter
    pending = [v for v in voters if v.pk not in ballots]
    online = [v for v in voters if getattr(ballots.get(v.pk), "channel", "") == Channel.ONLINE]
    changing = not pending and poll.changeable and bool(online)
    return {
        "voters": voters,
        "ballots": [ballots[v.pk] for v in voters if v.pk in ballots],
        "changing": changing,
        "choosable": online if changing else pending,
        "blocked": _blocked(poll, voters, pending, changing),
    }


def _blocked(poll, voters, pending, changing):
    try:
        require_voting(poll, online=True)
    except BallotRefused as refusal:
        return refusal.messages[0]
    if not voters:
        return _("You are not among the voters of this poll.")
    if not pending and not changing:
        return _("You have voted in this poll.")
    return None


def _form(request, poll, state):
    # A yes/no ballot's answers are fixed: its options (if any) are not asked for.
    options = [] if poll.method == Method.YES_NO else list(poll.options.all())
    initial = {}
    if state["changing"] and len(state["choosable"]) == 1:
        ballot = next(b for b in state["ballots"] if b.voter_id == state["choosable"][0].pk)
        initial = BallotForm.initial_from(poll, ballot.choice)
    return VoteForm(
        posted(request),
        poll=poll,
        options=options,
        voters=state["choosable"],
        initial=initial,
    )


def _submit(poll, user, form, state):
    choosable, chosen = state["choosable"], form.cleaned_data.get("voter")
    # One home left to vote for (or one to change) needs no choosing.
    voter = (
        choosable[0]
        if len(choosable) == 1
        else next((v for v in choosable if v.pk == chosen), None)
    )
    if state["changing"]:
        return actions.change_ballot(poll, by=user, choice=form.chosen(), voter=voter)
    return actions.cast_ballot(poll, by=user, choice=form.chosen(), voter=voter)


def _after_vote(request, poll, done):
    response = HttpResponseRedirect(request.path)  # the vote page, showing the receipt once
    if isinstance(done, Ballot):  # a change keeps the receipt code given the first time
        messages.success(request, _("Your vote is changed. Your receipt code stays the same."))
    else:
        response.set_signed_cookie(
            RECEIPT_COOKIE,
            done.code,
            salt=_receipt_salt(poll),
            path=request.path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        messages.success(request, _("Thank you: your vote is counted."))
    return response


def _receipt_salt(poll):
    return f"votes.receipt.{poll.pk}"


def option_image(request, pk, option):
    """An option's picture: public once the poll is open, to its officers while a draft."""
    found = get_object_or_404(Option.objects.select_related("poll"), pk=option, poll_id=pk)
    poll = found.poll
    if not found.image or (poll.status == Status.DRAFT and not is_officer(request.user, poll)):
        raise Http404
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
