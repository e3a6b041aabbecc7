"""Public poll pages, no login: the community's polls, a poll's result, its printable public
notice (公示) and the live page for the meeting hall's screen.

While a poll is open they show only what its visibility allows (results.shown_now); once it
closes, the full result. Names are never shown: voters appear as their homes or masked names.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from roundtable.common.masking import mask_text
from roundtable.places.models import Community

from .forms import ReceiptForm
from .models import Poll, Status, receipt_hash
from .results import receipt_hashes, shown_now
from .rules.disclosure import MIN_BALLOTS
from .views_ballots import qr_svg
from .views_common import public_poll
from .views_results import choice_text, presented, titles_of

PER_PAGE = 30
LIVE_REFRESH_SECONDS = 2
HASHES_SHOWN = 500


def community_polls(request, code):
    community = get_object_or_404(Community, code=code)
    polls = (
        Poll.objects.filter(community=community)
        .exclude(status=Status.DRAFT)
        .select_related("compound", "building__compound")
        .order_by("-status", "-closes_at", "-pk")  # open before closed
    )
    page = Paginator(polls, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "votes/public_list.html", {"community": community, "page": page})


def _context(poll):
    options = list(poll.options.all())
    return {
        "poll": poll,
        "community": poll.community,
        "options": options,
        "closed": poll.status == Status.CLOSED,
        "view": presented(poll, shown_now(poll), options),
    }


def results(request, code, pk):
    poll = public_poll(code, pk)
    context = _context(poll) | {"receipt": _receipt_check(request, poll)}
    if poll.status == Status.CLOSED:
        hashes = receipt_hashes(poll)
        shown = hashes if len(hashes) <= HASHES_SHOWN else []  # longer lists: the download
        context |= {"hash_count": len(hashes), "hashes": shown, "min_ballots": MIN_BALLOTS}
    return render(request, "votes/results.html", context)


def _receipt_check(request, poll):
    """A voter's code checked against the counted ballots: ({form}, found or None)."""
    form = ReceiptForm(request.GET if "code" in request.GET else None)
    found = None
    if form.is_valid():
        digest = receipt_hash(poll.pk, form.cleaned_data["code"])
        found = poll.ballots.filter(receipt_hash=digest).exists()
    return {"form": form, "found": found}


def notice(request, code, pk):
    """The printable public notice (公示) of a closed poll's result."""
    poll = public_poll(code, pk)
    if poll.status != Status.CLOSED:
        raise Http404
    url = request.build_absolute_uri(reverse("votes:results", args=[code, pk]))
    context = _context(poll)
    context |= {
        "printed_on": timezone.now(),
        "qr": qr_svg(url, title=mask_text(poll.question)),
        "results_url": url,
        "ballots": _open_ballots(poll, titles_of(poll, context["options"])),
    }
    return render(request, "votes/notice.html", context)


def _open_ballots(poll, titles):
    """Who chose what, in an open (not secret) poll: homes or masked names, never names."""
    if poll.secret:
        return []
    ballots = poll.ballots.select_related("voter").order_by("voter__label", "pk")
    return [
        {
            "label": b.voter.label,
            "area": b.voter.area,
            "channel": b.get_channel_display(),
            "choice": choice_text(poll.method, b.choice, titles),
        }
        for b in ballots
    ]


def live(request, code, pk):
    poll = public_poll(code, pk)
    context = _context(poll) | {"refresh": LIVE_REFRESH_SECONDS, "step": MIN_BALLOTS}
    return render(request, "votes/live.html", context)


def live_panel(request, code, pk):
    """The live page's figures alone, fetched every few seconds by htmx."""
    poll = public_poll(code, pk)
    context = _context(poll) | {"refresh": LIVE_REFRESH_SECONDS, "step": MIN_BALLOTS}
    response = render(request, "votes/_live_panel.html", context)
    response["Cache-Control"] = "no-store"
    return response
