"""The figures' summary stays equal to a recount from the suggestions, whatever happens to them.

Random walks over the transition table drive the real intake and actions (refused steps
included; the month recount each queues runs at once, as tests run tasks) and compare the
summary with a from-scratch recount after every step;
`rebuild_figures` repairs a summary and changes nothing when run again; the tick's check repairs
what writes bypassing the actions (the admin's) left behind.
"""

import importlib
import io
import random
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from roundtable.audit.models import Event
from roundtable.people.actions import grant_role
from roundtable.people.models import Role
from roundtable.people.permissions import Perm
from roundtable.people.tests.factories import UserFactory
from roundtable.places.tests.factories import CompoundFactory
from roundtable.suggestions import actions, metrics, summaries, tasks
from roundtable.suggestions.actions import InvalidTransition
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import (
    OPEN,
    SYSTEM,
    TRANSITIONS,
    Channel,
    MonthlySummary,
    Rating,
    Status,
    Suggestion,
)

from .factories import CategoryFactory, SuggestionFactory

START = datetime(2026, 1, 20, 1, 0, tzinfo=UTC)
STEPS = 60
WALKS = 12


def summary(community):
    """The summary rows as recount() gives them."""
    rows = MonthlySummary.objects.filter(community=community)
    return {
        (r["month"], r["dimension"], r["key"]): tuple(r[c] for c in metrics.COLUMNS)
        for r in rows.values("month", "dimension", "key", *metrics.COLUMNS)
    }


def recounted(community):
    return summaries.recount(Suggestion.objects.filter(community=community))


@pytest.fixture
def walk(community, home, compound, resident, community_worker, property_company, committee):
    """What a walk needs: places, categories, owners and who does what."""
    staff_of_both = UserFactory(phone="13800000044", name="物业与居委会的承办人")
    for organisation in (property_company, committee):
        grant_role(
            staff_of_both, Role.PROPERTY_STAFF, community, by=None, organisation=organisation
        )
    parent = CategoryFactory(community=community, code="05", name="房屋与设施")
    flat = CategoryFactory(community=community, code="03", name="环境卫生")
    return {
        "community": community,
        "places": [{"home": home}, {"compound": CompoundFactory(community=community)}, {}],
        "categories": [
            parent,
            CategoryFactory(community=community, code="05.06", name="游乐健身设施", parent=parent),
            flat,
        ],
        "owners": [property_company, committee],
        "by": {
            Perm.TRIAGE: community_worker,
            Perm.HANDLE_DISPATCHED: staff_of_both,
            None: resident,
            SYSTEM: None,
        },
        "resident": resident,
    }


def submit(rng, w, when):
    channel = rng.choice(list(Channel))
    by = w["resident"] if channel == Channel.ONLINE else w["by"][Perm.TRIAGE]
    return submit_suggestion(
        community=w["community"],
        text=rng.choice(["楼道里堆了纸箱", "路灯坏了", "电动车乱停"]),
        channel=channel,
        by=by,
        submitter=w["resident"],
        category=rng.choice([None, *w["categories"]]),
        submitted_at=when - timedelta(days=rng.choice([0, 0, 0, 20, 45])),
        **rng.choice(w["places"]),
    )


def call(rng, w, suggestion, action, now):
    """Take the step `action` the way a page would, with arguments chosen at random."""
    by = w["by"][TRANSITIONS[action].permission]
    later = (suggestion.resolve_by or now) + timedelta(days=rng.randint(1, 9))
    others = Suggestion.objects.filter(community=w["community"]).exclude(pk=suggestion.pk)
    steps = {
        "dispatch": lambda: actions.dispatch(
            suggestion,
            by=by,
            owner=rng.choice(w["owners"]),
            category=rng.choice([None, *w["categories"]]),
            urgent=rng.random() < 0.2,
        ),
        "reject": lambda: actions.reject(suggestion, by=by, reason="不属于社区事务"),
        "merge": lambda: actions.merge(suggestion, by=by, into=others.valid().order_by("?")[0]),
        "answer": lambda: actions.answer(suggestion, by=by, text="已当场解释"),
        "accept": lambda: actions.accept(suggestion, by=by),
        "return": lambda: actions.return_suggestion(suggestion, by=by, reason="不是我们的事"),
        "contact": lambda: actions.contact(suggestion, by=by),
        "request_extension": lambda: actions.request_extension(
            suggestion, by=by, until=later, reason="等配件"
        ),
        "decide_extension": lambda: actions.decide_extension(
            suggestion, by=by, approve=rng.random() < 0.5
        ),
        "elevate": lambda: actions.elevate(suggestion, by=by),
        "resume": lambda: actions.resume(suggestion, by=by),
        "respond": lambda: actions.respond(suggestion, by=by, result="已处理"),
        "approve_response": lambda: actions.approve_response(suggestion, by=by),
        "send_back": lambda: actions.send_back(suggestion, by=by, note="照片不清楚"),
        "rate": lambda: actions.rate(suggestion, by=by, rating=rng.choice(list(Rating))),
        "auto_close": lambda: actions.auto_close(suggestion),
        "request_termination": lambda: actions.request_termination(
            suggestion, by=by, reason="违法诉求"
        ),
        "decide_termination": lambda: actions.decide_termination(
            suggestion, by=by, approve=rng.random() < 0.5
        ),
        "flag_overdue": lambda: actions.flag_overdue(suggestion),
    }
    try:
        steps[action]()
    except (InvalidTransition, PermissionDenied, ValidationError, IndexError):
        return False
    return True


def take_a_step(rng, w, refused=0.1):
    """Receive a suggestion, or take a step the table allows (now and then one it does not)."""
    now = datetime.now(UTC)
    pool = Suggestion.objects.filter(community=w["community"])
    if rng.random() < refused:
        pool = pool.exclude(status__in=OPEN)
    else:
        pool = pool.filter(status__in=OPEN)
    if not pool or rng.random() < 0.15:
        submit(rng, w, now)
        return "submit"
    suggestion = rng.choice(list(pool))
    possible = [a for a, move in TRANSITIONS.items() if suggestion.status in move.sources]
    action = rng.choice(possible or list(TRANSITIONS))
    return action if call(rng, w, suggestion, action, now) else None


@pytest.mark.parametrize("seed", range(WALKS))
def test_after_every_step_of_a_random_walk_the_summary_equals_a_recount(walk, seed):
    rng, taken = random.Random(seed), set()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(STEPS):
            clock.shift(timedelta(hours=rng.randint(1, 96)))
            taken.add(take_a_step(rng, walk))
            assert summary(walk["community"]) == recounted(walk["community"]), seed
    assert len(taken & set(TRANSITIONS)) >= 8  # further than intake and triage


def test_the_walks_can_take_every_step_of_the_table(walk):
    rng, taken = random.Random(99), set()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(400):
            clock.shift(timedelta(hours=rng.randint(1, 30)))
            taken.add(take_a_step(rng, walk, refused=0))
    assert taken >= set(TRANSITIONS)
    assert summary(walk["community"]) == recounted(walk["community"])


def test_a_dispatch_to_another_category_and_owner_moves_the_suggestion_between_groups(
    walk, community_worker, property_company, committee
):
    community = walk["community"]
    first, _child, flat = walk["categories"]
    suggestion = submit_suggestion(
        community=community,
        text="路灯坏了",
        channel=Channel.STATION,
        by=community_worker,
        category=flat,
    )
    actions.dispatch(suggestion, by=community_worker, owner=property_company, category=first)
    groups = {r.key for r in metrics.breakdown(community, "category")}
    assert groups == {first.pk}
    staff_of_both = walk["by"][Perm.HANDLE_DISPATCHED]
    actions.return_suggestion(suggestion, by=staff_of_both, reason="不是物业的事")
    assert [r.key for r in metrics.breakdown(community, "owner")] == [""]
    actions.dispatch(suggestion, by=community_worker, owner=committee)
    assert [r.label for r in metrics.breakdown(community, "owner")] == [committee.name]
    assert summary(community) == recounted(community)


def test_the_figures_page_counts_a_suggestion_as_soon_as_it_is_received(
    client, walk, community_worker
):
    submit_suggestion(
        community=walk["community"], text="路灯坏了", channel=Channel.STATION, by=community_worker
    )
    page = client.get(reverse("dashboards:figures", args=["lf"])).content.decode()
    assert '<a href="/c/lf/figures/collected/" class="num">1</a>' in page


def test_every_count_and_mean_has_a_column_in_the_summary():
    fields = {f.name for f in MonthlySummary._meta.fields}
    assert set(metrics.COLUMNS) <= fields
    assert fields - set(metrics.COLUMNS) == {"id", "community", "month", "dimension", "key"}


@pytest.fixture
def made_directly(community, compound, grid):
    for day, status in enumerate([Status.SUBMITTED, Status.INVALID, Status.CLOSED], start=1):
        SuggestionFactory(
            community=community,
            compound=compound,
            grid=grid,
            status=status,
            submitted_at=datetime(2026, 3, day, tzinfo=UTC),
            responded_at=datetime(2026, 3, day + 3, tzinfo=UTC),
        )
    elsewhere = SuggestionFactory(submitted_at=datetime(2026, 3, 1, tzinfo=UTC))
    return community, elsewhere.community


def rebuild_figures(*args):
    out = io.StringIO()
    call_command("rebuild_figures", *args, stdout=out)
    return out.getvalue()


def test_rebuild_figures_recounts_every_community_and_changes_nothing_when_run_again(made_directly):
    community, elsewhere = made_directly
    assert summary(community) == {}  # made directly, bypassing the actions
    assert "lf:" in rebuild_figures()
    assert summary(community) == recounted(community) != {}
    assert summary(elsewhere) == recounted(elsewhere) != {}
    rows = list(MonthlySummary.objects.order_by("pk").values())
    rebuild_figures()
    again = list(MonthlySummary.objects.order_by("pk").values())
    assert [{**r, "id": 0} for r in again] == [{**r, "id": 0} for r in rows]


def test_rebuild_figures_repairs_one_community_and_leaves_the_others(made_directly):
    community, elsewhere = made_directly
    rebuild_figures()
    MonthlySummary.objects.filter(community=community, dimension="").update(collected=99)
    MonthlySummary.objects.filter(community=community, dimension="grid").delete()
    MonthlySummary.objects.filter(community=elsewhere).update(valid=7)
    rebuild_figures("--community", "lf")
    assert summary(community) == recounted(community)
    assert summary(elsewhere) != recounted(elsewhere)


def test_rebuild_figures_refuses_an_unknown_community(db):
    with pytest.raises(CommandError):
        rebuild_figures("--community", "nowhere")


class _AppsOfThatMigration:
    """The models as migration 0004 names them: the summary was MonthlyTally until 0007."""

    def get_model(self, app_label, name):
        return apps.get_model(app_label, {"MonthlyTally": "MonthlySummary"}.get(name, name))


def test_the_fill_migration_is_the_rebuild(made_directly):
    community, elsewhere = made_directly
    migration = importlib.import_module("roundtable.suggestions.migrations.0004_fill_monthly_tally")
    migration.fill(_AppsOfThatMigration(), None)
    assert summary(community) == recounted(community) != {}
    assert summary(elsewhere) == recounted(elsewhere)


# Writes that bypass the actions: the tick's check finds them, repairs the summary and logs it.


@pytest.fixture
def counted(walk, grid, community_worker):
    """Suggestions received through intake (the summary exact), in the grid and categorised."""
    _parent, child, flat = walk["categories"]
    received = [
        submit_suggestion(
            community=walk["community"],
            text=text,
            channel=Channel.STATION,
            by=community_worker,
            category=category,
            **walk["places"][0],
        )
        for text, category in [("路灯坏了", child), ("楼道里堆了纸箱", flat), ("电动车乱停", None)]
    ]
    assert received[0].grid_id == grid.pk
    assert summary(walk["community"]) == recounted(walk["community"])
    return received


def test_the_tick_repairs_the_figures_after_admin_edits_and_logs_it(
    client, walk, counted, grid, caplog
):
    community = walk["community"]
    parent, child, flat = walk["categories"]
    admin_user = UserFactory(phone="13800000099", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    deleted = client.post(reverse("admin:places_grid_delete", args=[grid.pk]), {"post": "yes"})
    assert deleted.status_code == 302 and not type(grid).objects.filter(pk=grid.pk).exists()
    child.parent = flat  # a category moved under another parent, as the admin's form saves it
    child.save()
    counted[1].delete()  # a suggestion deleted, as the admin's delete does
    assert summary(community) != recounted(community)

    with time_machine.travel(datetime.now(UTC) + summaries.IN_FLIGHT):  # no recount in flight
        assert tasks.check_figures.call() == {"lf": mock.ANY}
    assert summary(community) == recounted(community)
    assert "figures of lf differed from a recount" in caplog.text
    event = Event.objects.get(action="suggestions.figures_repaired")
    assert event.community_id == community.pk and event.details["collected"] == -1
    assert tasks.check_figures.call() == {}  # nothing left to repair
    assert Event.objects.filter(action="suggestions.figures_repaired").count() == 1


def test_a_month_still_being_counted_is_recounted_without_a_drift_alarm(
    settings, walk, counted, community_worker, caplog
):
    settings.TASKS = DATABASE_TASKS  # the month's recount waits for a worker
    submit_suggestion(
        community=walk["community"], text="路灯坏了", channel=Channel.STATION, by=community_worker
    )
    caplog.set_level("INFO", logger="roundtable.suggestions.summaries")
    assert tasks.check_figures.call() == {"lf": mock.ANY}
    assert summary(walk["community"]) == recounted(walk["community"])
    assert "recounted in months still being counted" in caplog.text
    assert "differed from a recount" not in caplog.text
    assert not Event.objects.filter(action="suggestions.figures_repaired").exists()


def test_the_check_changes_nothing_while_the_figures_are_exact(walk, counted):
    rows = list(MonthlySummary.objects.order_by("pk").values())
    assert summaries.check(walk["community"]) == {}
    assert list(MonthlySummary.objects.order_by("pk").values()) == rows
    assert not Event.objects.filter(action="suggestions.figures_repaired").exists()


def test_the_check_removes_the_summary_of_a_community_with_no_suggestions_left(walk, counted):
    Suggestion.objects.filter(community=walk["community"]).delete()
    drift = summaries.check(walk["community"])
    assert drift and all(values[0] < 0 for values in drift.values())
    assert not MonthlySummary.objects.filter(community=walk["community"]).exists()


# The month recount: queued with each change, in its transaction; right whatever the order.


class Undone(Exception):
    pass


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_change_queues_the_recount_of_its_month_in_its_own_transaction(
    settings, walk, community_worker
):
    settings.TASKS = DATABASE_TASKS  # as deployed: the request only queues the recount
    community = walk["community"]
    with time_machine.travel(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)):  # 1 April in Shanghai
        suggestion = submit_suggestion(
            community=community, text="路灯坏了", channel=Channel.STATION, by=community_worker
        )
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("summaries.count_month")
    assert queued.args_kwargs == {"args": [community.pk, "2026-04-01"], "kwargs": {}}
    assert summary(community) == {}  # counted by the worker, not the request
    assert queued.task.call(*queued.args_kwargs["args"]) > 0
    assert summary(community) == recounted(community) != {}
    assert {month for month, _d, _k in summary(community)} == {date(2026, 4, 1)}
    with pytest.raises(Undone):
        with transaction.atomic():
            actions.dispatch(suggestion, by=community_worker, owner=walk["owners"][0])
            assert DBTaskResult.objects.count() == 2
            raise Undone
    assert DBTaskResult.objects.count() == 1  # an undone change queues nothing


def test_recounting_a_month_again_or_out_of_order_changes_nothing(walk, counted):
    community = walk["community"]
    month = next(iter(summary(community)))[0].isoformat()
    rows = list(MonthlySummary.objects.order_by("pk").values())
    assert summaries.count_month.call(community.pk, month) == 0
    assert summaries.count_month.call(community.pk, "2025-01-01") == 0  # a month with nothing
    assert list(MonthlySummary.objects.order_by("pk").values()) == rows


def test_a_month_recount_rewrites_that_month_alone(walk, counted):
    community = walk["community"]
    MonthlySummary.objects.filter(community=community).update(valid=99)
    month = next(iter(summary(community)))[0]
    other = MonthlySummary.objects.create(community=community, month=date(2025, 1, 1), valid=7)
    assert summaries.count_month.call(community.pk, month.isoformat()) > 0
    assert {k: v for k, v in summary(community).items() if k[0] == month} == recounted(community)
    assert MonthlySummary.objects.get(pk=other.pk).valid == 7


def test_a_bulk_load_queues_no_recount_and_rebuilds_once_at_its_end(
    settings, walk, community_worker
):
    settings.TASKS = DATABASE_TASKS
    community = walk["community"]
    with summaries.rebuilt_after(community):
        for text in ("路灯坏了", "楼道里堆了纸箱", "电动车乱停"):
            submit_suggestion(
                community=community, text=text, channel=Channel.STATION, by=community_worker
            )
        assert summary(community) == {}
    assert not DBTaskResult.objects.exists()  # loaddemo leaves the worker nothing to recount
    assert summary(community) == recounted(community) != {}
    submit_suggestion(
        community=community, text="路灯坏了", channel=Channel.STATION, by=community_worker
    )
    assert DBTaskResult.objects.count() == 1  # outside the block, changes queue again
