"""Shared fixtures: the test settings and the personas every test file can use.

`--today=2028-02-29T10:00` runs the tests as if it were that moment in Beijing (the date sweep
of `make test`); `-m dates` selects the modules whose outcome depends on the date (DATED).
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from roundtable.notifications.sms import MemoryBackend
from roundtable.people.actions import ensure_default_groups, grant_role
from roundtable.people.models import Relation, Role
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    GridFactory,
    HomeFactory,
    UnitFactory,
)

# Hypothesis checks what the code computes, not how fast: its 200 ms deadline per example and its
# "too slow" health check failed tests at random on a machine running at a quarter of its speed.
hypothesis_settings.register_profile(
    "roundtable", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("roundtable")

ROOT = Path(__file__).resolve().parent
# Test modules whose outcome depends on today's date: the demo (history up to yesterday),
# working days and deadlines, reminders, auto-close, digests, monthly figures, poll closing.
DATED = (
    "roundtable/demo/tests/",
    "roundtable/workdays/tests/",
    "roundtable/notifications/tests/",
    "roundtable/audit/tests/test_tasks.py",
    "roundtable/dashboards/tests/",
    "roundtable/places/tests/test_figures.py",
    "roundtable/suggestions/tests/test_tasks.py",
    "roundtable/suggestions/tests/test_transitions.py",
    "roundtable/suggestions/tests/test_metrics.py",
    "roundtable/suggestions/tests/test_summaries.py",
    "roundtable/meetings/tests/test_tasks.py",
    "roundtable/meetings/tests/test_metrics.py",
    "roundtable/meetings/tests/test_outcomes.py",
    "roundtable/meetings/tests/test_schedule.py",
    "roundtable/meetings/tests/test_registration.py",
    "roundtable/votes/tests/test_actions.py",
)
_travel = None


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DDTHH:MM",
        help="run as if it were this moment in Beijing (time-machine, the clock keeps ticking)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "dates: the outcome depends on today's date (DATED)")
    today = config.getoption("--today")
    if today:
        global _travel
        moment = datetime.fromisoformat(today)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
        _travel = time_machine.travel(moment, tick=True)
        _travel.start()


def pytest_unconfigure(config):
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config):
    today = config.getoption("--today")
    return f"today (time-machine): {today}" if today else None


def pytest_collection_modifyitems(config, items):
    for item in items:
        where = Path(str(item.path)).relative_to(ROOT).as_posix()
        if where.startswith(DATED):
            item.add_marker(pytest.mark.dates)
        if where.startswith("roundtable/demo/tests/"):
            # One xdist worker takes them all, so the demo is built once (`--dist loadgroup`).
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SMS_BACKEND = "roundtable.notifications.sms.MemoryBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    # Tasks (an SMS after its commit, …) run at once; a module's own backend takes precedence.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_HEADS_FILE = tmp_path / "audit" / "heads.jsonl"  # never the real var/ file
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MemoryBackend.outbox.clear()
    cache.clear()
    # Each test starts in the default language: a request leaves its language active in the
    # thread, and an action's message in a later test would otherwise be in that one.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture
def sms_outbox():
    return MemoryBackend.outbox


@pytest.fixture
def community(db):
    community = CommunityFactory(name="澜菲溪岸社区", code="lf")
    ensure_default_groups(community)
    return community


@pytest.fixture
def compound(community):
    return CompoundFactory(community=community, name="J5")


@pytest.fixture
def building(compound):
    return BuildingFactory(compound=compound, name="1栋")


@pytest.fixture
def home(building):
    return HomeFactory(unit=UnitFactory(building=building), room="301")


@pytest.fixture
def grid(community, building):
    grid = GridFactory(community=community, name="第三网格")
    grid.buildings.add(building)
    return grid


@pytest.fixture
def resident(home):
    """孙阿姨: owner of J5 1栋 1单元 301, no role; acts only on her own data."""
    user = UserFactory(phone="13900000001", name="孙阿姨")
    ResidencyFactory(user=user, home=home, relation=Relation.OWNER)
    return user


@pytest.fixture
def community_worker(community):
    """社区工作者: every staff permission in the whole community."""
    user = UserFactory(phone="13800000001", name="王书记")
    grant_role(user, Role.COMMUNITY_WORKER, community, by=None)
    return user


@pytest.fixture
def grid_worker(grid):
    """小王: grid worker of 第三网格; register and phones of the grid's buildings only."""
    user = UserFactory(phone="13800000002", name="王网格")
    grant_role(user, Role.GRID_WORKER, grid, by=None)
    return user


@pytest.fixture
def property_staff(compound):
    """谢经理: property staff of J5; handles dispatched suggestions, sees no register."""
    user = UserFactory(phone="13800000003", name="谢经理")
    grant_role(user, Role.PROPERTY_STAFF, compound, by=None)
    return user


@pytest.fixture
def building_leader(building):
    """姚勇: building leader of 1栋; register (phones masked), slips, polls and paper ballots
    there; sees no full phone number."""
    user = UserFactory(phone="13800000005", name="姚勇")
    grant_role(user, Role.BUILDING_LEADER, building, by=None)
    return user


@pytest.fixture
def party_secretary(compound):
    """李书记: party branch secretary of J5; organises and checks in there, sees J5's internal
    figures, not the community's."""
    user = UserFactory(phone="13800000021", name="李书记")
    grant_role(user, Role.PARTY_SECRETARY, compound, by=None)
    return user


@pytest.fixture
def outsider(db):
    """A logged-in person with no home and no role here."""
    return UserFactory(phone="13700000009", name="路人")
