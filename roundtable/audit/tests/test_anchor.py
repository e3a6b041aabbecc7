"""The audit chain anchored outside the database (issue 13, finding 7): keyed with a secret the
database does not hold, and its head published every day, in a file and on a public page."""

import hashlib
import hmac
import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from roundtable.audit.log import record, seal, verify_chain
from roundtable.audit.models import Event

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEY = "the-audit-key-kept-in-the-environment-0123456789"


@pytest.fixture(autouse=True)
def anchor(settings, tmp_path):
    settings.AUDIT_KEY = KEY
    settings.AUDIT_HEADS_FILE = tmp_path / "audit" / "heads.jsonl"
    return settings.AUDIT_HEADS_FILE


def _canonical(event):
    """The entry's content as the chain hashes it, written out here as a reviewer would."""
    content = {
        "prev": event.prev_hash,
        "time": event.created_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "community": event.community_id,
        "actor_label": event.actor_label,
        "role": event.actor_role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "details": event.details,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _plain(event):
    return hashlib.sha256(_canonical(event)).hexdigest()


def _keyed(key):
    return lambda event: hmac.new(key.encode(), _canonical(event), hashlib.sha256).hexdigest()


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _rebuild(digest, *, position, details):
    """What the outside reviewer did: change the entry at `position`, then recompute every hash
    from there on with `digest` and move the chain's head, all by SQL."""
    event = Event.objects.get(position=position)
    _sql("UPDATE audit_event SET details = %s WHERE id = %s", json.dumps(details), event.id)
    prev = Event.objects.get(position=position - 1).hash if position > 1 else "0" * 64
    for event in Event.objects.filter(position__gte=position).order_by("position"):
        event.prev_hash = prev
        prev = digest(event)
        _sql(
            "UPDATE audit_event SET prev_hash = %s, hash = %s WHERE id = %s",
            event.prev_hash,
            prev,
            event.id,
        )
    _sql("UPDATE audit_chainhead SET last_hash = %s", prev)


def _poll_closed(resident, n=5):
    for i in range(n):
        record(resident, f"test.{i}", by=resident)
    record(resident, "poll.closed", by=resident, ballots=391)
    seal()
    return Event.objects.get(action="poll.closed").position


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish the head as the night's tick would on a day of November 2026 (from 01:00); the
    heads file, written after the commit, is written at once."""
    from roundtable.audit.heads import publish_head

    def publish_on(day, hour=1, minute=5):
        moment = datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)
        with time_machine.travel(moment, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return publish_head()

    return publish_on


def _verify_fails():
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_a_chain_rebuilt_with_the_plain_hash_fails_verification(resident):
    position = _poll_closed(resident)
    record(resident, "test.after", by=resident)
    seal()
    _rebuild(_plain, position=1, details={})  # and then, from the first entry, 391 → 999
    _rebuild(_plain, position=position, details={"ballots": 999})
    _count, problems = verify_chain()
    assert problems and problems[0].event_id == Event.objects.get(position=1).id
    assert "without the audit key" in problems[0].message
    assert "without the audit key" in _verify_fails()


def test_a_chain_rebuilt_with_a_wrong_key_fails_verification(resident):
    position = _poll_closed(resident)
    _rebuild(_keyed("a-guessed-key"), position=position, details={"ballots": 999})
    _count, problems = verify_chain()
    assert [p.event_id for p in problems] == [Event.objects.get(position=position).id]
    _verify_fails()


def test_a_chain_rewritten_with_the_right_key_fails_against_the_published_heads(resident, publish):
    _poll_closed(resident, n=2)  # entries 1-3 … and the head of 24 November: 3 entries
    first = publish(24)
    record(resident, "test.4", by=resident, amount=4)
    record(resident, "test.5", by=resident)
    second = publish(25)  # 5 entries
    record(resident, "test.6", by=resident)
    publish(26)  # 6 entries
    _rebuild(_keyed(KEY), position=4, details={"amount": 40})
    assert verify_chain()[1] == []  # the chain alone holds: whoever rewrote it had the key
    from roundtable.audit.heads import check_heads

    problems = check_heads()
    assert problems[0].event_id == Event.objects.get(position=second.length).id
    assert "2026-11-25" in problems[0].message
    assert f"after entry {first.length}" in problems[0].message
    assert f"at or before entry {second.length}" in problems[0].message
    out = _verify_fails()
    assert "2026-11-25" in out and "after entry 3" in out


def test_heads_rewritten_in_the_database_too_still_differ_from_the_file(resident, publish):
    _poll_closed(resident, n=2)
    publish(24)
    _rebuild(_keyed(KEY), position=2, details={"amount": 40})
    new_head = Event.objects.get(position=3).hash
    _sql("UPDATE audit_publishedhead SET hash = %s", new_head)
    out = _verify_fails()
    assert "2026-11-24" in out and "heads file" in out


def test_a_deleted_head_row_is_missed_against_the_file(resident, publish):
    _poll_closed(resident, n=2)
    publish(24)
    _sql("DELETE FROM audit_publishedhead")
    assert "not in the database" in _verify_fails()


def test_an_intact_chain_with_its_published_heads_passes(resident, anchor, publish):
    _poll_closed(resident, n=2)
    publish(24)
    record(resident, "test.later", by=resident)
    publish(25)
    lines = [json.loads(line) for line in anchor.read_text().splitlines()]
    assert [(h["day"], h["length"]) for h in lines] == [("2026-11-24", 3), ("2026-11-25", 4)]
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())
    assert "intact: 4 entries" in out.getvalue()
    assert "2 published heads" in out.getvalue()


def test_one_daily_head_a_day_from_one_at_night(resident, anchor, publish):
    from roundtable.audit.heads import heads_due

    _poll_closed(resident, n=1)
    assert not heads_due(datetime(2026, 11, 24, 0, 55, tzinfo=SHANGHAI))
    assert heads_due(datetime(2026, 11, 24, 1, 0, tzinfo=SHANGHAI))
    assert publish(24) is not None
    assert publish(24, hour=9) is None  # the day's head is out
    assert not heads_due(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))
    assert len(anchor.read_text().splitlines()) == 1


def test_tick_enqueues_the_head_once_a_night(settings, db):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for hour in (0, 1, 2):
        with time_machine.travel(datetime(2026, 11, 24, hour, 5, tzinfo=SHANGHAI), tick=False):
            call_command("tick", stdout=StringIO())
    names = [r.task.name for r in default_task_backend.results]
    assert names.count("publish_audit_head") == 2  # due from 01:00; the task publishes once


def test_an_unkeyed_chain_is_resealed_once_under_the_key(
    resident, anchor, django_capture_on_commit_callbacks
):
    _poll_closed(resident, n=2)
    _rebuild(_plain, position=1, details={})  # a chain written before the key
    assert "without the audit key" in _verify_fails()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reseal_audit", stdout=out)
    assert "re-sealed 3 entries" in out.getvalue()
    resealed = Event.objects.get(action="audit.resealed")
    assert resealed.details["entries"] == 3 and resealed.position == 4
    assert json.loads(anchor.read_text())["reason"] == "reseal"
    call_command("verify_audit", stdout=StringIO())
    with pytest.raises(CommandError, match="published"):
        call_command("reseal_audit", stdout=StringIO())


def test_the_first_night_reseals_an_unkeyed_chain(resident, publish):
    _poll_closed(resident, n=2)
    _rebuild(_plain, position=1, details={})
    head = publish(24)
    assert head.length == 4 and Event.objects.filter(action="audit.resealed").exists()
    call_command("verify_audit", stdout=StringIO())


def test_a_broken_unkeyed_chain_is_not_resealed(resident):
    _poll_closed(resident, n=2)
    _rebuild(_plain, position=1, details={})
    _sql("UPDATE audit_event SET action = 'x' WHERE position = 2")
    with pytest.raises(CommandError):
        call_command("reseal_audit", stdout=StringIO(), stderr=StringIO())
    assert not Event.objects.filter(action="audit.resealed").exists()


def test_a_key_derived_from_secret_key_serves_when_none_is_set(settings, resident):
    settings.AUDIT_KEY = ""
    _poll_closed(resident, n=1)
    assert verify_chain()[1] == []
    settings.SECRET_KEY = "another-secret-key-" * 3
    assert verify_chain()[1] != []


def test_check_deploy_warns_when_no_audit_key_is_set(settings):
    settings.AUDIT_KEY = ""
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "audit.W001" in ids
    settings.AUDIT_KEY = KEY
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "audit.W001" not in ids


def test_the_heads_page_shows_the_latest_heads_to_anyone(client, resident, publish):
    _poll_closed(resident, n=2)
    head = publish(24)
    response = client.get("/audit/heads/")
    assert response.status_code == 200
    page = response.content.decode()
    assert head.hash in page and "2026年11月24日" in page
    assert resident.phone not in page and resident.name not in page
    assert "138****" not in page and "139****" not in page


def test_the_admin_lists_published_heads_and_changes_none(client, resident, publish):
    from roundtable.people.tests.factories import UserFactory

    _poll_closed(resident, n=1)
    head = publish(24)
    client.force_login(UserFactory(phone="13800000099", is_superuser=True, is_staff=True))
    response = client.get("/admin/audit/publishedhead/")
    assert response.status_code == 200 and head.hash in response.content.decode()
    assert client.get("/admin/audit/publishedhead/add/").status_code == 403


def test_a_missing_heads_file_fails_and_a_copy_elsewhere_can_be_named(resident, publish, anchor):
    _poll_closed(resident, n=1)
    publish(24)
    copy = anchor.with_name("copy-kept-elsewhere.jsonl")
    anchor.rename(copy)
    assert "missing or empty" in _verify_fails()
    out = StringIO()
    call_command("verify_audit", "--heads", str(copy), stdout=out)
    assert "matches its 1 published heads" in out.getvalue()


def test_a_chain_once_resealed_is_not_resealed_again_even_with_its_heads_gone(resident, publish):
    _poll_closed(resident, n=2)
    _rebuild(_plain, position=1, details={})
    publish(24)  # the first night re-seals it
    _sql("DELETE FROM audit_publishedhead")
    from roundtable.audit.heads import heads_file

    heads_file().unlink()
    _rebuild(_plain, position=1, details={})  # the rebuild a re-seal would launder
    with pytest.raises(CommandError, match="re-sealed"):
        call_command("reseal_audit", stdout=StringIO())
