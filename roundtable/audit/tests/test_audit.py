import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.audit.log import record, seal, verify_chain
from roundtable.audit.models import AppendOnly, Event


def test_events_chain_and_verify(resident, community_worker):
    first = record(resident, "test.one", by=community_worker, role="community_worker", n=1)
    second = record(None, "test.two", by=None)
    seal()
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.prev_hash == first.hash and second.position == first.position + 1
    count, problems = verify_chain()
    assert problems == []
    assert count == Event.objects.count()


def test_an_event_is_one_insert_that_waits_for_no_other_writer(resident):
    with CaptureQueriesContext(connection) as queries:
        event = record(resident, "test.one", by=resident)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    stored = Event.objects.get(pk=event.pk)
    assert (stored.position, stored.prev_hash, stored.hash) == (None, "", "")
    assert stored.action == "test.one" and stored.object_id == str(resident.pk)


def test_seal_chains_what_was_written_since_the_last_seal_in_the_order_of_the_ids(resident):
    events = [record(resident, f"test.{n}", by=resident) for n in range(5)]
    assert seal(batch_size=2) == 5  # three batches, each going on from the one before
    assert seal() == 0
    later = record(resident, "test.later", by=resident)
    assert seal() == 1
    chained = list(Event.objects.order_by("position"))
    assert [e.pk for e in chained] == [e.pk for e in [*events, later]]
    assert [e.position for e in chained] == list(range(1, 7))
    assert all(b.prev_hash == a.hash for a, b in zip(chained, chained[1:], strict=False))
    assert verify_chain() == (6, [])


def test_verify_checks_only_what_is_sealed_and_the_command_seals_first(resident, capsys):
    record(resident, "test.one", by=resident)
    seal()
    record(resident, "test.two", by=resident)
    assert verify_chain() == (1, [])
    call_command("verify_audit")
    assert "intact: 2 entries" in capsys.readouterr().out


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
    seal()
    _sql("UPDATE audit_event SET details = %s WHERE id = %s", '{"amount": 2}', edited.id)
    count, problems = verify_chain()
    assert [p.event_id for p in problems] == [edited.id]
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_verify_audit_reports_a_deleted_entry(resident):
    record(resident, "test.one", by=resident)
    gone = record(resident, "test.two", by=resident)
    after = record(resident, "test.three", by=resident)
    seal()
    _sql("DELETE FROM audit_event WHERE id = %s", gone.id)
    _count, problems = verify_chain()
    assert after.id in [p.event_id for p in problems]


def test_verify_audit_reports_a_cut_tail(resident):
    record(resident, "test.one", by=resident)
    last = record(resident, "test.two", by=resident)
    seal()
    _sql("DELETE FROM audit_event WHERE id = %s", last.id)
    _count, problems = verify_chain()
    assert any(p.event_id is None for p in problems)


def test_verify_audit_command_passes_on_intact_log(resident, capsys):
    record(resident, "test.one", by=resident)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_role_grant_is_recorded(community_worker):
    assert Event.objects.filter(action="role.granted", object_id=str(community_worker.pk)).exists()


def test_deleting_a_person_who_acted_leaves_the_chain_intact(resident, community_worker):
    record(resident, "test.one", by=community_worker, role="community_worker")
    seal()
    actor_id = community_worker.pk
    community_worker.delete()
    assert verify_chain()[1] == []
    assert Event.objects.get(action="test.one").actor_id == actor_id  # as it was recorded
