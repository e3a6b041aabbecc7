"""Reading the audit log: only one's own communities' events, newest first, query count pinned."""

from django.urls import reverse

from roundtable.audit.log import record
from roundtable.people.actions import grant_role
from roundtable.people.models import Role
from roundtable.people.tests.factories import UserFactory
from roundtable.places.tests.factories import CommunityFactory


def test_community_worker_reads_their_communitys_events(client, community_worker, grid_worker):
    other = CommunityFactory(name="别的社区", code="other")
    grant_role(UserFactory(name="外人"), Role.VOLUNTEER, other, by=None)
    client.force_login(community_worker)
    html = client.get(reverse("people:audit_log")).content.decode()
    assert "王网格" in html and "外人" not in html


def test_events_about_a_person_alone_stay_private(client, community_worker, resident):
    record(resident, "privacy.accepted", by=resident, role="resident")
    client.force_login(community_worker)
    assert "privacy.accepted" not in client.get(reverse("people:audit_log")).content.decode()


def test_street_official_reads_every_community_of_the_street(client, community, grid_worker):
    official = UserFactory(phone="13800000028")
    grant_role(official, Role.STREET_OFFICIAL, community.street, by=None)
    client.force_login(official)
    assert "王网格" in client.get(reverse("people:audit_log")).content.decode()


def test_others_may_not_read_the_audit_log(client, grid_worker, resident):
    for user in (grid_worker, resident):
        client.force_login(user)
        assert client.get(reverse("people:audit_log")).status_code == 403


def test_filter_by_action(client, community_worker, grid_worker, community):
    record(community, "register.imported", by=community_worker, role="community_worker")
    client.force_login(community_worker)
    html = client.get(reverse("people:audit_log"), {"action": "register"}).content.decode()
    assert "register.imported" in html and "role.granted" not in html


def test_query_count_is_pinned(client, community_worker, community, django_assert_max_num_queries):
    for n in range(60):
        record(community, f"test.{n}", by=community_worker, role="community_worker", n=n)
    client.force_login(community_worker)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("people:audit_log")).status_code == 200
