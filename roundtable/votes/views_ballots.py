"""Officers' ballot pages: numbered paper sheets, paper ballot entry, show-of-hands counts and
the conflicts a second ballot leaves for the poll's officers."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roundtable.common.views import posted
from roundtable.people.permissions import Perm, may

from . import actions
from .forms import HandsForm, PaperBallotForm, ResolveForm
from .views_common import poll_for_officer, require, run


@login_required
def sheets(request, pk):
    """Issue the numbered sheets (the only time their receipt codes exist) and print them."""
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.RUN_POLL, poll)
    if request.method == "POST":
        issued = run(request, lambda: actions.issue_ballot_sheets(poll, by=request.user))
        if issued:
            return _printed(request, poll, issued)
        if issued is not None:
            messages.info(request, _("Every voter already has a ballot sheet."))
        return redirect("votes:sheets", poll.pk)
    if request.GET.get("reprint"):
        issued = [(sheet, None) for sheet in poll.sheets.select_related("voter")]
        return _printed(request, poll, issued)
    context = {
        "poll": poll,
        "issued": poll.sheets.count(),
        "voters": poll.voters.count(),
        "paper_only": poll.voters.filter(user__isnull=True).count(),
    }
    return render(request, "votes/sheets.html", context)


def _printed(request, poll, issued):
    options = list(poll.options.all())
    sheets = [
        {"sheet": sheet, "code": code, "qr": qr_svg(_vote_url(request, poll, sheet), sheet.serial)}
        for sheet, code in issued
    ]
    context = {
        "poll": poll,
        "options": options,
        "limit": poll.max_choices or len(options),
        "sheets": sheets,
        "with_codes": bool(issued and issued[0][1]),
    }
    response = render(request, "votes/sheets_print.html", context)
    response["Cache-Control"] = "no-store"  # the receipt codes must not stay in any cache
    return response


def _vote_url(request, poll, sheet):
    """The poll's vote page for this sheet: a voter finds the poll, an officer the entry form."""
    query = urlencode({"serial": sheet.serial})
    return request.build_absolute_uri(f"{reverse('votes:vote', args=[poll.pk])}?{query}")


def qr_svg(url, title):
    """`url` as an inline SVG QR code (scalable, prints sharp, no image request)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, omitsize=True, title=title)
    return mark_safe(svg)  # segno writes the markup and escapes the title


@login_required
def paper(request, pk):
    """Enter paper ballots one after another; a refusal keeps what was typed."""
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.ENTER_BALLOTS, poll)
    options = list(poll.options.all())
    initial = {"serial": request.GET.get("serial", "")}
    form = PaperBallotForm(posted(request), poll=poll, options=options, initial=initial)
    if request.method == "POST" and form.is_valid():
        call = lambda: actions.enter_paper_ballot(  # noqa: E731
            poll, serial=form.cleaned_data["serial"], choice=form.chosen(), by=request.user
        )
        ballot = run(request, call, form)
        if ballot is not None:
            messages.success(
                request, _("Ballot sheet %(serial)s is entered.") % {"serial": ballot.paper_serial}
            )
            return redirect("votes:paper", poll.pk)
    context = {"poll": poll, "form": form, "entered": poll.ballots.exclude(paper_serial="").count()}
    return render(request, "votes/paper.html", context, status=400 if form.errors else 200)


@login_required
def hands(request, pk):
    """The raised hands per answer at the meeting, entered as totals."""
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.ENTER_BALLOTS, poll)
    options = list(poll.options.all())
    current = {f"hands_{h.answer}": h.count for h in poll.hands_counts.all()}
    form = HandsForm(posted(request), poll=poll, options=options, initial=current)
    if request.method == "POST" and form.is_valid():
        call = lambda: actions.enter_hands_count(  # noqa: E731
            poll, counts=form.counts(), by=request.user
        )
        if run(request, call, form) is not None:
            messages.success(request, _("The show of hands is entered."))
            return redirect("votes:detail", poll.pk)
    context = {"poll": poll, "form": form}
    return render(request, "votes/hands.html", context, status=400 if form.errors else 200)


@login_required
def conflicts(request, pk):
    """Second ballots that were refused, for the officers to look into and settle."""
    return _conflicts_page(request, poll_for_officer(request.user, pk))


def _conflicts_page(request, poll, form=None, failed=None):
    """The conflicts page; `form` refused for the conflict `failed` is shown there as typed."""
    rows = list(
        poll.conflicts.select_related("voter", "resolved_by").order_by(
            "resolved_at", "-attempted_at"
        )
    )
    counted = {b.voter_id: b for b in poll.ballots.filter(voter__in={c.voter_id for c in rows})}
    for row in rows:
        row.counted = counted.get(row.voter_id)  # the ballot that stands, on its channel
    context = {
        "poll": poll,
        "conflicts": rows,
        "may_resolve": may(request.user, Perm.RUN_POLL, poll.scope),
        "form": form or ResolveForm(),
        "failed": failed,
    }
    return render(request, "votes/conflicts.html", context, status=400 if failed else 200)


@login_required
@require_POST
def resolve(request, pk, conflict):
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.RUN_POLL, poll)
    found = get_object_or_404(poll.conflicts, pk=conflict)
    form = ResolveForm(request.POST)
    if not form.is_valid():  # empty (its message asks for it), or too long: shown as typed
        return _conflicts_page(request, poll, form, failed=found.pk)
    resolution = form.cleaned_data["resolution"]
    call = lambda: actions.resolve_conflict(found, by=request.user, resolution=resolution)  # noqa: E731
    if run(request, call) is not None:
        messages.success(request, _("The conflict is settled."))
    return redirect("votes:conflicts", poll.pk)
