"""What makes a ballot acceptable: the poll is taking ballots, the voter is in the electorate,
the choice fits the poll. Checks only; the writes are in actions.py.
"""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Ballot, Method, Status
from .rules import choices

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud, typed back


class BallotRefused(ValidationError):
    """A ballot that is not taken; `code` says why, the message says it to the voter."""


@dataclass(frozen=True)
class Receipt:
    """A ballot just stored and its receipt code, shown once and kept nowhere in clear."""

    ballot: Ballot
    code: str


def new_receipt_code():
    # 32 letters: each random byte picks one without bias (256 is a multiple of 32), and one
    # read of the system's randomness serves the whole code.
    raw = "".join(RECEIPT_ALPHABET[b % len(RECEIPT_ALPHABET)] for b in secrets.token_bytes(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def require_voting(poll, *, online):
    """Refuse unless ballots are taken now: online within the window; by staff until closed.

    Paper sheets handed in by the closing time are often entered after it, at the count, so
    staff may enter them until the poll is closed; every entry is audited with its time.
    """
    now = timezone.now()
    if poll.status == Status.CLOSED:
        raise BallotRefused(_("This poll has closed."), code="closed")
    if poll.status != Status.OPEN or now < poll.opens_at:
        raise BallotRefused(_("This poll has not opened yet."), code="not_open")
    if online and now >= poll.closes_at:
        raise BallotRefused(_("Voting in this poll has ended."), code="closed")


def require_no_hands(poll):
    # Hands are entered only where the poll allows them, and what allows them is fixed once the
    # poll opens: other polls need not look (one query less for every ballot).
    if poll.hands_allowed and poll.hands_counts.exists():
        raise BallotRefused(
            _("This poll was decided by a show of hands at the meeting."), code="mixed_channels"
        )


def voter_of(poll, user, chosen=None):
    """The user's row in the frozen electorate (`chosen` when they vote for several homes)."""
    if chosen is not None and user is not None and user.pk and chosen.pk:
        # Voter rows never change once the poll is open: the caller's row needs no reading
        # again, only to be the user's own in this poll.
        if chosen.poll_id == poll.pk and chosen.user_id == user.pk:
            return chosen
        raise BallotRefused(_("You are not among the voters of this poll."), code="not_voter")
    mine = list(poll.voters.filter(user=user)) if user is not None and user.pk else []
    if chosen is not None:
        mine = [v for v in mine if v.pk == chosen.pk]
    if not mine:
        raise BallotRefused(_("You are not among the voters of this poll."), code="not_voter")
    if len(mine) > 1:
        raise BallotRefused(_("Choose the home you are voting for."), code="choose_voter")
    return mine[0]


def validated(poll, choice):
    """The choice in its stored form, or BallotRefused saying what is wrong with it."""
    # A yes/no answer does not depend on the options: no query for the commonest poll.
    option_ids = (
        [] if poll.method == Method.YES_NO else list(poll.options.values_list("pk", flat=True))
    )
    try:
        clean = choices.validate(poll.method, option_ids, choice, max_choices=poll.max_choices)
    except choices.InvalidChoice as problem:
        raise BallotRefused(choice_message(problem), code="invalid_choice") from None
    return choices.to_json(poll.method, clean)


def choice_message(problem):
    """The voter's message for a choices.InvalidChoice."""
    if problem.code == "too_many":
        limit = problem.params.get("limit", 0)
        return ngettext(
            "Choose at most %(limit)d option.", "Choose at most %(limit)d options.", limit
        ) % {"limit": limit}
    messages = {
        "empty": _("Choose an answer before voting."),
        "unknown_option": _("That answer is not one of this poll's options."),
        "duplicate_option": _("An option is chosen more than once."),
        "duplicate_rank": _("Give each option a different rank."),
        "score_range": _("Scores run from %(low)d to %(high)d.")
        % {"low": choices.SCORE_MIN, "high": choices.SCORE_MAX},
    }
    return messages.get(problem.code, _("This answer does not fit the poll; please vote again."))


def hands_counts(poll, counts):
    """`counts` as {answer: hands}, checked against the options and the electorate's size."""
    option_ids = list(poll.options.values_list("pk", flat=True))
    cleaned = {}
    for answer, n in counts.items():
        try:
            key = choices.validate(poll.method, option_ids, answer)
        except choices.InvalidChoice as problem:
            raise BallotRefused(choice_message(problem), code="invalid_choice") from None
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise BallotRefused(_("Enter each count as a whole number."), code="invalid_count")
        cleaned[str(key)] = n
    if sum(cleaned.values()) > poll.electorate_heads:
        raise BallotRefused(
            _("More hands than voters: %(voters)d may vote.") % {"voters": poll.electorate_heads},
            code="too_many_hands",
        )
    return cleaned
