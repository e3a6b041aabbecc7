"""The suggestions app's plain SQL (sql.py) gives what the equivalent ORM query gives."""

import threading
from datetime import date

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F

from roundtable.suggestions import sql
from roundtable.suggestions.intake import next_reference
from roundtable.suggestions.models import MonthlySummary, ReferenceCounter


def orm_add_one(community_id, year):
    """sql.add_one written with the ORM: the update, then a read of the value in the same
    transaction."""
    with transaction.atomic():
        counter = ReferenceCounter.objects.filter(community_id=community_id, year=year)
        if not counter.update(last=F("last") + 1):
            return None
        return counter.values_list("last", flat=True).get()


@pytest.mark.django_db
def test_adding_one_gives_and_stores_what_the_orm_gives(community):
    ReferenceCounter.objects.create(community=community, year=2026, last=41)
    numbers = [add_one(community.pk, 2026) for add_one in (sql.add_one, orm_add_one, sql.add_one)]
    assert numbers == [42, 43, 44]
    assert ReferenceCounter.objects.get(community=community, year=2026).last == 44


@pytest.mark.django_db
def test_another_year_or_community_is_not_counted(community):
    ReferenceCounter.objects.create(community=community, year=2025, last=7)
    assert sql.add_one(community.pk, 2026) is None is orm_add_one(community.pk, 2026)
    assert sql.add_one(community.pk + 1, 2025) is None is orm_add_one(community.pk + 1, 2025)
    assert not ReferenceCounter.objects.filter(year=2026).exists()
    assert ReferenceCounter.objects.get(community=community, year=2025).last == 7


@pytest.mark.django_db
def test_a_reference_starts_the_year_s_counter(community):
    assert next_reference(community, 2026) == "LF-2026-000001"
    assert next_reference(community, 2026) == "LF-2026-000002"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_to_the_summary_waits_while_it_is_locked(community):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL table locks")
    outcome = []

    def write():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '200ms'")
                MonthlySummary.objects.create(community=community, month=date(2026, 1, 1))
            outcome.append("written")
        except OperationalError:
            outcome.append("waited")
        finally:
            connections.close_all()

    with transaction.atomic():
        sql.lock_against_writes(MonthlySummary)
        assert MonthlySummary.objects.count() == 0  # reads pass
        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
    assert outcome == ["waited"]
    write()
    assert outcome == ["waited", "written"]
