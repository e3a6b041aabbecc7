"""The slip form finds the resident by their number: by its ending only where the person entering
may see phones (elsewhere numbers are masked, and trying ending after ending would unmask one a
digit at a time), by the whole number wherever they may enter slips."""

import pytest
from django.urls import reverse

from roundtable.suggestions.models import Channel, Suggestion

pytestmark = pytest.mark.django_db


def _slip(client, person, phone):
    client.force_login(person)
    data = {"phone": phone, "text": "楼道灯坏了", "channel": Channel.GRID_BOX}
    return client.post(reverse("suggestions:slip"), data)


@pytest.mark.parametrize("ending", ["0001", "00001", "900000001"])
def test_building_leader_cannot_find_a_resident_by_a_numbers_ending(
    client, building_leader, resident, ending
):
    response = _slip(client, building_leader, ending)
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_building_leader_finds_a_resident_by_the_whole_number(client, building_leader, resident):
    assert _slip(client, building_leader, resident.phone).status_code == 302
    assert resident.suggestions.get().entered_by == building_leader


def test_building_leader_finds_a_resident_by_a_full_width_number(client, building_leader, resident):
    full_width = resident.phone.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _slip(client, building_leader, full_width).status_code == 302
    assert resident.suggestions.exists()


def test_grid_worker_still_finds_a_resident_by_the_last_four_digits(client, grid_worker, resident):
    assert _slip(client, grid_worker, resident.phone[-4:]).status_code == 302
    assert resident.suggestions.exists()
