"""Every change to a poll: one action per row of models.TRANSITIONS.

Officers' actions check RUN_POLL or ENTER_BALLOTS in the poll's place and raise PermissionDenied
when it is missing, InvalidTransition when the poll's status does not allow the step. Ballot
actions raise BallotRefused (a ValidationError with a `code` and a message for the voter); a
refusal changes nothing, except that a second ballot on another channel is kept as a Conflict
for the officers and the refusal is written to the audit log.

Ballots hold a share lock on the poll row until they commit, and closing takes the row lock: a
ballot being cast finishes before the poll closes, and one cast after it sees the poll closed.
One ballot per voter and per paper serial are unique constraints, so of simultaneous attempts
exactly one is stored.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.audit.log import record
from roundtable.common.actions import InvalidTransition
from roundtable.people.permissions import acting_role, may
from roundtable.places.models import Community

from . import ballots, electorate, results, sql
from .ballots import BallotRefused, Receipt
from .models import (
    TRANSITIONS,
    VOTER,
    Ballot,
    BallotSheet,
    Channel,
    Conflict,
    ElectorateKind,
    HandsCount,
    Method,
    Option,
    Poll,
    Status,
    receipt_hash,
)

EDITABLE = {
    "compound", "building", "subject_kind", "subject_id", "meeting_id", "question",
    "description", "method", "max_choices", "opens_at", "closes_at", "secret", "changeable",
    "visibility", "electorate_kind", "rule", "non_voter_policy", "policy_clause", "quorum",
    "threshold", "advisory",
}  # fmt: skip


# Officers: the poll itself


@transaction.atomic
def create_poll(*, community, by, options=(), groups=(), **fields):
    """A draft poll in `community` (or one compound or building of it, given in `fields`)."""
    _check_fields(fields)
    poll = Poll(community=community, created_by=by, **fields)
    _require_may(by, "update", poll)
    poll.full_clean()
    _check_groups(poll, groups)
    poll.save()
    poll.groups.set(groups)
    _set_options(poll, options)
    _record(poll, "votes.poll_created", by, "update", question=poll.question)
    return poll


@transaction.atomic
def update_poll(poll, *, by, options=None, groups=None, **fields):
    """Change a draft poll; `options` and `groups`, when given, replace the present ones."""
    _check_fields(fields)
    current = _locked(poll, "update", by=by)
    for name, value in fields.items():
        setattr(current, name, value)
    _require_may(by, "update", current)  # the new place too, when it moved
    current.full_clean()
    current.save()
    if groups is not None:
        _check_groups(current, groups)
        current.groups.set(groups)
    if options is not None:
        current.options.all().delete()
        _set_options(current, options)
    _record(current, "votes.poll_updated", by, "update", fields=sorted(fields))
    return _refresh(poll, current)


@transaction.atomic
def open_poll(poll, *, by, attendees=None):
    """Open the poll and freeze its electorate; `attendees` are the voters of an attendees poll."""
    current = _locked(poll, "open", by=by)
    now = timezone.now()
    if current.closes_at <= now:
        raise ValidationError(_("Its closing time has passed; set a new one before opening."))
    _check_ready(current)
    frozen = electorate.freeze(current, attendees=attendees)
    current.status, current.opened_at = Status.OPEN, now
    current.save()
    _record(
        current,
        "votes.poll_opened",
        by,
        "open",
        voters=len(frozen.voters),
        heads=current.electorate_heads,
        area=str(current.electorate_area),
        homes_without_area=frozen.homes_without_area,
    )
    return _refresh(poll, current)


@transaction.atomic
def close_poll(poll, *, by, reason=""):
    """Close the poll and store its final result; before closing time only with a reason.

    `by=None` is the scheduled close, allowed once the closing time has passed.
    """
    now = timezone.now()
    if by is None:
        current = Poll.objects.select_for_update().get(pk=poll.pk)
        if current.status != Status.OPEN or now < current.closes_at:
            raise InvalidTransition(current.status, "close")
    else:
        current = _locked(poll, "close", by=by)
        if now < current.closes_at and not reason.strip():
            raise ValidationError(_("Say why the poll closes before its closing time."))
    current.status, current.closed_at = Status.CLOSED, now
    current.close_reason = reason.strip() if now < current.closes_at else ""
    current.result = results.final(current)
    current.save()
    published = results.digests(current)
    _record(current, "votes.poll_closed", by, "close", reason=current.close_reason, **published)
    return _refresh(poll, current)


@transaction.atomic
def issue_ballot_sheets(poll, *, by, voters=None):
    """Numbered paper sheets for `voters` (default: every voter without one): [(sheet, code)]."""
    current = _locked(poll, "issue_sheets", by=by)
    pending = current.voters.exclude(sheets__isnull=False)
    if voters is not None:
        pending = pending.filter(pk__in=[v.pk for v in voters])
    start = current.sheets.count() + 1
    issued = []
    for number, voter in enumerate(pending.order_by("pk"), start=start):
        code = ballots.new_receipt_code()
        sheet = BallotSheet(
            poll=current,
            serial=f"{current.pk}-{number:05d}",
            voter=voter,
            receipt_hash=receipt_hash(current.pk, code),
        )
        issued.append((sheet, code))
    BallotSheet.objects.bulk_create([sheet for sheet, _code in issued])
    _record(current, "votes.sheets_issued", by, "issue_sheets", sheets=len(issued))
    return issued


@transaction.atomic
def resolve_conflict(conflict, *, by, resolution):
    """Write down how the poll's officers settled a conflicting second ballot."""
    _locked(conflict.poll, "resolve_conflict", by=by)
    if not resolution.strip():
        raise ValidationError(_("Write down how the conflict was settled."))
    settled = Conflict.objects.filter(pk=conflict.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by, resolution=resolution.strip()
    )
    if settled != 1:
        raise ValidationError(_("This conflict has already been settled."))
    conflict.refresh_from_db()
    _record(conflict, "votes.conflict_resolved", by, "resolve_conflict", poll=conflict.poll_id)
    return conflict


# Voters: online ballots


# A refusal that leaves a trace (a conflict, a repeated serial) is returned by the inner,
# atomic function rather than raised, so that its transaction commits the trace; the outer
# function then raises it.


def cast_ballot(poll, *, by, choice, voter=None):
    """The voter's own online ballot; returns the Receipt whose code is shown once."""
    outcome = _cast(poll, by=by, choice=choice, voter=voter)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@transaction.atomic
def _cast(poll, *, by, choice, voter):
    current = _held(poll)
    ballots.require_voting(current, online=True)
    ballots.require_no_hands(current)
    voter = ballots.voter_of(current, by, voter)
    normalised = ballots.validated(current, choice)
    code = ballots.new_receipt_code()
    ballot = Ballot.weighed(
        poll=current,
        voter=voter,
        channel=Channel.ONLINE,
        choice=normalised,
        receipt_hash=receipt_hash(current.pk, code),
    )
    refused = _store(ballot, by=by)
    if refused:
        return refused
    _record_ballot(ballot, "votes.ballot_cast", by, "cast")
    return Receipt(ballot, code)


@transaction.atomic
def change_ballot(poll, *, by, choice, voter=None):
    """Replace the voter's own online ballot, where the poll allows changes before closing."""
    current = _held(poll)
    ballots.require_voting(current, online=True)
    if not current.changeable:
        raise BallotRefused(_("Votes in this poll cannot be changed."), code="not_changeable")
    voter = ballots.voter_of(current, by, voter)
    ballot = Ballot.objects.select_for_update().filter(poll=current, voter=voter).first()
    if ballot is None or ballot.channel != Channel.ONLINE:
        raise BallotRefused(_("There is no online vote of yours to change."), code="no_ballot")
    ballot.choice, ballot.changed_at = ballots.validated(current, choice), timezone.now()
    ballot.save(update_fields=["choice", "changed_at"])
    _record_ballot(ballot, "votes.ballot_changed", by, "change")
    return ballot


# Staff: paper ballots and show-of-hands counts


def enter_paper_ballot(poll, *, serial, choice, by):
    """A paper ballot from numbered sheet `serial`, entered by staff; returns the Ballot."""
    outcome = _enter_paper(poll, serial=serial, choice=choice, by=by)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@transaction.atomic
def _enter_paper(poll, *, serial, choice, by):
    _require_may(by, "enter_paper", poll)
    current = _held(poll)
    ballots.require_voting(current, online=False)
    ballots.require_no_hands(current)
    serial = serial.strip().upper()
    sheet = BallotSheet.objects.filter(poll=current, serial=serial).select_related("voter").first()
    if sheet is None:
        raise BallotRefused(
            _("No ballot sheet %(serial)s was issued for this poll.") % {"serial": serial},
            code="unknown_serial",
        )
    ballot = Ballot.weighed(
        poll=current,
        voter=sheet.voter,
        channel=Channel.PAPER,
        choice=ballots.validated(current, choice),
        entered_by=by,
        paper_serial=serial,
        receipt_hash=sheet.receipt_hash,
    )
    refused = _store(ballot, by=by)
    if refused:
        return refused
    _record_ballot(ballot, "votes.paper_ballot_entered", by, "enter_paper", serial=serial)
    return ballot


@transaction.atomic
def enter_hands_count(poll, *, counts, by):
    """The raised hands for each answer at a meeting, replacing any count entered before."""
    _require_may(by, "enter_hands", poll)
    current = _held(poll)
    ballots.require_voting(current, online=False)
    if not current.hands_allowed:
        raise BallotRefused(
            _(
                "Only open, unweighted yes/no or one-option polls held at a meeting "
                "take a show of hands."
            ),
            code="hands_not_allowed",
        )
    if current.ballots.exists():
        raise BallotRefused(
            _(
                "This poll already has individual ballots; "
                "a show of hands would count people twice."
            ),
            code="mixed_channels",
        )
    cleaned = ballots.hands_counts(current, counts)
    HandsCount.objects.filter(poll=current).delete()
    HandsCount.objects.bulk_create(
        HandsCount(poll=current, answer=answer, count=n, entered_by=by)
        for answer, n in cleaned.items()
    )
    _record(current, "votes.hands_entered", by, "enter_hands", counts=cleaned)
    return list(current.hands_counts.all())


# Helpers


def _check_fields(fields):
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")


def _check_groups(poll, groups):
    if any(group.community_id != poll.community_id for group in groups):
        raise ValidationError(_("Choose constituency groups of this community."))


def _require_may(user, action, poll):
    permission = TRANSITIONS[action].permission
    if not may(user, permission, poll.scope):
        raise PermissionDenied(_("You may not do this in this poll."))


def _locked(poll, action, *, by):
    """`poll` read again under its row lock, after checking permission and status."""
    _require_may(by, action, poll)
    current = Poll.objects.select_for_update().get(pk=poll.pk)
    if current.status not in TRANSITIONS[action].sources:
        raise InvalidTransition(current.status, action)
    return current


def _held(poll):
    """`poll` read again under a share lock, so it cannot close until this ballot commits."""
    current = sql.held_poll(poll.pk)
    # A poll never moves to another community: the caller's saves reading it again.
    if Poll.community.is_cached(poll) and poll.community_id == current.community_id:
        current.community = poll.community
    return current


def _refresh(poll, current):
    """Bring the caller's instance up to date with the one saved under the lock."""
    poll.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return poll


def _store(ballot, *, by):
    """Insert `ballot`; on a repeated voter or serial, the refusal to raise (None when stored).

    The unique constraints decide, and of simultaneous attempts exactly one row goes in; the
    others' inserts fail in their savepoint, and the transaction goes on to record why.
    """
    try:
        with transaction.atomic():
            ballot.save(force_insert=True)
    except IntegrityError:
        return _refusal(ballot, by=by)
    return None


def _refusal(ballot, *, by):
    if (
        ballot.paper_serial
        and Ballot.objects.filter(poll=ballot.poll, paper_serial=ballot.paper_serial).exists()
    ):
        _record(ballot.poll, "votes.serial_repeated", by, "enter_paper", serial=ballot.paper_serial)
        return BallotRefused(
            _("Ballot sheet %(serial)s has already been entered.")
            % {"serial": ballot.paper_serial},
            code="serial_repeated",
        )
    existing = Ballot.objects.get(poll=ballot.poll, voter=ballot.voter)
    if existing.channel == ballot.channel:
        return BallotRefused(_("A vote has already been cast for you."), code="already_voted")
    conflict = Conflict.objects.create(
        poll=ballot.poll,
        voter=ballot.voter,
        channel=ballot.channel,
        paper_serial=ballot.paper_serial,
        attempted_by=by if by is not None and by.pk else None,
        detail=_("Already voted by %(channel)s.") % {"channel": existing.get_channel_display()},
    )
    step = "cast" if ballot.channel == Channel.ONLINE else "enter_paper"
    _record(conflict, "votes.conflict_found", by, step, poll=ballot.poll_id,
            channel=ballot.channel, counted=existing.channel)  # fmt: skip
    return BallotRefused(
        _("A vote was already cast for this voter by %(channel)s; this one is not counted "
          "and the poll's officers will look into it.")
        % {"channel": existing.get_channel_display()},
        code="conflict",
    )  # fmt: skip


def _check_ready(poll):
    """Refuse to open a poll whose options do not fit its method or whose groups are missing."""
    options = poll.options.count()
    if poll.method != Method.YES_NO and options < 2:
        raise ValidationError(_("Give the poll at least two options."))
    if poll.max_choices and poll.max_choices > max(options, 1):
        raise ValidationError(_("It cannot allow more choices than it has options."))
    if poll.electorate_kind == ElectorateKind.GROUP_MEMBERS and not poll.groups.exists():
        raise ValidationError(_("Choose the constituency groups who vote."))


def _set_options(poll, options):
    """Create the poll's options from dicts of title, description, estimated_cost, image."""
    rows = [Option(poll=poll, order=i, **dict(option)) for i, option in enumerate(options)]
    for row in rows:
        row.full_clean(exclude=["poll"])
    Option.objects.bulk_create(rows)


def _record(obj, action, by, step, **details):
    permission = TRANSITIONS[step].permission
    poll = obj if isinstance(obj, Poll) else obj.poll
    if by is None:
        role = "system"
    elif permission == VOTER:
        role = "voter"
    else:
        role = acting_role(by, permission, poll.scope)
    # The log keeps the community's id, which the poll has without loading the community.
    community = Community(pk=poll.community_id)
    record(obj, action, by=by, role=role, community=community, **details)


def _record_ballot(ballot, action, by, step, **details):
    """Audit a ballot by its receipt hash and channel; never its choice, even when open."""
    _record(
        ballot,
        action,
        by,
        step,
        poll=ballot.poll_id,
        channel=ballot.channel,
        receipt_hash=ballot.receipt_hash,
        **details,
    )
