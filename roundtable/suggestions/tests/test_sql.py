"""The suggestions app's plain SQL (sql.py) gives what the equivalent ORM query gives."""

import pytest
from django.db import transaction
from django.db.models import F

from roundtable.suggestions import sql
from roundtable.suggestions.intake import next_reference
from roundtable.suggestions.models import ReferenceCounter

pytestmark = pytest.mark.django_db


def orm_add_one(community_id, year):
    """sql.add_one written with the ORM: the update, then a read of the value in the same
    transaction."""
    with transaction.atomic():
        counter = ReferenceCounter.objects.filter(community_id=community_id, year=year)
        if not counter.update(last=F("last") + 1):
            return None
        return counter.values_list("last", flat=True).get()


def test_adding_one_gives_and_stores_what_the_orm_gives(community):
    ReferenceCounter.objects.create(community=community, year=2026, last=41)
    numbers = [add_one(community.pk, 2026) for add_one in (sql.add_one, orm_add_one, sql.add_one)]
    assert numbers == [42, 43, 44]
    assert ReferenceCounter.objects.get(community=community, year=2026).last == 44


def test_another_year_or_community_is_not_counted(community):
    ReferenceCounter.objects.create(community=community, year=2025, last=7)
    assert sql.add_one(community.pk, 2026) is None is orm_add_one(community.pk, 2026)
    assert sql.add_one(community.pk + 1, 2025) is None is orm_add_one(community.pk + 1, 2025)
    assert not ReferenceCounter.objects.filter(year=2026).exists()
    assert ReferenceCounter.objects.get(community=community, year=2025).last == 7


def test_a_reference_starts_the_year_s_counter(community):
    assert next_reference(community, 2026) == "LF-2026-000001"
    assert next_reference(community, 2026) == "LF-2026-000002"
