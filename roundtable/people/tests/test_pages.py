"""Profile, consent, personal-data export, workspace and register through the test client."""

import json

import pytest
from django.urls import reverse

from roundtable.audit.models import Event
from roundtable.people.models import ConstituencyGroup, PrivacyConsent
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import HomeFactory, UnitFactory


def test_profile_needs_login(client, db):
    response = client.get(reverse("people:profile"))
    assert response.status_code == 302 and "/login/" in response.url


def test_profile_shows_homes_groups_and_roles(client, resident, community, grid_worker):
    ConstituencyGroup.objects.get(community=community, name="银龄").members.add(resident)
    client.force_login(resident)
    html = client.get(reverse("people:profile")).content.decode()
    assert "J5 1栋 1单元 301" in html
    assert "银龄" in html
    client.force_login(grid_worker)
    html = client.get(reverse("people:profile")).content.decode()
    assert "第三网格" in html


def test_consent_is_recorded_with_version_and_withdrawn(client, resident, settings):
    client.force_login(resident)
    client.post(reverse("people:consent"), {"decision": "accept"})
    consent = PrivacyConsent.objects.get(user=resident)
    assert consent.version == settings.PRIVACY_NOTICE_VERSION and consent.withdrawn_at is None
    client.post(reverse("people:consent"), {"decision": "accept"})
    assert PrivacyConsent.objects.filter(user=resident).count() == 1
    client.post(reverse("people:consent"), {"decision": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    actions = list(Event.objects.about(resident).values_list("action", flat=True))
    assert actions == ["privacy.accepted", "privacy.withdrawn"]


def test_export_contains_only_my_data(client, resident, home):
    neighbour = UserFactory(phone="13900000077", name="邻居")
    ResidencyFactory(user=neighbour, home=HomeFactory(unit=home.unit, room="302"))
    client.force_login(resident)
    response = client.get(reverse("people:export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["phone"] == "13900000001"
    assert [h["home"] for h in data["homes"]] == [str(home)]
    assert "13900000077" not in response.content.decode()


def test_a_person_gives_and_removes_their_year_of_birth_on_their_profile(client, resident):
    client.force_login(resident)
    page = client.get(reverse("people:profile"))
    assert 'name="birth_year"' in page.content.decode()
    saved = client.post(reverse("people:birth_year"), {"birth_year": "1956"})
    assert saved.status_code == 302
    resident.refresh_from_db()
    assert resident.birth_year == 1956
    event = Event.objects.filter(action="person.birth_year_set").latest("id")
    assert event.details == {"given": True} and "1956" not in json.dumps(event.details)
    client.post(reverse("people:birth_year"), {"birth_year": ""})
    resident.refresh_from_db()
    assert resident.birth_year is None


def test_a_year_of_birth_that_cannot_be_one_is_refused_and_kept_in_the_form(client, resident):
    resident.birth_year = 1956
    resident.save(update_fields=["birth_year"])
    client.force_login(resident)
    refused = client.post(
        reverse("people:birth_year"), {"birth_year": "56"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "four digits" in text and 'value="56"' in text
    resident.refresh_from_db()
    assert resident.birth_year == 1956


def test_the_year_of_birth_is_only_the_persons_own_to_set(resident, grid_worker):
    from django.core.exceptions import PermissionDenied

    from roundtable.people.actions import set_birth_year

    with pytest.raises(PermissionDenied):
        set_birth_year(resident, 1956, by=grid_worker)
    resident.refresh_from_db()
    assert resident.birth_year is None


def test_resident_has_no_workspace(client, resident):
    client.force_login(resident)
    assert client.get(reverse("people:workspace")).status_code == 403
    assert client.get(reverse("people:register")).status_code == 403


def test_workspace_shows_scope(client, community_worker, home):
    client.force_login(community_worker)
    html = client.get(reverse("people:workspace")).content.decode()
    assert "澜菲溪岸社区" in html


def test_property_staff_workspace_has_no_register(client, property_staff):
    client.force_login(property_staff)
    assert client.get(reverse("people:workspace")).status_code == 200
    assert client.get(reverse("people:register")).status_code == 403


def test_register_shows_full_phone_to_community_worker(client, community_worker, resident):
    client.force_login(community_worker)
    html = client.get(reverse("people:register")).content.decode()
    assert "13900000001" in html


def test_register_masks_phones_for_party_secretary(client, compound, resident):
    from roundtable.people.actions import grant_role
    from roundtable.people.models import Role

    secretary = UserFactory(phone="13800000011")
    grant_role(secretary, Role.PARTY_SECRETARY, compound, by=None)
    client.force_login(secretary)
    html = client.get(reverse("people:register")).content.decode()
    assert "139****0001" in html and "13900000001" not in html


def test_grid_worker_register_lists_only_their_grid(client, grid_worker, resident, compound):
    from roundtable.places.tests.factories import BuildingFactory

    other = HomeFactory(unit=UnitFactory(building=BuildingFactory(compound=compound, name="9栋")))
    ResidencyFactory(home=other, user=UserFactory(phone="13900000099", name="别人"))
    client.force_login(grid_worker)
    html = client.get(reverse("people:register")).content.decode()
    assert "孙阿姨" in html and "别人" not in html


def test_register_search(client, community_worker, resident):
    client.force_login(community_worker)
    assert "孙阿姨" in client.get(reverse("people:register"), {"q": "0001"}).content.decode()
    assert "孙阿姨" not in client.get(reverse("people:register"), {"q": "999"}).content.decode()


def test_register_query_count_is_pinned(
    client, community_worker, building, django_assert_max_num_queries
):
    unit = UnitFactory(building=building, name="2单元")
    for n in range(60):
        ResidencyFactory(home=HomeFactory(unit=unit, room=f"{1000 + n}"))
    client.force_login(community_worker)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:register"))
    assert response.status_code == 200


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_render_in_both_languages(client, community, resident, lang):
    client.cookies["django_language"] = lang
    expected = "Log in" if lang == "en" else "登录"
    assert expected in client.get("/login/").content.decode()
    client.force_login(resident)
    for url in ["/c/lf/", "/me/", "/privacy/"]:
        response = client.get(url)
        assert response.status_code == 200, url
