import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from roundtable.audit.log import record, verify_chain
from roundtable.audit.models import AppendOnly, Event


def test_events_chain_and_verify(resident, community_worker):
    first = record(resident, "test.one", by=community_worker, role="community_worker", n=1)
    second = record(None, "test.two", by=None)
    assert second.prev_hash == first.hash
    count, problems = verify_chain()
    assert problems == []
    assert count == Event.objects.count()


def test_events_refuse_change_and_delete(resident):
    event = record(resident, "test.one", by=resident)
    event.action = "changed"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        Event.objects.all().delete()
    with pytest.raises(AppendOnly):
        Event.objects.update(action="x")


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_audit_reports_an_edited_entry(resident):
    record(resident, "test.one", by=resident)
    edited = record(resident, "test.two", by=resident, amount=1)
    record(resident, "test.three", by=resident)
    _sql("UPDATE audit_event SET details = %s WHERE id = %s", '{"amount": 2}', edited.id)
    count, problems = verify_chain()
    assert [p.event_id for p in problems] == [edited.id]
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_verify_audit_reports_a_deleted_entry(resident):
    record(resident, "test.one", by=resident)
    gone = record(resident, "test.two", by=resident)
    after = record(resident, "test.three", by=resident)
    _sql("DELETE FROM audit_event WHERE id = %s", gone.id)
    _count, problems = verify_chain()
    assert after.id in [p.event_id for p in problems]


def test_verify_audit_reports_a_cut_tail(resident):
    record(resident, "test.one", by=resident)
    last = record(resident, "test.two", by=resident)
    _sql("DELETE FROM audit_event WHERE id = %s", last.id)
    _count, problems = verify_chain()
    assert any(p.event_id is None for p in problems)


def test_verify_audit_command_passes_on_intact_log(resident, capsys):
    record(resident, "test.one", by=resident)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_role_grant_is_recorded(community_worker):
    assert Event.objects.filter(action="role.granted", object_id=str(community_worker.pk)).exists()
