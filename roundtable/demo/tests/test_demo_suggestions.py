"""loaddemo's suggestions reproduce the case's figures, each made by the real actions in time."""

import io
import random
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from roundtable.audit.log import verify_chain
from roundtable.audit.models import Event
from roundtable.demo.clock import demo_clock
from roundtable.demo.meetings import TAKEN
from roundtable.demo.suggestions import SEED, SMALL_LIVELIHOOD, _Demo
from roundtable.notifications.models import Notification
from roundtable.people.models import OrganisationKind, Role, RoleAssignment
from roundtable.suggestions.models import TRANSITIONS, Channel, Rating, Status, Step, Suggestion


@pytest.fixture
def suggestions(lf):
    return Suggestion.objects.filter(community=lf)


def test_the_public_figures_are_the_cases(suggestions):
    assert suggestions.count() == 217
    assert suggestions.valid().count() == 164
    assert suggestions.responded().count() == 142
    assert round(100 * 142 / 164) == 87


def test_the_third_grid_collected_71(suggestions):
    assert suggestions.filter(grid__name="第三网格").count() == 71
    assert suggestions.filter(grid=None).count() == 0


def test_34_small_livelihood_items_were_resolved(suggestions):
    small = suggestions.resolved().filter(category__code__in=SMALL_LIVELIHOOD)
    assert small.count() == 34
    assert set(small.values_list("category__name", flat=True)) >= {"楼道杂物", "宠物扰民", "乱停车"}


def test_sun_ayis_playground_flooring_is_the_first_and_was_fixed_in_15_days(suggestions):
    first = suggestions.order_by("submitted_at").first()
    year = timezone.localtime(first.submitted_at).year
    assert first.reference == f"LF-{year}-000001"
    assert (first.submitter.name, first.submitter.phone) == ("孙阿姨", "13900000001")
    assert str(first.home) and first.home.room == "301" and first.compound.name == "J5"
    assert "地胶" in first.text and first.category.code == "05.06"
    assert first.channel == Channel.GRID_BOX and first.entered_by.name == "小王"
    assert first.owner.kind == OrganisationKind.PROPERTY_COMPANY
    accept = first.steps.get(kind="accept")
    assert accept.actor.name == "谢经理"
    dispatched = timezone.localtime(first.dispatched_at)
    assert timezone.localtime(first.accepted_at).date() == dispatched.date()
    assert timezone.localtime(first.accepted_at).hour >= 18  # the same evening, on site
    assert first.responded_at - first.accepted_at == timedelta(days=15)
    assert (first.status, first.rating) == (Status.CLOSED, Rating.SATISFIED)


def test_xie_is_property_staff_of_the_property_company(lf):
    xie = RoleAssignment.objects.get(user__phone="13800000003")
    assert xie.role == Role.PROPERTY_STAFF
    assert xie.organisation.kind == OrganisationKind.PROPERTY_COMPANY


def test_every_history_is_a_chain_of_steps_the_transition_table_allows(suggestions):
    steps = {}
    for step in Step.objects.filter(suggestion__in=suggestions).order_by("created_at", "id"):
        steps.setdefault(step.suggestion_id, []).append(step)
    now = timezone.now()
    for s in suggestions:
        history = steps[s.pk]
        assert (history[0].kind, history[0].to_status) == ("submitted", Status.SUBMITTED)
        assert history[0].created_at == s.submitted_at
        status = Status.SUBMITTED
        for step in history[1:]:
            move = TRANSITIONS[step.kind]
            assert step.from_status == status, (s.reference, step.kind)
            assert step.from_status in move.sources, (s.reference, step.kind)
            if step.kind != "rate":
                assert step.to_status == (move.target or step.from_status), s.reference
            status = step.to_status
        assert status == s.status, s.reference
        times = [step.created_at for step in history]
        assert times == sorted(times) and times[-1] < now, s.reference


def test_timestamps_agree_with_the_steps(suggestions):
    for s in suggestions.prefetch_related("steps"):
        kinds = {step.kind: step.created_at for step in s.steps.all()}
        assert (s.responded_at is not None) == ("respond" in kinds or "answer" in kinds)
        if "accept" in kinds:
            assert s.accepted_at == kinds["accept"]
        if s.status == Status.CLOSED and s.channel == Channel.MEETING:
            # A meeting's action item has no resident to rate it: the system closes it.
            assert s.closed_at == kinds["auto_close"] and not s.rating
        elif s.status == Status.CLOSED:
            assert s.closed_at == kinds["rate"] and s.rating


def test_53_were_not_accepted_or_merged_into_a_valid_one(suggestions):
    assert suggestions.filter(status=Status.INVALID).exclude(invalid_reason="").count() == 31
    merged = suggestions.filter(status=Status.MERGED)
    assert merged.count() == 22
    for s in merged.select_related("merged_into"):
        assert s.merged_into.status not in (Status.INVALID, Status.MERGED)
        assert s.merged_into.submitted_at < s.submitted_at


def test_the_22_open_ones_stand_at_every_stage_and_one_is_supervised(suggestions):
    waiting = suggestions.valid().filter(responded_at=None)
    assert waiting.count() == 22
    statuses = set(waiting.values_list("status", flat=True))
    assert statuses >= {
        Status.SUBMITTED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.DELIBERATION,
    }
    overdue = suggestions.filter(is_overdue=True)
    assert overdue.count() == 1
    assert overdue.get().steps.filter(kind="flag_overdue").exists()
    # When the history ends (yesterday) nothing else is late; open ones age as the demo sits.
    end = Step.objects.filter(suggestion__in=suggestions).latest("created_at").created_at
    assert set(suggestions.overdue(now=end + timedelta(minutes=1))) == set(overdue)


def test_most_are_rated_satisfied_and_some_were_reopened(suggestions):
    closed = suggestions.resolved().exclude(channel=Channel.MEETING)  # action items: unrated
    assert closed.filter(rating__in=[Rating.SATISFIED, Rating.BASICALLY]).count() == closed.count()
    assert closed.filter(rating=Rating.SATISFIED).count() > closed.count() / 2
    reopened = suggestions.filter(reopen_count__gt=0)
    assert reopened.exists()
    assert Step.objects.filter(suggestion__in=reopened, kind="rate", note__gt="").exists()
    assert suggestions.filter(status=Status.FOLLOW_UP).exists()


def test_the_property_company_handles_most_through_its_own_staff(suggestions):
    owned = suggestions.exclude(owner=None)
    by_property = owned.filter(owner__kind=OrganisationKind.PROPERTY_COMPANY)
    assert by_property.count() > owned.count() / 2
    handlers = set(
        Step.objects.filter(suggestion__in=by_property, kind__in=["accept", "respond"])
        .values_list("actor__name", flat=True)
        .distinct()
    )
    property_staff = set(
        RoleAssignment.objects.filter(
            role=Role.PROPERTY_STAFF, organisation__kind=OrganisationKind.PROPERTY_COMPANY
        ).values_list("user__name", flat=True)
    )
    assert "谢经理" in handlers and handlers <= property_staff


def test_most_came_through_the_mobile_box_entered_by_the_grid_worker(suggestions):
    box = suggestions.filter(channel=Channel.GRID_BOX)
    assert box.count() > suggestions.count() / 2
    for s in box.select_related("entered_by", "grid"):
        assert s.entered_by.role_assignments.filter(role=Role.GRID_WORKER, grid=s.grid).exists()
    assert not suggestions.filter(channel=Channel.HOTLINE).exclude(entered_by=None).exists()
    online = suggestions.filter(channel=Channel.ONLINE)
    assert online.exists() and not online.exclude(entered_by=None).exists()
    assert suggestions.filter(channel=Channel.STATION).exists()


def test_steps_and_audit_events_carry_the_time_they_happened(suggestions):
    first = suggestions.order_by("submitted_at").first()
    events = Event.objects.filter(object_type="suggestions.suggestion", object_id=str(first.pk))
    steps = list(first.steps.order_by("created_at"))
    assert [e.created_at for e in events.order_by("id")] == [s.created_at for s in steps]


def test_staff_have_read_the_history_but_the_last_days_messages(lf, suggestions):
    messages = Notification.objects.filter(user__role_assignments__community=lf).distinct()
    last = suggestions.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    unread = messages.unread()
    assert messages.count() > 300
    assert 0 < unread.count() < 100
    assert not unread.filter(created_at__lt=last - timedelta(days=30)).exists()
    read = messages.exclude(read_at=None).first()
    assert read.read_at > read.created_at


def test_the_audit_chain_verifies(lf):
    count, problems = verify_chain()
    assert count > 1000 and problems == []


def test_the_plan_is_the_same_every_time_and_is_what_was_built(lf, suggestions):
    def plan():
        return [
            (p.fate, p.grid, p.day, p.category, p.text)
            for p in _Demo(lf, random.Random(SEED)).plan(TAKEN)
        ]

    first = plan()
    assert plan() == first
    # The rest of the 217 are the meetings' action items (demo/meetings.py).
    built = suggestions.exclude(channel=Channel.MEETING).values_list("text", flat=True)
    assert sorted(text for *_, text in first) == sorted(built)


def test_running_loaddemo_again_creates_nothing(lf):
    before = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    call_command("loaddemo", stdout=io.StringIO())
    after = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    assert after == before


def test_the_demo_clock_sets_now_and_field_defaults_only_inside_its_block():
    past = timezone.now() - timedelta(days=100)
    field = Step._meta.get_field("created_at")
    with demo_clock(past) as clock:
        assert timezone.now() == past
        assert field.get_default() == past
        clock.set(past + timedelta(hours=1))
        assert field.get_default() == past + timedelta(hours=1)
    assert timezone.now() - past > timedelta(days=99)
    assert field.get_default() - past > timedelta(days=99)
