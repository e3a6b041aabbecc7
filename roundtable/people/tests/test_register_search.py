"""Searching the register by phone never tells a person more than the page shows them.

A building leader sees numbers masked (139****0001) but once found the hidden digits by
searching endings one digit at a time; a partial number now matches only homes whose phones
the searcher may see.
"""

import pytest
from django.urls import reverse


def _found(client, person, query):
    client.force_login(person)
    response = client.get(reverse("people:register"), {"q": query})
    assert response.status_code == 200
    return [home.pk for home in response.context["page"]]


@pytest.mark.parametrize("ending", ["0001", "00001", "00000001", "900000001", "3900000001"])
def test_building_leader_cannot_find_a_home_by_the_ending_of_a_number(
    client, building_leader, resident, ending
):
    assert _found(client, building_leader, ending) == []


def test_building_leader_finds_a_home_by_the_whole_number(client, building_leader, resident):
    home = resident.residencies.get().home_id
    assert _found(client, building_leader, "13900000001") == [home]
    assert _found(client, building_leader, "139 0000 0001") == [home]


def test_building_leader_still_finds_homes_by_room_and_name(client, building_leader, resident):
    home = resident.residencies.get().home_id
    assert _found(client, building_leader, "301") == [home]
    assert _found(client, building_leader, "孙阿姨") == [home]


@pytest.mark.parametrize("persona", ["community_worker", "grid_worker"])
def test_those_who_see_phones_find_a_home_by_the_ending_of_a_number(
    request, client, persona, resident, grid
):
    person = request.getfixturevalue(persona)
    assert _found(client, person, "0001") == [resident.residencies.get().home_id]
