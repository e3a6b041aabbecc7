"""Django's admin for people's things, and for the community, which starts with its groups."""

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Event
from roundtable.people.models import DEFAULT_GROUPS
from roundtable.people.tests.factories import UserFactory
from roundtable.places.models import Community
from roundtable.places.tests.factories import StreetFactory


@pytest.fixture
def admin_client(db):
    """A superuser in Django's admin."""
    client = Client()
    client.force_login(UserFactory(phone="13800000099", is_superuser=True, is_staff=True))
    return client


def test_a_community_added_in_the_admin_starts_with_the_default_groups(admin_client):
    street = StreetFactory()
    form = {"street": street.pk, "name": "四新社区", "code": "sx", "address": ""}
    response = admin_client.post(reverse("admin:places_community_add"), form)
    assert response.status_code == 302
    community = Community.objects.get(code="sx")
    assert list(community.groups.values_list("name", flat=True)) == list(DEFAULT_GROUPS)
    assert Event.objects.filter(action="admin.community.created", community=community).exists()
