"""A community's version moves with every event of the community and of no community."""

from roundtable.audit.log import record
from roundtable.audit.versions import versioned
from roundtable.places.models import Community
from roundtable.places.tests.factories import CommunityFactory


def _versions(community):
    found = versioned(Community.objects.filter(pk=community.pk)).get()
    return found.version, found.version_elsewhere


def test_the_version_is_the_newest_event_of_the_community_and_of_none(community, resident):
    other = CommunityFactory(code="other")
    before = _versions(community)
    mine = record(community, "test.changed", community=community)
    assert _versions(community) == (mine.pk, before[1])
    record(other, "test.changed", community=other)
    assert _versions(community) == (mine.pk, before[1])
    personal = record(resident, "privacy.accepted", by=resident)
    assert _versions(community) == (mine.pk, personal.pk)


def test_versions_are_read_with_the_communities_in_one_query(community, django_assert_num_queries):
    record(community, "test.changed", community=community)
    with django_assert_num_queries(1):
        communities = list(versioned(Community.objects.all()))
    assert [c.version is not None for c in communities] == [True]
