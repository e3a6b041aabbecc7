"""The hourly limit and the idempotency key under simultaneous posts, on PostgreSQL (issue 13,
findings 10 and 11): 60 posts at once by one resident store 20; 20 with one key store one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from roundtable.common.idempotency import new_key
from roundtable.suggestions import intake
from roundtable.suggestions.models import Channel, Suggestion

from .test_intake_concurrency import _at_once

AT_ONCE = 60


def _post(community, resident, **key):
    intake.submit_suggestion(
        community=community,
        text="楼道灯坏了，晚上很暗。",
        channel=Channel.ONLINE,
        by=resident,
        submitter=resident,
        **key,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixty_simultaneous_posts_by_one_resident_store_twenty(community, resident):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")
    errors = _at_once(AT_ONCE, lambda i: _post(community, resident))
    stored = Suggestion.objects.filter(submitter=resident).count()
    assert stored == intake.MAX_PER_HOUR
    assert len(errors) == AT_ONCE - intake.MAX_PER_HOUR
    assert all(isinstance(error, ValidationError) for error in errors)  # the hourly limit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_with_one_key_store_one(community, resident):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time")
    key = new_key()
    assert _at_once(20, lambda i: _post(community, resident, idempotency_key=key)) == []
    assert Suggestion.objects.filter(submitter=resident, idempotency_key=key).count() == 1
