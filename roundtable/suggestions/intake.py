"""Receiving a suggestion through any channel: one action, whoever enters it."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.audit.log import record
from roundtable.common.photos import save_photo
from roundtable.people.models import User
from roundtable.people.permissions import Perm, acting_role, may

from . import duplicates, messages, sql, summaries
from .models import Category, Channel, Photo, PhotoKind, ReferenceCounter, Step, Suggestion
from .similarity import suggest_category

MAX_TEXT = 2000
MAX_PER_HOUR = 20


def next_reference(community, year):
    """LF-2026-000123: the community's code, the year and a number counted per year.

    Called outside a transaction (a resident's submission), the number is taken by one statement
    that commits at once, so the counter row is locked for that statement only: held until the
    submission commits, it queued every submission of the community behind the slowest one. The
    price is that a submission failing after this leaves its number unused.
    """
    return f"{community.code.upper()}-{year}-{_count(community, year):06d}"


def _count(community, year):
    number = sql.add_one(community.pk, year)
    if number is None:  # the community's first suggestion of the year
        ReferenceCounter.objects.get_or_create(community=community, year=year)
        return _count(community, year)
    return number


def _check_text(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write what the matter is."))
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("Write at most %(max)s characters (now %(n)s).") % {"max": MAX_TEXT, "n": len(text)}
        )
    return text


def check_rate(submitter):
    """Refuse a resident's online suggestion past MAX_PER_HOUR in the last hour.

    One indexed count: pages call it before reading a form's photos, so a resident over the limit
    costs no decoding; submit_suggestion counts again under a lock on the resident, so
    simultaneous posts cannot all pass a count taken before any of them was stored.
    """
    since = timezone.now() - timedelta(hours=1)
    recent = Suggestion.objects.filter(submitter=submitter, submitted_at__gte=since).count()
    if recent >= MAX_PER_HOUR:
        raise ValidationError(
            _("You sent %(n)s suggestions in the last hour; please wait a while.") % {"n": recent}
        )


def already_submitted(by, key):
    """The suggestion `by` posted with this form key (common/idempotency.py) before, or None."""
    if not key or by is None:
        return None
    posted = Q(entered_by=by) | Q(entered_by=None, submitter=by)
    return Suggestion.objects.filter(posted, idempotency_key=key).first()


def _locked_checks(by, submitter, channel, key):
    """In the inserting transaction: lock the person posting, then return what their key already
    made, or check the hourly limit against every committed submission of theirs.

    The lock (FOR NO KEY UPDATE on their user row, held until commit) queues only that person's
    own posts; rows referring to them (sessions, events) can still be written meanwhile.
    """
    online = channel == Channel.ONLINE and submitter is not None
    person = submitter if online else (by if key else None)
    if person is None:
        return None
    list(User.objects.select_for_update(no_key=True).filter(pk=person.pk).values_list("pk"))
    existing = already_submitted(by, key)
    if existing is None and online:
        check_rate(submitter)
    return existing


def _check_entry(by, submitter, channel, place):
    """Residents submit their own online; staff enter paper and hotline ones for others."""
    if channel == Channel.ONLINE:
        if by is None or by != submitter:
            raise PermissionDenied(_("Residents submit online suggestions themselves."))
        return "resident"
    if by is None:
        return "system"
    if not may(by, Perm.ENTER_SLIPS, place):
        raise PermissionDenied(_("You may not enter suggestions here."))
    return acting_role(by, Perm.ENTER_SLIPS, place)


def _places(community, home, building, compound):
    """Fill in the coarser places from the finer one given, and the grid from the building."""
    if home is not None:
        building = home.unit.building
    if building is not None:
        compound = building.compound
    for place in (compound,):
        if place is not None and place.community_id != community.pk:
            raise ValidationError(_("The place is not in this community."))
    grid = None
    if building is not None:
        grid = building.grids.order_by("pk").values_list("pk", flat=True).first()
    return {"home": home, "building": building, "compound": compound, "grid_id": grid}


def _suggested_category(community, text):
    """The id of the community's category for the text: the finest of the code found and its
    top-level one (the community may have only that), or None."""
    found = suggest_category(text)
    if not found:
        return None
    code = found[0]
    categories = Category.objects.filter(community=community, code__in=[code, code[:2]])
    return categories.order_by(Length("code").desc()).values_list("pk", flat=True).first()


def submit_suggestion(
    *,
    community,
    text,
    channel,
    by,
    submitter=None,
    home=None,
    building=None,
    compound=None,
    station=None,
    category=None,
    show_name=False,
    photos_public=False,
    urgent=False,
    photos=(),
    slip_photo=None,
    hotline_number="",
    submitted_at=None,
    idempotency_key="",
):
    """Receive one suggestion; the submitter gets a reference and an acknowledgement.

    Posted again with the same idempotency_key by the same person, it returns the suggestion the
    first post made and stores nothing.
    """
    text = _check_text(text)
    places = _places(community, home, building, compound)
    role = _check_entry(
        by, submitter, channel, places["building"] or places["compound"] or community
    )
    # Both checked again under the lock below; here they spare a reference number when refused.
    existing = already_submitted(by, idempotency_key)
    if existing is not None:
        return existing
    if submitter is not None and channel == Channel.ONLINE:
        check_rate(submitter)
    when = submitted_at or timezone.now()
    suggested = _suggested_category(community, text)
    reference = next_reference(community, timezone.localtime(when).year)
    with transaction.atomic():
        existing = _locked_checks(by, submitter, channel, idempotency_key)
        if existing is not None:
            return existing
        suggestion = Suggestion.objects.create(
            community=community,
            reference=reference,
            channel=channel,
            text=text,
            submitter=submitter,
            entered_by=by if by != submitter else None,
            show_name=show_name,
            station=station,
            category=category,
            urgent=urgent,
            suggested_category_id=suggested,
            hotline_number=hotline_number,
            submitted_at=when,
            idempotency_key=idempotency_key,
            **places,
        )
        step = Step.objects.create(
            suggestion=suggestion,
            kind="submitted",
            to_status="submitted",
            actor=by,
            role=role,
            created_at=when,
        )
        _attach(suggestion, step, photos, PhotoKind.SUBMISSION, public=photos_public)
        _attach(suggestion, step, [slip_photo] if slip_photo else [], PhotoKind.SLIP, public=False)
        duplicates.remember(suggestion)  # what lookups read of its text, worked out once
        summaries.count_new(suggestion)  # its month's figures recounted by a task, if this commits
        record(
            suggestion,
            "suggestion.submitted",
            by=by,
            role=role,
            community=community,
            channel=channel,
        )
        transaction.on_commit(lambda: messages.after_step(step))
    return suggestion


def _attach(suggestion, step, photos, kind, *, public):
    """Store cleaned photos (EXIF already stripped) against a step."""
    for photo in photos:
        image, thumbnail = save_photo(photo, folder=f"suggestions/{suggestion.reference}")
        Photo.objects.create(
            suggestion=suggestion,
            step=step,
            kind=kind,
            image=image,
            thumbnail=thumbnail,
            public=public,
        )
